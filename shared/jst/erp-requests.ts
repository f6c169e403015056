import { formatBeijing } from '../domain/beijing-time';
import { MAX_RANGE_MS } from '../domain/erp-range';
import type { JstEndpoint } from './erp-protocol';
import { JstRequestError } from './jst-errors';

// The ERP endpoints the client calls and the request limits checked before anything is sent.

export const ENDPOINTS = {
  inventory: { name: 'inventory.query', legacyMethod: 'inventory.query', openPath: '/open/inventory/query' },
  upload: { name: 'orders.upload', legacyMethod: 'jushuitan.orders.upload', openPath: '/open/jushuitan/orders/upload' },
  logistics: { name: 'logistic.query', legacyMethod: 'logistic.query', openPath: '/open/logistic/query' },
  orders: { name: 'orders.single.query', legacyMethod: 'orders.single.query', openPath: '/open/orders/single/query' },
  warehouses: { name: 'wms.partner.query', legacyMethod: 'wms.partner.query', openPath: '/open/wms/partner/query' },
  shops: { name: 'shops.query', legacyMethod: 'shops.query', openPath: '/open/shops/query' },
} as const satisfies Record<string, JstEndpoint>;

/**
 * Documented limits (docs/erp-api.md §3); requests beyond them are refused before sending. Where a limit is
 * not documented the smallest plausible one is used (docs/design.md §7): orders per upload 50 (§3b/§5 [U],
 * "50 is a common guess"), legacy inventory page size 100 (§3a [U], assumed as new).
 */
export const LIMITS = {
  inventoryPageSize: 100,
  skuIds: 100,
  logisticsPageSize: 50,
  soIds: 20,
  oIds: 50,
  orderPageSizeOpen: 100,
  orderPageSizeLegacy: 50,
  uploadOrders: 50,
  // The warehouse query's page size maximum is [C1] (50 in one client, 100 in others, §3e): 30 stays under both.
  warehousePageSize: 30,
  // The shop query's page size: "默认100条，最大100条" in one client (docs/erp-api.md §3f, [C1]).
  shopPageSize: 100,
} as const;

export interface TimeRange {
  /** Epoch milliseconds; sent as Beijing-time strings. */
  fromMs: number;
  toMs: number;
}

export function checkPageSize(endpoint: string, size: number, max: number): number {
  if (!Number.isInteger(size) || size < 1 || size > max) throw new JstRequestError(endpoint, `page_size must be 1..${max}, got ${size}`);
  return size;
}

export function checkList(endpoint: string, field: string, list: readonly unknown[] | undefined, max: number): void {
  if (list && list.length > max) throw new JstRequestError(endpoint, `${field} holds ${list.length} values; at most ${max} per call (split into batches)`);
  if (list?.some((v) => v === '' || v === null || v === undefined)) throw new JstRequestError(endpoint, `${field} contains an empty value`);
}

export function rangeFields(endpoint: string, range: TimeRange): Record<string, string> {
  if (!(range.fromMs <= range.toMs)) throw new JstRequestError(endpoint, 'modified range starts after it ends');
  if (range.toMs - range.fromMs > MAX_RANGE_MS) throw new JstRequestError(endpoint, 'modified range is longer than 7 days (split it into 7-day ranges)');
  return { modified_begin: formatBeijing(range.fromMs), modified_end: formatBeijing(range.toMs) };
}
