import { loadEnvironment } from '../../../shared/config/environment';
import type { StoreOrder } from '../../../shared/fecmall/order-repository';
import type { ShipmentResult, ShipmentToApply } from '../../../shared/fecmall/shipment-repository';
import { formatBeijing, formatBeijingSeconds } from '../../../shared/domain/beijing-time';
import type { Page } from '../../../shared/jst/client';
import type { LogisticsOrder, QueriedOrder } from '../../../shared/jst/reply-schemas';
import { mapOrderToErp } from '../../../shared/jobs/orders/map-order';
import { payloadHash } from '../../../shared/jobs/orders/payload-hash';
import { reconcileOrders } from '../../../shared/jobs/reconcile/reconcile-orders';
import { reconcileShipments } from '../../../shared/jobs/reconcile/reconcile-shipments';
import type { RunContext } from '../../../shared/jobs/run-context';
import { nullMetrics, silentLogger } from '../../../shared/domain/ports';
import type { LedgerEntry } from '../../../shared/state/order-ledger';

const NOW = Date.UTC(2026, 11, 1, 12);
const env = loadEnvironment({ STATE_TABLE: 't', JST_SECRET_ID: 'j', DB_SECRET_ID: 'd', JST_SHOP_ID: '10001', SETTLE_LAG_SECONDS: '0' });

/** A run context with in-memory cursors shared between "invocations", and a deadline after `budget` checks. */
function context(positions: Map<string, unknown>, trigger: 'manual' | 'schedule', budget: number): RunContext {
  let left = budget;
  return {
    job: 'pushOrders',
    runId: 'r',
    startedAt: NOW,
    env,
    fence: 1,
    request: { trigger, dryRun: false, mode: 'reconcile' },
    cursors: { read: async <T>(n: string) => positions.get(n) as T | undefined, advance: async (n: string, p: unknown) => void positions.set(n, p) },
    clock: { now: () => NOW },
    logger: silentLogger,
    metrics: nullMetrics,
    deadline: { expired: () => left-- <= 0, remainingMs: () => (left > 0 ? 1e9 : 0) },
  };
}

function storeOrder(i: number): StoreOrder {
  return {
    orderId: i,
    incrementId: `11000${String(i).padStart(5, '0')}`,
    createdAt: NOW / 1000 - 86400,
    updatedAt: null,
    orderCurrencyCode: 'CNY',
    grandTotal: '20.00',
    baseGrandTotal: '20.00',
    shippingTotal: '0.00',
    baseShippingTotal: '0.00',
    discount: '0.00',
    baseDiscount: '0.00',
    customerId: 1,
    customerEmail: 'a@example.com',
    customerFirstname: 'A',
    customerLastname: 'B',
    customerTelephone: null,
    country: 'CN',
    state: 'BJ',
    city: 'Beijing',
    zip: null,
    street1: 'Road 1',
    street2: null,
    orderRemark: null,
    paymentMethod: 'alipay',
    txnId: null,
    store: null,
    items: [{ itemId: i * 10, sku: 'SKU-1', name: 'x', qty: 1, price: '20.00', rowTotal: '20.00', basePrice: '20.00', baseRowTotal: '20.00' }],
    status: 'payment_confirmed',
    operateStatus: null,
    lifecycle: 'ready',
    trackingNumber: null,
  };
}

describe('reconcile runs continue across invocations', () => {
  it('pushOrders: a pass stopped at the deadline is continued by the next scheduled reconcile run, each order checked once', async () => {
    const orders = Array.from({ length: 450 }, (_, i) => storeOrder(i + 1));
    const ledger = new Map<string, LedgerEntry>();
    const erp = new Map<string, QueriedOrder>();
    for (const o of orders) {
      const payload = mapOrderToErp(o, 'ready', { shopId: 10001, currency: 'order', formatTime: formatBeijingSeconds }).payload;
      ledger.set(o.incrementId, { incrementId: o.incrementId, acceptedHash: payloadHash(payload), state: 'accepted', attempts: 0, updatedAt: NOW });
      erp.set(o.incrementId, { o_id: o.orderId, so_id: o.incrementId, shop_id: 10001, status: 'WaitConfirm', pay_amount: '20.00', items: [] });
    }
    erp.delete(orders[420]!.incrementId); // drift in the part the second invocation reads
    const queried: string[] = [];
    const uploaded: string[] = [];
    const ports = {
      orders: {
        databaseNow: async () => NOW / 1000,
        horizonStartOrderId: async () => 1,
        readOrdersAfter: async (after: number, limit: number) => {
          const page = orders.filter((o) => o.orderId > after).slice(0, limit);
          return { orders: page, lastOrderId: page.at(-1)?.orderId ?? after, done: page.length < limit };
        },
      },
      ledger: {
        getMany: async (ids: readonly string[]) => new Map(ids.filter((id) => ledger.has(id)).map((id) => [id, ledger.get(id)!])),
        putMany: async (e: readonly LedgerEntry[]) => void e.forEach((x) => ledger.set(x.incrementId, x)),
      },
      erp: {
        queryOrders: (q: { soIds?: readonly string[] }) => {
          queried.push(...q.soIds!);
          const rows = q.soIds!.map((s) => erp.get(s)).filter((r) => r !== undefined);
          return (async function* (): AsyncGenerator<Page<QueriedOrder>> {
            yield { pageIndex: 1, rows, invalid: [], hasNext: false };
          })();
        },
        uploadOrders: async (payloads: readonly object[]) =>
          payloads.map((p) => {
            const soId = (p as { so_id: string }).so_id;
            uploaded.push(soId);
            return { soId, oId: 1, ok: true, message: undefined };
          }),
      },
    };
    const positions = new Map<string, unknown>();
    const first = await reconcileOrders(ports, context(positions, 'manual', 1));
    expect(first).toMatchObject({ complete: false, counts: { checked: 200, missingInErp: 0 } });
    expect(positions.get('reconcile')).toEqual({ startedAt: NOW, progress: { afterOrderId: 200 } });

    const second = await reconcileOrders(ports, context(positions, 'schedule', 10));
    expect(second).toMatchObject({ complete: true, counts: { checked: 250, missingInErp: 1, repushed: 1 } });
    expect(uploaded).toEqual([orders[420]!.incrementId]);
    expect(queried.sort()).toEqual(orders.map((o) => o.incrementId).sort());
    expect(positions.get('reconcile')).toEqual({ completedAt: NOW });
  });

  it('syncShipping: a pass over the horizon stopped at the deadline goes on from its last range, up to the incremental cursor', async () => {
    const DAY = 86_400_000;
    const cursor = NOW - 2 * DAY;
    const positions = new Map<string, unknown>([['incremental', cursor]]);
    const shippedAt = (d: number) => cursor - d * DAY - 3600_000;
    const shipments: LogisticsOrder[] = Array.from({ length: 29 }, (_, d) => ({
      o_id: d,
      so_id: `S${d}`,
      l_id: `L${d}`,
      lc_id: 'SF',
      send_date: formatBeijing(shippedAt(d)),
      modified: formatBeijing(shippedAt(d)),
    }));
    // A shipment after the incremental cursor is the incremental run's business, not drift.
    shipments.push({ o_id: 99, so_id: 'LATE', l_id: 'L99', lc_id: 'SF', modified: formatBeijing(cursor + 3600_000) });
    const store = new Map<string, ShipmentResult['outcome']>(shipments.map((s) => [s.so_id, 'already_shipped']));
    store.set('S3', 'applied').set('S25', 'tracking_added').set('LATE', 'applied');
    const ranges: Array<[number, number]> = [];
    const applied: string[] = [];
    const ports = {
      erp: {
        logisticsPage: async (q: { modified?: { fromMs: number; toMs: number } }, pageIndex: number): Promise<Page<LogisticsOrder>> => {
          const { fromMs, toMs } = q.modified!;
          ranges.push([fromMs, toMs]);
          expect(pageIndex).toBe(1);
          const rows = shipments.filter(
            (s) => Date.parse(`${s.modified!.replace(' ', 'T')}+08:00`) >= fromMs && Date.parse(`${s.modified!.replace(' ', 'T')}+08:00`) < toMs,
          );
          return { pageIndex, rows, invalid: [], hasNext: false };
        },
      },
      shipments: {
        plan: async (list: readonly ShipmentToApply[]) => list.map((s) => ({ incrementId: s.incrementId, outcome: store.get(s.incrementId) ?? 'unknown' })),
        apply: async (list: readonly ShipmentToApply[]) =>
          list.map((s) => {
            applied.push(s.incrementId);
            const outcome = store.get(s.incrementId)!;
            store.set(s.incrementId, 'already_shipped');
            return { incrementId: s.incrementId, outcome };
          }),
      },
    };
    const first = await reconcileShipments(ports, context(positions, 'manual', 3));
    expect(first.complete).toBe(false);
    const stopped = positions.get('reconcile') as { progress: { fromMs: number; toMs: number; reachedMs: number } };
    expect(stopped.progress).toMatchObject({ fromMs: cursor - 30 * DAY, toMs: cursor, reachedMs: ranges[2]![1] });
    const second = await reconcileShipments(ports, context(positions, 'schedule', 100));
    expect(second).toMatchObject({ complete: true, window: { to: new Date(cursor).toISOString() } });
    expect(ranges[3]![0]).toBe(stopped.progress.reachedMs);
    expect((first.counts.missingInStore ?? 0) + (second.counts.missingInStore ?? 0)).toBe(2);
    expect(applied.sort()).toEqual(['S25', 'S3']);
    // Consecutive ranges of at most 7 days covering the horizon once, up to the incremental cursor.
    expect(ranges[0]![0]).toBe(cursor - 30 * DAY);
    expect(ranges.at(-1)![1]).toBe(cursor);
    ranges.forEach(([from, to], i) => {
      expect(to - from).toBeLessThanOrEqual(7 * DAY);
      if (i > 0) expect(from).toBe(ranges[i - 1]![1]);
    });
  });
});
