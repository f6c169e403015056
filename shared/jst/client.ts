import { z } from 'zod';
import type { JstCredentials } from '../config/secret-shapes';
import type { Logger } from '../runtime/ports';
import { formatBeijing } from './beijing-time';
import { JstApiError, JstRequestError } from './jst-errors';
import type { RateLimit } from './rate-limiter';
import {
  inventoryRowSchema,
  logisticsOrderSchema,
  pageSchema,
  queriedOrderSchema,
  uploadReplySchema,
  type InventoryRow,
  type LogisticsOrder,
  type QueriedOrder,
} from './reply-schemas';
import { MAX_RANGE_MS } from './time-chunks';
import { JstTransport, type JstEndpoint, type OpenPlatformTokens, type TransportStats } from './transport';

export const ENDPOINTS = {
  inventory: { name: 'inventory.query', legacyMethod: 'inventory.query', openPath: '/open/inventory/query' },
  upload: { name: 'orders.upload', legacyMethod: 'jushuitan.orders.upload', openPath: '/open/jushuitan/orders/upload' },
  logistics: { name: 'logistic.query', legacyMethod: 'logistic.query', openPath: '/open/logistic/query' },
  orders: { name: 'orders.single.query', legacyMethod: 'orders.single.query', openPath: '/open/orders/single/query' },
  cancel: { name: 'orders.cancel', legacyMethod: 'jushuitan.orders.cancel', openPath: '/open/jushuitan/orderbyoid/cancel' },
} as const satisfies Record<string, JstEndpoint>;

/** Documented limits (jst-api.md §3); requests beyond them are refused before sending. */
export const LIMITS = { inventoryPageSize: 100, skuIds: 100, logisticsPageSize: 50, soIds: 20, oIds: 50, orderPageSizeOpen: 100, orderPageSizeLegacy: 50 } as const;

/** A row the ERP sent that does not have the documented shape; the caller decides what to do. */
export interface InvalidRow {
  index: number;
  key: string | undefined;
  problem: string;
}

export interface Page<T> {
  pageIndex: number;
  rows: T[];
  invalid: InvalidRow[];
  hasNext: boolean;
}

export interface TimeRange {
  /** Epoch milliseconds; sent as Beijing-time strings. */
  fromMs: number;
  toMs: number;
}

export interface InventoryQuery {
  skuIds?: readonly string[];
  modified?: TimeRange;
  /** 0 or absent: all warehouses summed (jst-api.md §3a); a number: that warehouse. */
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

export interface JstClient {
  readonly generation: 'legacy' | 'open';
  readonly stats: TransportStats;
  inventoryPages(query: InventoryQuery): AsyncIterable<Page<InventoryRow>>;
  uploadOrders(orders: readonly object[]): Promise<UploadResult[]>;
  logisticsPages(query: LogisticsQuery): AsyncIterable<Page<LogisticsOrder>>;
  queryOrders(query: OrderQuery): AsyncIterable<Page<QueriedOrder>>;
  cancelOrders(request: CancelRequest): Promise<void>;
}

export interface JstClientOptions {
  credentials: JstCredentials;
  baseUrl?: string;
  rateLimit?: RateLimit;
  timeoutMs?: number;
  maxRetries?: number;
  retryBaseMs?: number;
  onTokensRefreshed?: (tokens: OpenPlatformTokens) => Promise<void>;
  logger?: Logger;
  sleep?: (ms: number) => Promise<void>;
  random?: () => number;
  now?: () => number;
}

export function createJstClient(options: JstClientOptions): JstClient {
  return new HttpJstClient(new JstTransport(options));
}

class HttpJstClient implements JstClient {
  constructor(private readonly transport: JstTransport) {}

  get generation() {
    return this.transport.generation;
  }

  get stats() {
    return this.transport.stats;
  }

  inventoryPages(query: InventoryQuery): AsyncIterable<Page<InventoryRow>> {
    const endpoint = ENDPOINTS.inventory;
    const pageSize = checkPageSize(endpoint.name, query.pageSize ?? LIMITS.inventoryPageSize, LIMITS.inventoryPageSize);
    checkList(endpoint.name, 'sku_ids', query.skuIds, LIMITS.skuIds);
    if (!query.skuIds?.length && !query.modified) throw new JstRequestError(endpoint.name, 'give sku_ids or a modified range');
    const biz: Record<string, unknown> = { page_size: pageSize };
    if (query.skuIds?.length) biz.sku_ids = query.skuIds.join(',');
    if (query.modified) Object.assign(biz, rangeFields(endpoint.name, query.modified));
    if (query.wmsCoId) biz.wms_co_id = query.wmsCoId;
    return this.pages(endpoint, biz, 'inventorys', inventoryRowSchema, (row) => (row as { sku_id?: unknown }).sku_id);
  }

  async uploadOrders(orders: readonly object[]): Promise<UploadResult[]> {
    const endpoint = ENDPOINTS.upload;
    if (orders.length === 0) return [];
    const data = await this.transport.call(endpoint, orders);
    const parsed = uploadReplySchema.safeParse(data);
    if (!parsed.success) throw invalidReply(endpoint.name, parsed.error);
    return parsed.data.datas.map((r) => ({ soId: r.so_id, oId: r.o_id ?? undefined, ok: r.issuccess, message: r.msg ?? undefined }));
  }

  logisticsPages(query: LogisticsQuery): AsyncIterable<Page<LogisticsOrder>> {
    const endpoint = ENDPOINTS.logistics;
    const pageSize = checkPageSize(endpoint.name, query.pageSize ?? LIMITS.logisticsPageSize, LIMITS.logisticsPageSize);
    checkList(endpoint.name, 'so_ids', query.soIds, LIMITS.soIds);
    if (!query.soIds?.length && !query.modified) throw new JstRequestError(endpoint.name, 'give so_ids or a modified range');
    const biz: Record<string, unknown> = { page_size: pageSize };
    if (query.shopId) biz.shop_id = query.shopId;
    if (query.soIds?.length) biz.so_ids = [...query.soIds];
    if (query.modified) Object.assign(biz, rangeFields(endpoint.name, query.modified), { date_type: query.dateType ?? 0 });
    return this.pages(endpoint, biz, 'orders', logisticsOrderSchema, (row) => (row as { so_id?: unknown }).so_id);
  }

  queryOrders(query: OrderQuery): AsyncIterable<Page<QueriedOrder>> {
    const endpoint = ENDPOINTS.orders;
    const max = this.generation === 'open' ? LIMITS.orderPageSizeOpen : LIMITS.orderPageSizeLegacy;
    const pageSize = checkPageSize(endpoint.name, query.pageSize ?? max, max);
    checkList(endpoint.name, 'so_ids', query.soIds, LIMITS.soIds);
    checkList(endpoint.name, 'o_ids', query.oIds, LIMITS.oIds);
    if (!query.soIds?.length && !query.oIds?.length && !query.modified) throw new JstRequestError(endpoint.name, 'give so_ids, o_ids or a modified range');
    const biz: Record<string, unknown> = { page_size: pageSize };
    if (query.shopId) biz.shop_id = query.shopId;
    if (query.soIds?.length) biz.so_ids = [...query.soIds];
    if (query.oIds?.length) biz.o_ids = [...query.oIds];
    if (query.modified) Object.assign(biz, rangeFields(endpoint.name, query.modified), { date_type: 0 });
    return this.pages(endpoint, biz, 'orders', queriedOrderSchema, (row) => (row as { so_id?: unknown }).so_id);
  }

  async cancelOrders(request: CancelRequest): Promise<void> {
    const endpoint = ENDPOINTS.cancel;
    if (this.generation === 'open') {
      checkList(endpoint.name, 'o_ids', request.oIds, LIMITS.oIds);
      if (!request.oIds?.length) throw new JstRequestError(endpoint.name, 'give the ERP o_ids to cancel');
      const biz: Record<string, unknown> = { o_ids: [...request.oIds], cancel_type: request.cancelType };
      if (request.remark) biz.remark = request.remark;
      await this.transport.call(endpoint, biz);
      return;
    }
    if (!request.soIds?.length || !request.shopId) throw new JstRequestError(endpoint.name, 'give shop_id and the so_ids to cancel');
    checkList(endpoint.name, 'so_ids', request.soIds, LIMITS.oIds);
    await this.transport.call(endpoint, request.soIds.map((soId) => ({ shop_id: request.shopId, so_id: soId })));
  }

  private async *pages<T>(
    endpoint: JstEndpoint,
    biz: Record<string, unknown>,
    listKey: string,
    rowSchema: z.ZodType<T>,
    keyOf: (row: unknown) => unknown,
  ): AsyncGenerator<Page<T>> {
    for (let pageIndex = 1; ; pageIndex++) {
      const data = await this.transport.call(endpoint, { ...biz, page_index: pageIndex });
      const page = pageSchema.safeParse(data);
      if (!page.success) throw invalidReply(endpoint.name, page.error);
      const list = (data as Record<string, unknown>)[listKey] ?? [];
      if (!Array.isArray(list)) throw new JstApiError({ code: 'JST_REPLY_INVALID', message: `ERP ${endpoint.name}: "${listKey}" is not a list`, endpoint: endpoint.name, retryable: false });
      const rows: T[] = [];
      const invalid: InvalidRow[] = [];
      list.forEach((raw, index) => {
        const parsed = rowSchema.safeParse(raw);
        if (parsed.success) rows.push(parsed.data);
        else {
          const key = typeof raw === 'object' && raw ? keyOf(raw) : undefined;
          invalid.push({ index, key: typeof key === 'string' ? key : undefined, problem: parsed.error.issues.map((i) => `${i.path.join('.') || 'row'}: ${i.message}`).join('; ') });
        }
      });
      const pageSize = Number(biz.page_size);
      const hasNext = page.data.has_next ?? (page.data.page_count !== undefined ? pageIndex < page.data.page_count : list.length >= pageSize);
      yield { pageIndex, rows, invalid, hasNext };
      if (!hasNext || list.length === 0) return;
    }
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
