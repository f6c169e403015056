import { z } from 'zod';
import type { ErpUploadOrder } from '../domain/erp-order';
import { formatBeijing } from './beijing-time';
import { JstApiError, JstRequestError } from './jst-errors';
import { readPage, type Page, type PagedReading } from './paged-reply';
import {
  inventoryRowSchema,
  logisticsOrderSchema,
  queriedOrderSchema,
  uploadReplySchema,
  type InventoryRow,
  type LogisticsOrder,
  type QueriedOrder,
} from './reply-schemas';
import { MAX_RANGE_MS } from './time-chunks';
import type { JstEndpoint } from './erp-protocol';
import { JstTransport, type TransportOptions, type TransportStats } from './transport';

export const ENDPOINTS = {
  inventory: { name: 'inventory.query', legacyMethod: 'inventory.query', openPath: '/open/inventory/query' },
  upload: { name: 'orders.upload', legacyMethod: 'jushuitan.orders.upload', openPath: '/open/jushuitan/orders/upload' },
  logistics: { name: 'logistic.query', legacyMethod: 'logistic.query', openPath: '/open/logistic/query' },
  orders: { name: 'orders.single.query', legacyMethod: 'orders.single.query', openPath: '/open/orders/single/query' },
  cancel: { name: 'orders.cancel', legacyMethod: 'jushuitan.orders.cancel', openPath: '/open/jushuitan/orderbyoid/cancel' },
} as const satisfies Record<string, JstEndpoint>;

/**
 * Documented limits (docs/erp-api.md §3); requests beyond them are refused before sending. Where a limit is
 * not documented the smallest plausible one is used (docs/design.md §7): orders per upload 50 (§3b/§5 [U],
 * "50 is a common guess"), so_ids per legacy cancel 50 (not documented; same as o_ids), legacy
 * inventory page size 100 (§3a [U], assumed as new).
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
  cancelSoIds: 50,
} as const;

/** Safety stop for a paginated read whose `has_next` never turns false. */
const MAX_PAGES = 100_000;

export type { InvalidRow, Page } from './paged-reply';

export interface TimeRange {
  /** Epoch milliseconds; sent as Beijing-time strings. */
  fromMs: number;
  toMs: number;
}

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
  shopId?: number;
  pageSize?: number;
}

export interface UploadResult {
  soId: string;
  oId: number | undefined;
  ok: boolean;
  message: string | undefined;
}

export interface CancelRequest {
  /** Open platform: cancel by ERP o_id (≤ 50). */
  oIds?: readonly number[];
  /** Legacy: cancel by (shop_id, so_id). */
  soIds?: readonly string[];
  shopId?: number;
  cancelType: string;
  remark?: string;
}

/**
 * The ERP, whichever API generation the credentials select. Request limits are checked before anything
 * is sent: the paged methods throw JstRequestError synchronously, the others reject with it. Every
 * failure of the call itself is a JstApiError.
 */
export interface JstClient {
  readonly generation: 'legacy' | 'open';
  readonly stats: TransportStats;
  /** All pages of one inventory query (≤ 100 sku_ids and/or a ≤ 7-day modified range). */
  inventoryPages(query: InventoryQuery): AsyncIterable<Page<InventoryRow>>;
  /** One page (from 1) of an inventory query. */
  inventoryPage(query: InventoryQuery, pageIndex: number): Promise<Page<InventoryRow>>;
  /** Uploads ≤ 50 orders; one result per order, in input order. Orders with empty values are not sent. */
  uploadOrders(orders: readonly ErpUploadOrder[]): Promise<UploadResult[]>;
  /** All pages of one logistics query (≤ 20 so_ids and/or a ≤ 7-day range). */
  logisticsPages(query: LogisticsQuery): AsyncIterable<Page<LogisticsOrder>>;
  /** One page (from 1) of a logistics query. */
  logisticsPage(query: LogisticsQuery, pageIndex: number): Promise<Page<LogisticsOrder>>;
  /** All pages of one order query (≤ 20 so_ids, ≤ 50 o_ids and/or a ≤ 7-day modified range). */
  queryOrders(query: OrderQuery): AsyncIterable<Page<QueriedOrder>>;
  /** Open platform: by o_id (≤ 50). Legacy: by (shop_id, so_id) (≤ 50). */
  cancelOrders(request: CancelRequest): Promise<void>;
}

/** Transport options (credentials, URL, limits, retries, token port) plus the default shop. */
export interface JstClientOptions extends TransportOptions {
  /** Default shop for logistics/order queries and legacy cancel when the request names none. */
  shopId?: number;
}

export function createJstClient(options: JstClientOptions): JstClient {
  return new HttpJstClient(new JstTransport(options), options.shopId);
}

class HttpJstClient implements JstClient {
  constructor(
    private readonly transport: JstTransport,
    private readonly defaultShopId: number | undefined,
  ) {}

  get generation() {
    return this.transport.generation;
  }

  get stats() {
    return this.transport.stats;
  }

  inventoryPages(query: InventoryQuery): AsyncIterable<Page<InventoryRow>> {
    return this.pages(this.inventoryReading(query));
  }

  inventoryPage(query: InventoryQuery, pageIndex: number): Promise<Page<InventoryRow>> {
    return this.page(this.inventoryReading(query), pageIndex);
  }

  private inventoryReading(query: InventoryQuery): PagedReading<InventoryRow> {
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
    return { endpoint, biz, listKey: 'inventorys', rowSchema: inventoryRowSchema, keyOf: (row) => (row as { sku_id?: unknown }).sku_id, uniqueKey: (r) => r.sku_id, modifiedOf: (r) => r.modified };
  }

  async uploadOrders(orders: readonly ErpUploadOrder[]): Promise<UploadResult[]> {
    const endpoint = ENDPOINTS.upload;
    if (orders.length === 0) return [];
    if (orders.length > LIMITS.uploadOrders) throw new JstRequestError(endpoint.name, `${orders.length} orders in one upload; at most ${LIMITS.uploadOrders} per call (split into batches)`);
    const soIds: string[] = [];
    for (const order of orders) {
      const soId: unknown = order.so_id;
      if (typeof soId !== 'string' || soId === '') throw new JstRequestError(endpoint.name, 'every order needs a non-empty string so_id');
      if (soIds.includes(soId)) throw new JstRequestError(endpoint.name, `so_id ${soId} appears twice in one upload`);
      soIds.push(soId);
    }
    // Empty values are never sent (docs/design.md §7; the ERP's treatment of them is [U], docs/erp-api.md §2.3):
    // such an order fails alone, naming the field (never a value).
    const results = new Map<string, UploadResult>();
    const toSend: ErpUploadOrder[] = [];
    orders.forEach((order, i) => {
      const empty = firstEmptyField(order);
      if (empty) results.set(soIds[i]!, { soId: soIds[i]!, oId: undefined, ok: false, message: `not sent: ${empty} is empty (empty values are never sent to the ERP)` });
      else toSend.push(order);
    });
    if (toSend.length > 0) {
      const data = await this.transport.call(endpoint, toSend);
      const parsed = uploadReplySchema.safeParse(data);
      if (!parsed.success) throw invalidReply(endpoint.name, parsed.error);
      for (const r of parsed.data.datas) {
        const accepted = r.issuccess && r.o_id != null;
        results.set(r.so_id, { soId: r.so_id, oId: r.o_id ?? undefined, ok: accepted, message: r.msg || (r.issuccess && !accepted ? 'the ERP accepted the order but returned no o_id' : undefined) });
      }
    }
    // One result per order, in input order; an order the ERP did not report on counts as failed.
    return soIds.map((soId) => results.get(soId) ?? { soId, oId: undefined, ok: false, message: 'the ERP returned no result for this order' });
  }

  logisticsPages(query: LogisticsQuery): AsyncIterable<Page<LogisticsOrder>> {
    return this.pages(this.logisticsReading(query));
  }

  logisticsPage(query: LogisticsQuery, pageIndex: number): Promise<Page<LogisticsOrder>> {
    return this.page(this.logisticsReading(query), pageIndex);
  }

  private logisticsReading(query: LogisticsQuery): PagedReading<LogisticsOrder> {
    const endpoint = ENDPOINTS.logistics;
    const pageSize = checkPageSize(endpoint.name, query.pageSize ?? LIMITS.logisticsPageSize, LIMITS.logisticsPageSize);
    checkList(endpoint.name, 'so_ids', query.soIds, LIMITS.soIds);
    if (!query.soIds?.length && !query.modified) throw new JstRequestError(endpoint.name, 'give so_ids or a modified range');
    const biz: Record<string, unknown> = { page_size: pageSize };
    const shopId = query.shopId ?? this.defaultShopId;
    if (shopId) biz.shop_id = shopId;
    if (query.soIds?.length) biz.so_ids = [...query.soIds];
    // date_type's default is [U] (docs/erp-api.md §3c: "默认发货时间"), so it is always sent with a range.
    if (query.modified) Object.assign(biz, rangeFields(endpoint.name, query.modified), { date_type: query.dateType ?? 0 });
    // One row per package: split shipments share the so_id and differ in o_id (docs/erp-api.md §3c).
    return { endpoint, biz, listKey: 'orders', rowSchema: logisticsOrderSchema, keyOf: (row) => (row as { so_id?: unknown }).so_id, uniqueKey: (r) => String(r.o_id), modifiedOf: (r) => r.modified };
  }

  queryOrders(query: OrderQuery): AsyncIterable<Page<QueriedOrder>> {
    const endpoint = ENDPOINTS.orders;
    const max = this.generation === 'open' ? LIMITS.orderPageSizeOpen : LIMITS.orderPageSizeLegacy;
    const pageSize = checkPageSize(endpoint.name, query.pageSize ?? max, max);
    checkList(endpoint.name, 'so_ids', query.soIds, LIMITS.soIds);
    checkList(endpoint.name, 'o_ids', query.oIds, LIMITS.oIds);
    if (!query.soIds?.length && !query.oIds?.length && !query.modified) throw new JstRequestError(endpoint.name, 'give so_ids, o_ids or a modified range');
    const biz: Record<string, unknown> = { page_size: pageSize };
    const shopId = query.shopId ?? this.defaultShopId;
    if (shopId) biz.shop_id = shopId;
    if (query.soIds?.length) biz.so_ids = [...query.soIds];
    if (query.oIds?.length) biz.o_ids = [...query.oIds];
    if (query.modified) Object.assign(biz, rangeFields(endpoint.name, query.modified), { date_type: 0 });
    return this.pages({ endpoint, biz, listKey: 'orders', rowSchema: queriedOrderSchema, keyOf: (row) => (row as { so_id?: unknown }).so_id, uniqueKey: (r) => String(r.o_id), modifiedOf: (r) => r.modified });
  }

  async cancelOrders(request: CancelRequest): Promise<void> {
    const endpoint = ENDPOINTS.cancel;
    if (this.generation === 'open') {
      checkList(endpoint.name, 'o_ids', request.oIds, LIMITS.oIds);
      if (!request.oIds?.length) throw new JstRequestError(endpoint.name, 'give the ERP o_ids to cancel');
      if (!request.oIds.every((id) => Number.isInteger(id) && id > 0)) throw new JstRequestError(endpoint.name, 'o_ids are positive integers');
      // cancel_type vocabulary is [U] (docs/erp-api.md §3d): free text, required non-empty.
      if (!request.cancelType.trim()) throw new JstRequestError(endpoint.name, 'cancel_type must not be empty');
      const biz: Record<string, unknown> = { o_ids: [...request.oIds], cancel_type: request.cancelType };
      if (request.remark) biz.remark = request.remark;
      await this.transport.call(endpoint, biz);
      return;
    }
    const shopId = request.shopId ?? this.defaultShopId;
    checkList(endpoint.name, 'so_ids', request.soIds, LIMITS.cancelSoIds);
    if (!request.soIds?.length || !shopId) throw new JstRequestError(endpoint.name, 'give shop_id and the so_ids to cancel');
    // Legacy jushuitan.orders.cancel takes [{shop_id, so_id}] (docs/erp-api.md §3d, S9/S11).
    await this.transport.call(endpoint, request.soIds.map((soId) => ({ shop_id: shopId, so_id: soId })));
  }

  private async *pages<T>(reading: PagedReading<T>): AsyncGenerator<Page<T>> {
    for (let pageIndex = 1; ; pageIndex++) {
      if (pageIndex > MAX_PAGES) throw new JstApiError({ code: 'JST_REPLY_INVALID', message: `ERP ${reading.endpoint.name}: still has_next after ${MAX_PAGES} pages`, endpoint: reading.endpoint.name, retryable: false });
      const page = await this.page(reading, pageIndex);
      yield page;
      if (!page.hasNext || page.rows.length + page.invalid.length + (page.duplicates ?? 0) === 0) return;
    }
  }

  /**
   * One page, read strictly (paged-reply.ts): a code-0 reply whose paging fields or list do not have
   * the documented shape is malformed — retried by the transport, then a retryable JstApiError naming
   * the endpoint (the run fails; nothing past it is committed).
   */
  private page<T>(reading: PagedReading<T>, pageIndex: number): Promise<Page<T>> {
    if (!Number.isInteger(pageIndex) || pageIndex < 1) throw new JstRequestError(reading.endpoint.name, `page_index must be ≥ 1, got ${pageIndex}`);
    return this.transport.call(reading.endpoint, { ...reading.biz, page_index: pageIndex }, (data) => readPage(reading, data, pageIndex));
  }
}

function checkPageSize(endpoint: string, size: number, max: number): number {
  if (!Number.isInteger(size) || size < 1 || size > max) throw new JstRequestError(endpoint, `page_size must be 1..${max}, got ${size}`);
  return size;
}

function checkList(endpoint: string, field: string, list: readonly unknown[] | undefined, max: number): void {
  if (list && list.length > max) throw new JstRequestError(endpoint, `${field} holds ${list.length} values; at most ${max} per call (split into batches)`);
  if (list?.some((v) => v === '' || v === null || v === undefined)) throw new JstRequestError(endpoint, `${field} contains an empty value`);
}

function rangeFields(endpoint: string, range: TimeRange): Record<string, string> {
  if (!(range.fromMs <= range.toMs)) throw new JstRequestError(endpoint, 'modified range starts after it ends');
  if (range.toMs - range.fromMs > MAX_RANGE_MS) throw new JstRequestError(endpoint, 'modified range is longer than 7 days (split it with chunkTimeRange)');
  return { modified_begin: formatBeijing(range.fromMs), modified_end: formatBeijing(range.toMs) };
}

function invalidReply(endpoint: string, error: z.ZodError): JstApiError {
  const issues = error.issues.slice(0, 3).map((i) => `${i.path.join('.') || 'reply'}: ${i.message}`).join('; ');
  return new JstApiError({ code: 'JST_REPLY_INVALID', message: `ERP ${endpoint}: reply does not have the documented shape (${issues})`, endpoint, retryable: false });
}

/** Path of the first empty-string or null value in an order (items and pay included), if any. */
function firstEmptyField(value: unknown, path = ''): string | undefined {
  if (value === '' || value === null) return path || 'order';
  if (Array.isArray(value)) {
    for (let i = 0; i < value.length; i++) {
      const found = firstEmptyField(value[i], `${path}[${i}]`);
      if (found) return found;
    }
  } else if (typeof value === 'object' && value !== undefined) {
    for (const [key, child] of Object.entries(value as Record<string, unknown>)) {
      const found = firstEmptyField(child, path ? `${path}.${key}` : key);
      if (found) return found;
    }
  }
  return undefined;
}
