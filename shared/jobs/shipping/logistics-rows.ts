import type { ShipmentToApply } from '../../fecmall/shipment-repository';
import { parseBeijing } from '../../domain/beijing-time';
import type { LogisticsOrder } from '../../jst/reply-schemas';

/** A logistics row that cannot be applied; `retry` says whether a later run may succeed with it. */
export interface RowFailure {
  key: string;
  reason: string;
  retry: boolean;
  /** The ERP so_id to query the row again by. */
  erpSoId: string;
}

export interface MappedShipments {
  shipments: ShipmentToApply[];
  /** Store increment id → the ERP so_id its shipment is listed under (differs for merged orders). */
  erpSoIdOf: Map<string, string>;
  failures: RowFailure[];
  withoutTracking: number;
}

/**
 * Turns the ERP's logistics rows into shipments per store order (docs/erp-api.md §3c):
 * - a row of another shop, or with a `send_date` that is not a Beijing-time string, is an item
 *   failure and applies to nothing;
 * - an ERP order that merges several store orders names them in its items' `raw_so_id`: each of
 *   them (and the row's own `so_id`) gets the shipment;
 * - one order may ship in several packages (rows with their own o_id): the tracking numbers add up;
 * - a row without a tracking number is counted, not applied.
 */
export function toShipments(rows: readonly LogisticsOrder[], options: { shopId: number; carrierMap: Record<string, string>; nowMs: number }): MappedShipments {
  const byOrder = new Map<string, ShipmentToApply>();
  const erpSoIdOf = new Map<string, string>();
  const failures: RowFailure[] = [];
  let withoutTracking = 0;
  for (const row of rows) {
    if (row.shop_id !== undefined && row.shop_id !== options.shopId) {
      failures.push({
        key: row.so_id,
        erpSoId: row.so_id,
        retry: false,
        reason: `ERP logistics row of shop ${row.shop_id}, not of this shop ${options.shopId}: not applied`,
      });
      continue;
    }
    const sent = row.send_date ? parseBeijing(row.send_date) : undefined;
    if (row.send_date && sent === undefined) {
      failures.push({
        key: row.so_id,
        erpSoId: row.so_id,
        retry: true,
        reason: `ERP logistics row has an unreadable send_date (${JSON.stringify(row.send_date.slice(0, 40))}): not applied`,
      });
      continue;
    }
    const tracking = (row.l_id ?? '').trim();
    if (!tracking) {
      withoutTracking++;
      continue;
    }
    const lcId = (row.lc_id ?? '').trim();
    for (const incrementId of storeOrdersOf(row)) {
      const existing = byOrder.get(incrementId);
      if (existing) {
        if (!existing.trackingNumbers.includes(tracking)) existing.trackingNumbers.push(tracking);
        continue;
      }
      erpSoIdOf.set(incrementId, row.so_id);
      byOrder.set(incrementId, {
        incrementId,
        trackingNumbers: [tracking],
        carrierCode: options.carrierMap[lcId] ?? lcId,
        carrierName: (row.logistics_company ?? '').trim() || lcId,
        shippedAt: Math.floor((sent ?? options.nowMs) / 1000),
      });
    }
  }
  return { shipments: [...byOrder.values()], erpSoIdOf, failures, withoutTracking };
}

/** The store orders a logistics row ships: its so_id and every distinct `raw_so_id` of its items. */
export function storeOrdersOf(row: LogisticsOrder): string[] {
  const ids = [row.so_id];
  for (const item of row.items ?? []) {
    const raw = (item.raw_so_id ?? '').trim();
    if (raw && !ids.includes(raw)) ids.push(raw);
  }
  return ids;
}
