import type { ErpUploadOrder } from '../domain/erp-order';
import { JstApiError, JstRequestError } from './jst-errors';
import { uploadOrders, type UploadResult } from './order-upload';
import { readPage, type Page, type PagedReading } from './paged-reply';
import {
  inventoryReading,
  logisticsReading,
  orderReading,
  shopReading,
  shopsListed,
  warehouseReading,
  type InventoryQuery,
  type LogisticsQuery,
  type OrderQuery,
} from './paged-queries';
import type { InventoryRow, LogisticsOrder, QueriedOrder, ShopRow, WarehouseRow } from './reply-schemas';
import { ENDPOINTS } from './erp-requests';
import { JstTransport, type TransportOptions, type TransportStats } from './transport';

// The ERP client: one interface over both API generations. The requests of each endpoint family are built
// in erp-requests.ts (endpoints, limits, checks), paged-queries.ts (inventory, logistics, orders) and
// order-upload.ts; this file pages through them and owns nothing else.

export { ENDPOINTS, LIMITS, type TimeRange } from './erp-requests';
export type { InventoryQuery, LogisticsQuery, OrderQuery } from './paged-queries';
export type { UploadResult } from './order-upload';
export type { InvalidRow, Page } from './paged-reply';

/** Safety stop for a paginated read whose `has_next` never turns false. */
const MAX_PAGES = 100_000;

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
  /** Every warehouse (分仓) of the account, all pages (docs/erp-api.md §3e). */
  warehouses(): Promise<WarehouseRow[]>;
  /** Every shop of the account, all pages (docs/erp-api.md §3f): the cheap call that proves the credentials. */
  shops(): Promise<ShopRow[]>;
  /** All pages of one logistics query (≤ 20 so_ids and/or a ≤ 7-day range). */
  logisticsPages(query: LogisticsQuery): AsyncIterable<Page<LogisticsOrder>>;
  /** One page (from 1) of a logistics query. */
  logisticsPage(query: LogisticsQuery, pageIndex: number): Promise<Page<LogisticsOrder>>;
  /** All pages of one order query (≤ 20 so_ids, ≤ 50 o_ids and/or a ≤ 7-day modified range). */
  queryOrders(query: OrderQuery): AsyncIterable<Page<QueriedOrder>>;
  /** One page (from 1) of an order query (for window walks over a modified range). */
  orderPage(query: OrderQuery, pageIndex: number): Promise<Page<QueriedOrder>>;
}

/** Transport options (credentials, URL, limits, retries, token port) plus the default shop. */
export interface JstClientOptions extends TransportOptions {
  /** Default shop for logistics/order queries when the request names none. */
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
    return this.pages(inventoryReading(query));
  }

  inventoryPage(query: InventoryQuery, pageIndex: number): Promise<Page<InventoryRow>> {
    return this.page(inventoryReading(query), pageIndex);
  }

  async warehouses(): Promise<WarehouseRow[]> {
    const all: WarehouseRow[] = [];
    for await (const page of this.pages(warehouseReading())) {
      if (page.invalid.length > 0)
        throw new JstApiError({
          code: 'JST_REPLY_INVALID',
          message: `ERP ${ENDPOINTS.warehouses.name}: ${page.invalid.length} warehouse row(s) without the documented shape (${page.invalid[0]!.problem})`,
          endpoint: ENDPOINTS.warehouses.name,
          retryable: false,
        });
      all.push(...page.rows);
    }
    return all;
  }

  async shops(): Promise<ShopRow[]> {
    const reading = shopReading(this.generation);
    const all: ShopRow[] = [];
    for (let pageIndex = 1; pageIndex <= MAX_PAGES; pageIndex++) {
      const page = await this.transport.call(reading.endpoint, { ...reading.biz, page_index: pageIndex }, (data) =>
        readPage(reading, shopsListed(reading, data), pageIndex),
      );
      if (page.invalid.length > 0)
        throw new JstApiError({
          code: 'JST_REPLY_INVALID',
          message: `ERP ${reading.endpoint.name}: ${page.invalid.length} shop row(s) without the documented shape (${page.invalid[0]!.problem})`,
          endpoint: reading.endpoint.name,
          retryable: false,
        });
      all.push(...page.rows);
      if (!page.hasNext || page.rows.length === 0) return all;
    }
    throw new JstApiError({
      code: 'JST_REPLY_INVALID',
      message: `ERP ${reading.endpoint.name}: still has_next after ${MAX_PAGES} pages`,
      endpoint: reading.endpoint.name,
      retryable: false,
    });
  }

  uploadOrders(orders: readonly ErpUploadOrder[]): Promise<UploadResult[]> {
    return uploadOrders(this.transport, orders);
  }

  logisticsPages(query: LogisticsQuery): AsyncIterable<Page<LogisticsOrder>> {
    return this.pages(logisticsReading(query, this.defaultShopId));
  }

  logisticsPage(query: LogisticsQuery, pageIndex: number): Promise<Page<LogisticsOrder>> {
    return this.page(logisticsReading(query, this.defaultShopId), pageIndex);
  }

  queryOrders(query: OrderQuery): AsyncIterable<Page<QueriedOrder>> {
    return this.pages(orderReading(query, this.generation, this.defaultShopId));
  }

  orderPage(query: OrderQuery, pageIndex: number): Promise<Page<QueriedOrder>> {
    return this.page(orderReading(query, this.generation, this.defaultShopId), pageIndex);
  }

  private async *pages<T>(reading: PagedReading<T>): AsyncGenerator<Page<T>> {
    for (let pageIndex = 1; ; pageIndex++) {
      if (pageIndex > MAX_PAGES)
        throw new JstApiError({
          code: 'JST_REPLY_INVALID',
          message: `ERP ${reading.endpoint.name}: still has_next after ${MAX_PAGES} pages`,
          endpoint: reading.endpoint.name,
          retryable: false,
        });
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
