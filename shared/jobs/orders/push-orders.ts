import type { OrderPage, OrderRepository, StoreOrder } from '../../fecmall/order-repository';
import type { JstClient } from '../../jst/client';
import { formatBeijingSeconds } from '../../jst/beijing-time';
import { chunkList } from '../../jst/time-chunks';
import type { RunContext } from '../../runtime/handler-factory';
import { MetricNames } from '../../runtime/metric-names';
import type { ItemFailure, RunOutcome } from '../../runtime/run-summary';
import { nextRetryAt, type LedgerEntry, type OrderLedger } from '../../state/order-ledger';
import { mapOrderToErp, type ErpUploadOrder } from './map-order';
import { payloadHash } from './payload-hash';

export interface PushOrdersPorts {
  erp: Pick<JstClient, 'uploadOrders'>;
  orders: Pick<OrderRepository, 'databaseNow' | 'horizonStartOrderId' | 'readOrdersAfter' | 'readOrdersByIncrementIds' | 'markHolded'>;
  ledger: Pick<OrderLedger, 'getMany' | 'putMany'>;
}

type Ctx = Pick<RunContext, 'job' | 'request' | 'env' | 'cursors' | 'clock' | 'logger' | 'metrics' | 'deadline' | 'fence'>;

const PAGE = 500;

interface Candidate {
  order: StoreOrder;
  payload: ErpUploadOrder;
  hash: string;
  entry: LedgerEntry | undefined;
  closing: boolean;
}

/**
 * pushOrders: every ready order in the horizon — found through the primary key, so an order paid long
 * after it was placed is found although Fecmall did not bump its updated_at — is uploaded once per
 * change: the ledger keeps the hash of the payload the ERP last accepted. An order cancelled after it
 * was pushed is uploaded again as TRADE_CLOSED. A rejected order is retried later with backoff and
 * never blocks the others.
 */
export async function pushOrders(ports: PushOrdersPorts, ctx: Ctx): Promise<RunOutcome> {
  const counts = { scanned: 0, unchanged: 0, pushed: 0, closed: 0, rejected: 0, waitingRetry: 0, abandoned: 0, notPushable: 0, truncatedFields: 0, holded: 0 };
  const failures: ItemFailure[] = [];
  const dryRunPayloads: ErpUploadOrder[] = [];
  const now = ctx.clock.now();

  const consider = async (orders: StoreOrder[]): Promise<void> => {
    counts.scanned += orders.length;
    const ledger = await ports.ledger.getMany(orders.map((o) => o.incrementId));
    const send: Candidate[] = [];
    for (const order of orders) {
      const entry = ledger.get(order.incrementId);
      const closing = order.lifecycle === 'cancelled';
      if (order.lifecycle !== 'ready' && !(closing && entry?.acceptedHash)) {
        counts.notPushable++;
        continue;
      }
      const { payload, warnings } = mapOrderToErp(order, closing ? 'cancelled' : 'ready', { shopId: ctx.env.JST_SHOP_ID, currency: ctx.env.ORDER_CURRENCY, formatTime: formatBeijingSeconds });
      if (warnings.length > 0) {
        counts.truncatedFields += warnings.length;
        ctx.logger.warn('order fields truncated to the ERP limits', { incrementId: order.incrementId, fields: warnings });
      }
      const hash = payloadHash(payload);
      if (entry?.acceptedHash === hash) {
        counts.unchanged++;
        continue;
      }
      // A manual run for named orders retries them now; scheduled runs respect the backoff.
      if (entry?.state === 'rejected' && entry.rejectedHash === hash && !ctx.request.orders) {
        if (entry.attempts >= ctx.env.ORDER_MAX_ATTEMPTS) {
          counts.abandoned++;
          continue;
        }
        if ((entry.nextRetryAt ?? 0) > now) {
          counts.waitingRetry++;
          continue;
        }
      }
      send.push({ order, payload, hash, entry, closing });
    }
    // The batches of one page go out together; the rate limiter paces them.
    await Promise.all(chunkList(send, ctx.env.ORDER_PUSH_BATCH_SIZE).map((batch) => upload(batch)));
  };

  const upload = async (batch: Candidate[]): Promise<void> => {
    if (ctx.request.dryRun) {
      for (const c of batch) if (dryRunPayloads.length < 100) dryRunPayloads.push(c.payload);
      counts.pushed += batch.filter((c) => !c.closing).length;
      counts.closed += batch.filter((c) => c.closing).length;
      return;
    }
    const results = await ports.erp.uploadOrders(batch.map((c) => c.payload));
    const bySoId = new Map(results.map((r) => [r.soId, r]));
    const entries: LedgerEntry[] = [];
    const accepted: number[] = [];
    const at = ctx.clock.now();
    for (const c of batch) {
      const result = bySoId.get(c.payload.so_id);
      if (result?.ok) {
        entries.push({ incrementId: c.order.incrementId, acceptedHash: c.hash, oId: result.oId ?? c.entry?.oId, state: c.closing ? 'cancelled' : 'accepted', attempts: 0, updatedAt: at });
        if (c.closing) counts.closed++;
        else {
          counts.pushed++;
          accepted.push(c.order.orderId);
        }
      } else {
        const attempts = (c.entry?.rejectedHash === c.hash ? c.entry.attempts : 0) + 1;
        const reason = (result?.message || 'the ERP returned no result for this order').slice(0, 300);
        entries.push({ ...c.entry, incrementId: c.order.incrementId, state: 'rejected', rejectedHash: c.hash, attempts, nextRetryAt: nextRetryAt(attempts, at), lastError: reason, updatedAt: at });
        counts.rejected++;
        failures.push({ key: c.order.incrementId, reason: `ERP rejected the order (attempt ${attempts}): ${reason}` });
      }
    }
    await ports.ledger.putMany(entries, ctx.fence, ctx.job);
    if (ctx.env.ORDER_HOLD_AFTER_PUSH && accepted.length > 0) counts.holded += await ports.orders.markHolded(accepted);
  };

  let complete = true;
  let cursorBefore: unknown = null;
  let cursorAfter: unknown = null;
  let window = { from: null as string | null, to: null as string | null };
  if (ctx.request.orders) {
    for (const ids of chunkList(ctx.request.orders, PAGE)) await consider(await ports.orders.readOrdersByIncrementIds(ids));
  } else {
    const dbNow = await ports.orders.databaseNow();
    const since = dbNow - ctx.env.ORDER_HORIZON_DAYS * 86400;
    window = { from: new Date(since * 1000).toISOString(), to: new Date(dbNow * 1000).toISOString() };
    const start = await ports.orders.horizonStartOrderId(since);
    const saved = await ctx.cursors.read<{ afterOrderId: number }>('scan');
    cursorBefore = saved ?? null;
    if (start !== undefined) {
      // Resume an unfinished pass of the horizon, but never before the horizon's start.
      const after = Math.max(start - 1, saved?.afterOrderId ?? 0);
      // Two pages in flight: while one page's uploads run, the next is read, checked against the
      // ledger and mapped. The cursor moves past a page only once its uploads and ledger writes are done.
      const inFlight: Array<{ done: Promise<void>; lastOrderId: number; last: boolean }> = [];
      const settleOldest = async () => {
        const oldest = inFlight.shift()!;
        await oldest.done;
        if (oldest.last) return;
        if (!ctx.request.dryRun) await ctx.cursors.advance('scan', { afterOrderId: oldest.lastOrderId });
        cursorAfter = { afterOrderId: oldest.lastOrderId };
      };
      // A read is marked observed when started (it cannot crash the process before it is awaited) and
      // is always awaited before the run returns: no store read outlives the run (IS_LOCAL closes the pool).
      const observed = (read: Promise<OrderPage>) => (read.catch(() => undefined), read);
      let reading: Promise<OrderPage> | undefined = observed(ports.orders.readOrdersAfter(after, PAGE));
      try {
        while (reading) {
          if (ctx.deadline.expired()) {
            complete = false;
            break;
          }
          const page: OrderPage = await reading;
          reading = page.done ? undefined : observed(ports.orders.readOrdersAfter(page.lastOrderId, PAGE));
          const done = consider(page.orders);
          done.catch(() => undefined);
          inFlight.push({ done, lastOrderId: page.lastOrderId, last: page.done });
          while (inFlight.length > 1) await settleOldest();
        }
      } finally {
        // Let every started step finish (its ERP uploads already happened) before reporting.
        await Promise.allSettled([...inFlight.map((p) => p.done), ...(reading ? [reading] : [])]);
      }
      while (inFlight.length > 0) await settleOldest();
      // A page read ahead before the deadline stop is not used, but its failure is still the run's.
      if (reading) await reading;
    }
    if (complete) {
      cursorAfter = null;
      if (!ctx.request.dryRun) await ctx.cursors.advance('scan', null);
    }
  }
  ctx.metrics.count(MetricNames.ordersPushed, counts.pushed + counts.closed);
  ctx.metrics.count(MetricNames.ordersRejected, counts.rejected);
  return { window, complete, counts, failures, cursor: { before: cursorBefore, after: cursorAfter }, details: ctx.request.dryRun ? { payloads: dryRunPayloads } : undefined };
}
