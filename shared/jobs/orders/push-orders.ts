import type { OrderPage, OrderRepository, StoreOrder } from '../../fecmall/order-repository';
import { formatBeijingSeconds } from '../../domain/beijing-time';
import { chunkList } from '../../domain/chunk-list';
import type { RunContext } from '../run-context';
import { MetricNames } from '../../domain/metric-names';
import type { RunOutcome } from '../../domain/run-outcome';
import type { GivenUpOrders } from '../../state/given-up-orders';
import type { OrderLedger } from '../../state/order-ledger';
import { OutcomeRecorder } from '../outcome-recorder';
import { runPagedPass } from '../pipeline';
import { decideOrder, type Candidate } from './decide-order';
import { IsolatingUploader, type UploadPort } from './isolating-upload';
import type { OrderMappingOptions } from './map-order';
import { pushBatch, type BatchSettings, type LocalRejection } from './push-batch';
import { PUSH_COUNTS, type PushCount } from './push-counts';
import { IDENTITY_SKU_MAPPING, type SkuMappingSource } from '../../domain/sku-mapping';

export interface PushOrdersPorts {
  erp: UploadPort;
  orders: Pick<OrderRepository, 'databaseNow' | 'horizonStartOrderId' | 'readOrdersAfter' | 'readOrdersByIncrementIds' | 'markHolded'>;
  ledger: Pick<OrderLedger, 'getMany' | 'putMany'> & { givenUp: Pick<GivenUpOrders, 'add' | 'remove'> };
  /** The SKU mapping (docs/design.md §19), read once per run; absent: identity. */
  skuMap?: SkuMappingSource;
}

type Ctx = Pick<RunContext, 'job' | 'request' | 'env' | 'cursors' | 'clock' | 'logger' | 'metrics' | 'deadline' | 'fence'>;

const PAGE = 500;
/**
 * Pages in flight: while the oldest page's uploads run (a refused call being split waits for several
 * round trips), the following pages are read, mapped and uploaded too; the cursor still moves in order.
 */
const PAGES_IN_FLIGHT = 3;

interface PassOutcome {
  window: RunOutcome['window'];
  complete: boolean;
  cursor: RunOutcome['cursor'];
}

/**
 * pushOrders (docs/design.md §3, §5): every ready order — found through the primary key inside the order
 * horizon, so an order paid long after it was placed is found although Fecmall did not bump its
 * updated_at — is uploaded once per change (the ledger keeps the hash of the payload the ERP last
 * accepted); a pushed order that is closed in the store is uploaded again as TRADE_CLOSED. Orders the
 * ERP rejects, alone or by refusing the whole call, are isolated, recorded with backoff and never hold
 * up the others; after ORDER_MAX_ATTEMPTS they are given up on, loudly. Three ways in: the horizon
 * pass (scheduled; cursor), an explicit creation window, or named orders (cursor untouched).
 */
export async function pushOrders(ports: PushOrdersPorts, ctx: Ctx): Promise<RunOutcome> {
  const recorder = new OutcomeRecorder<PushCount>(PUSH_COUNTS);
  const uploader = new IsolatingUploader(ports.erp);
  const skus = ports.skuMap ? await ports.skuMap.mapping() : IDENTITY_SKU_MAPPING;
  const mapping: OrderMappingOptions = { shopId: ctx.env.JST_SHOP_ID, currency: ctx.env.ORDER_CURRENCY, formatTime: formatBeijingSeconds, skus };
  const settings: BatchSettings = {
    job: ctx.job,
    fence: ctx.fence,
    now: () => ctx.clock.now(),
    dryRun: ctx.request.dryRun,
    holdAfterPush: ctx.env.ORDER_HOLD_AFTER_PUSH,
    maxAttempts: ctx.env.ORDER_MAX_ATTEMPTS,
    mapping,
  };
  // A run naming orders says, per named order not sent, why (an operator asked for exactly these).
  const skipped = ctx.request.orders ? ([] as Array<{ key: string; outcome: string }>) : undefined;
  const handle = (orders: StoreOrder[]) => considerOrders(orders, ports, ctx, { uploader, settings, recorder, skipped });

  const pass = ctx.request.orders
    ? await pushNamedOrders(ctx.request.orders, ports, handle, recorder)
    : ctx.request.window
      ? await pushCreationWindow(ctx.request.window, ports, ctx, handle)
      : await pushHorizon(ports, ctx, handle);

  recorder.add('erpCalls', uploader.calls);
  recorder.add('batchSplits', uploader.splits);
  const { counts } = recorder;
  ctx.metrics.count(MetricNames.ordersPushed, counts.pushed + counts.closed);
  ctx.metrics.count(MetricNames.ordersRejected, counts.rejected + counts.rejectedLocally);
  ctx.metrics.count(MetricNames.ordersAbandoned, counts.givenUp);
  const details: Record<string, unknown> = { ...recorder.examples() };
  if (counts.notPushable > 0) details.notPushableByReason = recorder.byReason('notPushable');
  if (skipped?.length) details.skippedOrders = skipped;
  return { ...pass, counts: { ...counts }, failures: recorder.failures, details: Object.keys(details).length > 0 ? details : undefined };
}

interface Step {
  uploader: IsolatingUploader;
  settings: BatchSettings;
  recorder: OutcomeRecorder<PushCount>;
  skipped?: Array<{ key: string; outcome: string }>;
}

/** Decides each order of a page against the ledger, then sends the page's batches together (paced by the client). */
async function considerOrders(orders: StoreOrder[], ports: PushOrdersPorts, ctx: Ctx, step: Step): Promise<void> {
  const { recorder } = step;
  recorder.add('scanned', orders.length);
  if (orders.length === 0) return;
  const ledger = await ports.ledger.getMany(orders.map((o) => o.incrementId));
  const rules = {
    mapping: step.settings.mapping,
    now: ctx.clock.now(),
    maxAttempts: ctx.env.ORDER_MAX_ATTEMPTS,
    named: ctx.request.orders !== undefined,
    force: ctx.request.force === true,
  };
  const send: Candidate[] = [];
  const local: LocalRejection[] = [];
  for (const order of orders) {
    const decision = decideOrder(order, ledger.get(order.incrementId), rules);
    switch (decision.kind) {
      case 'notPushable':
        recorder.addWithReason('notPushable', decision.reason);
        step.skipped?.push({ key: order.incrementId, outcome: `notPushable: ${decision.reason}` });
        continue;
      case 'unchanged':
      case 'waitingRetry':
      case 'abandoned':
        recorder.add(decision.kind);
        step.skipped?.push({ key: order.incrementId, outcome: decision.kind === 'unchanged' ? 'unchanged (add "force": true to re-send)' : decision.kind });
        continue;
      case 'rejectLocally':
        local.push({ candidate: decision.candidate, reason: decision.reason });
        break;
      case 'send':
        send.push(decision.candidate);
        break;
    }
    if (decision.truncated.length > 0) {
      recorder.add('truncatedFields', decision.truncated.length);
      ctx.logger.warn('descriptive order fields shortened to the ERP limits', { incrementId: order.incrementId, fields: decision.truncated });
    }
  }
  const batches = chunkList(send, ctx.env.ORDER_PUSH_BATCH_SIZE);
  if (batches.length === 0 && local.length > 0) batches.push([]);
  await Promise.all(
    batches.map((batch, i) =>
      pushBatch(batch, i === 0 ? local : [], { uploader: step.uploader, orders: ports.orders, ledger: ports.ledger }, step.settings, recorder),
    ),
  );
}

/** Named orders (`{"orders":[…]}`): an id the store does not know is a failure naming it. */
async function pushNamedOrders(
  ids: string[],
  ports: PushOrdersPorts,
  handle: (orders: StoreOrder[]) => Promise<void>,
  recorder: OutcomeRecorder<PushCount>,
): Promise<PassOutcome> {
  for (const chunk of chunkList([...new Set(ids)], PAGE)) {
    const found = await ports.orders.readOrdersByIncrementIds(chunk);
    const known = new Set(found.map((o) => o.incrementId));
    for (const id of chunk.filter((i) => !known.has(i))) {
      recorder.add('unknownOrders');
      recorder.fail({ key: id, reason: 'no order with this increment id in the store' });
    }
    await handle(found);
  }
  return { window: { from: null, to: null }, complete: true, cursor: { before: null, after: null } };
}

/** An explicit window (`from`/`to`): the orders created in it; the cursor is neither read nor moved. */
async function pushCreationWindow(
  window: { fromMs: number; toMs: number },
  ports: PushOrdersPorts,
  ctx: Ctx,
  handle: (orders: StoreOrder[]) => Promise<void>,
): Promise<PassOutcome> {
  const fromUnix = Math.floor(window.fromMs / 1000);
  const toUnix = Math.ceil(window.toMs / 1000);
  const outcome: PassOutcome = {
    window: { from: new Date(window.fromMs).toISOString(), to: new Date(window.toMs).toISOString() },
    complete: true,
    cursor: { before: null, after: null },
  };
  const start = await ports.orders.horizonStartOrderId(fromUnix);
  if (start === undefined) return outcome;
  const result = await runPagedPass<OrderPage>({
    read: (previous) => ports.orders.readOrdersAfter(previous ? previous.lastOrderId : start - 1, PAGE),
    // Order ids grow with creation time (docs/store-schema.md §2.4): past `to`, the window is done.
    isLast: (page) => page.done || (page.orders.at(-1)?.createdAt ?? 0) >= toUnix,
    process: (page) => handle(page.orders.filter((o) => o.createdAt >= fromUnix && o.createdAt < toUnix)),
    commit: async () => undefined,
    shouldStop: () => ctx.deadline.expired(),
  });
  return { ...outcome, complete: result.complete };
}

/** The scheduled pass over the order horizon, resuming an unfinished pass at its cursor. */
async function pushHorizon(ports: PushOrdersPorts, ctx: Ctx, handle: (orders: StoreOrder[]) => Promise<void>): Promise<PassOutcome> {
  const dbNow = await ports.orders.databaseNow();
  const since = dbNow - ctx.env.ORDER_HORIZON_DAYS * 86400;
  const window = { from: new Date(since * 1000).toISOString(), to: new Date(dbNow * 1000).toISOString() };
  const start = await ports.orders.horizonStartOrderId(since);
  const saved = await ctx.cursors.read<{ afterOrderId: number }>('scan');
  const cursor: RunOutcome['cursor'] = { before: saved ?? null, after: null };
  let complete = true;
  if (start !== undefined) {
    // Resume an unfinished pass of the horizon, but never before the horizon's start.
    const after = Math.max(start - 1, saved?.afterOrderId ?? 0);
    const result = await runPagedPass<OrderPage>(
      {
        read: (previous) => ports.orders.readOrdersAfter(previous ? previous.lastOrderId : after, PAGE),
        isLast: (page) => page.done,
        process: (page) => handle(page.orders),
        // The cursor moves past a page only once its uploads and ledger writes are done.
        commit: async (page) => {
          if (page.done) return;
          if (!ctx.request.dryRun) await ctx.cursors.advance('scan', { afterOrderId: page.lastOrderId });
          cursor.after = { afterOrderId: page.lastOrderId };
        },
        shouldStop: () => ctx.deadline.expired(),
      },
      PAGES_IN_FLIGHT,
    );
    complete = result.complete;
  }
  if (complete) {
    cursor.after = null;
    if (!ctx.request.dryRun) await ctx.cursors.advance('scan', null);
  }
  return { window, complete, cursor };
}
