import type { ShipmentRepository, ShipmentResult, ShipmentToApply } from '../../fecmall/shipment-repository';
import { parseBeijing } from '../../jst/beijing-time';
import type { JstClient } from '../../jst/client';
import type { LogisticsOrder } from '../../jst/reply-schemas';
import { chunkList } from '../../jst/time-chunks';
import type { RunContext } from '../../runtime/run-context';
import { MetricNames } from '../../runtime/metric-names';
import type { ItemFailure, RunOutcome } from '../../runtime/run-summary';
import { walkTimeWindow } from '../walk-time-window';
import { readAhead } from '../read-ahead';

export interface SyncShippingPorts {
  erp: Pick<JstClient, 'logisticsPages'>;
  shipments: Pick<ShipmentRepository, 'apply' | 'plan'>;
}

type Ctx = Pick<RunContext, 'request' | 'env' | 'cursors' | 'clock' | 'logger' | 'metrics' | 'deadline'>;

const SO_IDS_PER_QUERY = 20;
const LISTED = 50;

/**
 * syncShipping: the ERP's logistics (carrier, tracking number, ship time) onto store orders, moving
 * them to dispatched through the store's guarded transition. Orders the store does not know, already
 * shipped, cancelled or not shippable are counted and listed, and never fail the run.
 */
export async function syncShipping(ports: SyncShippingPorts, ctx: Ctx): Promise<RunOutcome> {
  const counts: Record<string, number> = { erpRows: 0, withoutTracking: 0, applied: 0, tracking_added: 0, already_shipped: 0, cancelled: 0, not_shippable: 0, unknown: 0 };
  const skipped: ShipmentResult[] = [];
  const failures: ItemFailure[] = [];
  const planned: ShipmentResult[] = [];

  const applyRows = async (rows: LogisticsOrder[], invalid: Array<{ key: string | undefined; problem: string }>) => {
    counts.erpRows = (counts.erpRows ?? 0) + rows.length + invalid.length;
    for (const bad of invalid) failures.push({ key: bad.key ?? '(no so_id)', reason: `ERP logistics row does not have the documented shape: ${bad.problem}` });
    const shipments = toShipments(rows, ctx.env.CARRIER_MAP, ctx.clock.now(), () => (counts.withoutTracking = (counts.withoutTracking ?? 0) + 1));
    if (shipments.length === 0) return;
    const results = ctx.request.dryRun ? await ports.shipments.plan(shipments) : await ports.shipments.apply(shipments);
    for (const r of results) {
      counts[r.outcome] = (counts[r.outcome] ?? 0) + 1;
      if (ctx.request.dryRun && planned.length < 100) planned.push(r);
      if (r.outcome === 'unknown' || r.outcome === 'cancelled' || r.outcome === 'not_shippable') if (skipped.length < LISTED) skipped.push(r);
    }
  };

  let result: Pick<RunOutcome, 'window' | 'complete' | 'cursor' | 'cursorLagSeconds'>;
  if (ctx.request.orders) {
    let complete = true;
    for (const soIds of chunkList(ctx.request.orders, SO_IDS_PER_QUERY)) {
      if (ctx.deadline.expired()) {
        complete = false;
        break;
      }
      for await (const page of ports.erp.logisticsPages({ soIds, shopId: ctx.env.JST_SHOP_ID })) await applyRows(page.rows, page.invalid);
    }
    result = { window: { from: null, to: null }, complete, cursor: { before: null, after: null } };
  } else {
    result = await walkTimeWindow(ctx, ctx.env.SHIPPING_INITIAL_LOOKBACK_HOURS * 3600_000, async (chunk) => {
      for await (const page of readAhead(ports.erp.logisticsPages({ modified: chunk, dateType: 0, shopId: ctx.env.JST_SHOP_ID }))) await applyRows(page.rows, page.invalid);
    });
  }
  ctx.metrics.count(MetricNames.shipmentsApplied, (counts.applied ?? 0) + (counts.tracking_added ?? 0));
  ctx.metrics.count(MetricNames.shipmentsSkipped, (counts.unknown ?? 0) + (counts.cancelled ?? 0) + (counts.not_shippable ?? 0));
  const details: Record<string, unknown> = {};
  if (skipped.length > 0) details.skippedOrders = skipped;
  if (ctx.request.dryRun) details.plannedShipments = planned;
  return { ...result, counts, failures, details };
}

/** Groups the ERP's logistics rows by store order: one order may ship in several packages. */
export function toShipments(rows: LogisticsOrder[], carrierMap: Record<string, string>, nowMs: number, onNoTracking: () => void): ShipmentToApply[] {
  const bySo = new Map<string, ShipmentToApply>();
  for (const row of rows) {
    const tracking = (row.l_id ?? '').trim();
    if (!tracking) {
      onNoTracking();
      continue;
    }
    const lcId = (row.lc_id ?? '').trim();
    const sent = row.send_date ? parseBeijing(row.send_date) : undefined;
    const existing = bySo.get(row.so_id);
    if (existing) {
      if (!existing.trackingNumbers.includes(tracking)) existing.trackingNumbers.push(tracking);
      continue;
    }
    bySo.set(row.so_id, {
      incrementId: row.so_id,
      trackingNumbers: [tracking],
      carrierCode: carrierMap[lcId] ?? lcId,
      carrierName: (row.logistics_company ?? '').trim() || lcId,
      shippedAt: Math.floor((sent ?? nowMs) / 1000),
    });
  }
  return [...bySo.values()];
}
