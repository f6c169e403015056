import { loadEnvironment, type Environment } from '../../shared/config/environment';
import type { OrderPage, StoreOrder } from '../../shared/fecmall/order-repository';
import { JstApiError } from '../../shared/jst/jst-errors';
import type { UploadResult } from '../../shared/jst/client';
import type { ErpUploadOrder } from '../../shared/jobs/orders/map-order';
import type { PushOrdersPorts } from '../../shared/jobs/orders/push-orders';
import type { JobRequest } from '../../shared/domain/job-request';
import { noDeadline, silentLogger } from '../../shared/domain/ports';
import type { GivenUpOrder } from '../../shared/state/given-up-orders';
import type { LedgerEntry } from '../../shared/state/order-ledger';

/** In-memory ports of pushOrders (fast unit tests of its decisions; the adapters have their own tests). */
export function storeOrder(id: number, overrides: Partial<StoreOrder> = {}): StoreOrder {
  return {
    orderId: id,
    incrementId: `11${String(id).padStart(8, '0')}`,
    createdAt: 1_764_000_000 + id,
    updatedAt: null,
    orderCurrencyCode: 'CNY',
    grandTotal: '10.00',
    baseGrandTotal: '10.00',
    shippingTotal: '0.00',
    baseShippingTotal: '0.00',
    discount: '0.00',
    baseDiscount: '0.00',
    customerId: 1,
    customerEmail: 'a@example.com',
    customerFirstname: 'Li',
    customerLastname: 'Lei',
    customerTelephone: '13800000000',
    country: 'CN',
    state: 'GD',
    city: '深圳市',
    district: null,
    zip: null,
    street1: 'Road 1',
    street2: null,
    orderRemark: null,
    paymentMethod: 'alipay',
    txnId: null,
    store: null,
    status: 'payment_confirmed',
    operateStatus: null,
    lifecycle: 'ready',
    trackingNumber: null,
    items: [{ itemId: id * 10, sku: `SKU-${id}`, name: 'Thing', qty: 1, price: '10.00', rowTotal: '10.00', basePrice: '10.00', baseRowTotal: '10.00' }],
    ...overrides,
  };
}

export class FakeErp {
  calls: string[][] = [];
  /** Any call containing one of these so_ids is refused as a whole (code 140, or `callCode`). */
  refuseCallsWith = new Set<string>();
  callCode: { code: string; jstCode: number } = { code: 'JST_REJECTED', jstCode: 140 };
  /** These orders are rejected one by one. */
  rejectOrders = new Set<string>();
  accepted = new Map<string, ErpUploadOrder>();

  async uploadOrders(orders: readonly ErpUploadOrder[]): Promise<UploadResult[]> {
    const soIds = orders.map((o) => o.so_id);
    this.calls.push(soIds);
    if (soIds.some((id) => this.refuseCallsWith.has(id)))
      throw new JstApiError({ ...this.callCode, message: 'invalid parameter', endpoint: 'upload', retryable: false });
    return orders.map((o, i) => {
      if (this.rejectOrders.has(o.so_id)) return { soId: o.so_id, oId: undefined, ok: false, message: 'bad order' };
      this.accepted.set(o.so_id, o);
      return { soId: o.so_id, oId: 1000 + i, ok: true, message: undefined };
    });
  }
}

export function fakePorts(orders: StoreOrder[], erp = new FakeErp()) {
  const entries = new Map<string, LedgerEntry>();
  const givenUp = new Map<string, GivenUpOrder>();
  const held: number[] = [];
  const ports: PushOrdersPorts = {
    erp,
    orders: {
      databaseNow: async () => 1_764_100_000,
      horizonStartOrderId: async () => orders[0]?.orderId,
      readOrdersAfter: async (after: number, limit: number): Promise<OrderPage> => {
        const page = orders.filter((o) => o.orderId > after).slice(0, limit);
        return { orders: page, lastOrderId: page.at(-1)?.orderId ?? after, done: page.length < limit };
      },
      readOrdersByIncrementIds: async (ids: readonly string[]) => orders.filter((o) => ids.includes(o.incrementId)),
      markHolded: async (ids: readonly number[]) => {
        held.push(...ids);
        return new Map(ids.map((id) => [id, 1_764_100_000]));
      },
    },
    ledger: {
      getMany: async (ids: readonly string[]) => new Map(ids.filter((id) => entries.has(id)).map((id) => [id, entries.get(id)!])),
      putMany: async (list: readonly LedgerEntry[]) => void list.forEach((e) => entries.set(e.incrementId, e)),
      givenUp: {
        add: async (list: readonly GivenUpOrder[]) => void list.forEach((g) => givenUp.set(g.incrementId, g)),
        remove: async (ids: readonly string[]) => void ids.forEach((id) => givenUp.delete(id)),
      },
    },
  };
  return { ports, erp, entries, givenUp, held };
}

export function fakeContext(request: Partial<JobRequest> = {}, env: Record<string, string> = {}, now = 1_764_100_000_000) {
  const positions = new Map<string, unknown>();
  const metrics = new Map<string, number>();
  const environment: Environment = loadEnvironment({ STATE_TABLE: 't', JST_SECRET_ID: 'j', DB_SECRET_ID: 'd', JST_SHOP_ID: '10001', ...env });
  return {
    positions,
    metrics,
    ctx: {
      job: 'pushOrders' as const,
      fence: 1,
      env: environment,
      request: { trigger: 'manual' as const, dryRun: false, mode: 'incremental' as const, ...request },
      cursors: { read: async <T>(n: string) => positions.get(n) as T | undefined, advance: async (n: string, p: unknown) => void positions.set(n, p) },
      clock: { now: () => now },
      logger: silentLogger,
      deadline: noDeadline,
      metrics: { count: (name: string, v = 1) => void metrics.set(name, (metrics.get(name) ?? 0) + v), gauge: () => undefined },
    },
  };
}
