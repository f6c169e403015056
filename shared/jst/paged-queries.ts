import { JstRequestError } from './jst-errors';
import type { PagedReading } from './paged-reply';
import {
  inventoryRowSchema,
  logisticsOrderSchema,
  queriedOrderSchema,
  warehouseRowSchema,
  shopRowSchema,
  type ShopRow,
  type InventoryRow,
  type LogisticsOrder,
  type ErpOrderStatus,
  type QueriedOrder,
  type WarehouseRow,
} from './reply-schemas';
import { checkList, checkPageSize, ENDPOINTS, LIMITS, rangeFields, type TimeRange } from './erp-requests';

// The ERP's paged queries (inventory, logistics, orders): each request checked and turned into a paged reading.

export interface InventoryQuery {
  skuIds?: readonly string[];
  modified?: TimeRange;
  /** 0 or absent: all warehouses summed (docs/erp-api.md §3a); a number: that warehouse. */
  wmsCoId?: number;
  pageSize?: number;
}

export interface LogisticsQuery {
  soIds?: readonly string[];
  modified?: TimeRange;
  /** 0 modified (default here, always sent), 1 created, 2 order date, 3 send date. */
  dateType?: 0 | 1 | 2 | 3;
  shopId?: number;
  pageSize?: number;
}

export interface OrderQuery {
  soIds?: readonly string[];
  oIds?: readonly number[];
  modified?: TimeRange;
  /**
   * Only orders in this ERP status (docs/erp-api.md §3d: `status` is a documented request field, [C2]).
   * Whether the ERP filters exactly is not established, so callers still check each row's `status`.
   */
  status?: ErpOrderStatus;
  shopId?: number;
  pageSize?: number;
}

/** One inventory query's reading (docs/erp-api.md §3a). */
export function inventoryReading(query: InventoryQuery): PagedReading<InventoryRow> {
  const endpoint = ENDPOINTS.inventory;
  const pageSize = checkPageSize(endpoint.name, query.pageSize ?? LIMITS.inventoryPageSize, LIMITS.inventoryPageSize);
  checkList(endpoint.name, 'sku_ids', query.skuIds, LIMITS.skuIds);
  if (!query.skuIds?.length && !query.modified) throw new JstRequestError(endpoint.name, 'give sku_ids or a modified range');
  const biz: Record<string, unknown> = { page_size: pageSize };
  if (query.skuIds?.length) biz.sku_ids = query.skuIds.join(',');
  if (query.modified) Object.assign(biz, rangeFields(endpoint.name, query.modified));
  // wms_co_id omitted = 0 = all warehouses summed ([C2] §3a), so 0 is not sent. Legacy support for
  // wms_co_id is [U] (§3a); it is sent when asked for.
  if (query.wmsCoId) biz.wms_co_id = query.wmsCoId;
  return {
    endpoint,
    biz,
    listKey: 'inventorys',
    rowSchema: inventoryRowSchema,
    keyOf: (row) => (row as { sku_id?: unknown }).sku_id,
    uniqueKey: (r) => r.sku_id,
    modifiedOf: (r) => r.modified,
  };
}

/** The warehouse (分仓) query's reading (docs/erp-api.md §3e): every warehouse of the account, paged. */
export function warehouseReading(): PagedReading<WarehouseRow> {
  return {
    endpoint: ENDPOINTS.warehouses,
    biz: { page_size: LIMITS.warehousePageSize },
    listKey: 'datas',
    rowSchema: warehouseRowSchema,
    keyOf: (row) => (row as { wms_co_id?: unknown }).wms_co_id,
    uniqueKey: (r) => String(r.wms_co_id),
    modifiedOf: () => undefined,
  };
}

/**
 * The shop query's reading (docs/erp-api.md §3f): every shop of the account, paged. The list is the
 * top-level `shops` of the legacy reply ([C2]); for the open platform one client reads `data.datas`
 * ([C1]), so the client also takes a `shops` list there (shopsListed).
 */
export function shopReading(generation: 'legacy' | 'open'): PagedReading<ShopRow> {
  return {
    endpoint: ENDPOINTS.shops,
    biz: { page_size: LIMITS.shopPageSize },
    listKey: generation === 'legacy' ? 'shops' : 'datas',
    rowSchema: shopRowSchema,
    keyOf: (row) => (row as { shop_id?: unknown }).shop_id,
    uniqueKey: (r) => String(r.shop_id),
    modifiedOf: () => undefined,
  };
}

/** The reply with its shop list under the reading's key, whichever of `datas`/`shops` the ERP used. */
export function shopsListed(reading: PagedReading<ShopRow>, data: Record<string, unknown>): Record<string, unknown> {
  if (data[reading.listKey] !== undefined) return data;
  const other = reading.listKey === 'datas' ? 'shops' : 'datas';
  return data[other] === undefined ? data : { ...data, [reading.listKey]: data[other] };
}

/** One logistics query's reading (docs/erp-api.md §3c). */
export function logisticsReading(query: LogisticsQuery, defaultShopId: number | undefined): PagedReading<LogisticsOrder> {
  const endpoint = ENDPOINTS.logistics;
  const pageSize = checkPageSize(endpoint.name, query.pageSize ?? LIMITS.logisticsPageSize, LIMITS.logisticsPageSize);
  checkList(endpoint.name, 'so_ids', query.soIds, LIMITS.soIds);
  if (!query.soIds?.length && !query.modified) throw new JstRequestError(endpoint.name, 'give so_ids or a modified range');
  const biz: Record<string, unknown> = { page_size: pageSize };
  const shopId = query.shopId ?? defaultShopId;
  if (shopId) biz.shop_id = shopId;
  if (query.soIds?.length) biz.so_ids = [...query.soIds];
  // date_type's default is [U] (docs/erp-api.md §3c: "默认发货时间"), so it is always sent with a range.
  if (query.modified) Object.assign(biz, rangeFields(endpoint.name, query.modified), { date_type: query.dateType ?? 0 });
  // One row per package: split shipments share the so_id and differ in o_id (docs/erp-api.md §3c).
  return {
    endpoint,
    biz,
    listKey: 'orders',
    rowSchema: logisticsOrderSchema,
    keyOf: (row) => (row as { so_id?: unknown }).so_id,
    uniqueKey: (r) => String(r.o_id),
    modifiedOf: (r) => r.modified,
  };
}

/** One order query's reading; the page size limit depends on the API generation. */
export function orderReading(query: OrderQuery, generation: 'legacy' | 'open', defaultShopId: number | undefined): PagedReading<QueriedOrder> {
  const endpoint = ENDPOINTS.orders;
  const max = generation === 'open' ? LIMITS.orderPageSizeOpen : LIMITS.orderPageSizeLegacy;
  const pageSize = checkPageSize(endpoint.name, query.pageSize ?? max, max);
  checkList(endpoint.name, 'so_ids', query.soIds, LIMITS.soIds);
  checkList(endpoint.name, 'o_ids', query.oIds, LIMITS.oIds);
  if (!query.soIds?.length && !query.oIds?.length && !query.modified) throw new JstRequestError(endpoint.name, 'give so_ids, o_ids or a modified range');
  const biz: Record<string, unknown> = { page_size: pageSize };
  const shopId = query.shopId ?? defaultShopId;
  if (shopId) biz.shop_id = shopId;
  if (query.soIds?.length) biz.so_ids = [...query.soIds];
  if (query.oIds?.length) biz.o_ids = [...query.oIds];
  if (query.modified) Object.assign(biz, rangeFields(endpoint.name, query.modified), { date_type: 0 });
  if (query.status) biz.status = query.status;
  return {
    endpoint,
    biz,
    listKey: 'orders',
    rowSchema: queriedOrderSchema,
    keyOf: (row) => (row as { so_id?: unknown }).so_id,
    uniqueKey: (r) => String(r.o_id),
    modifiedOf: (r) => r.modified,
  };
}
