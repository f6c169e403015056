import type { ShipmentRepository, ShipmentResult } from '../../fecmall/shipment-repository';
import type { JstClient, Page } from '../../jst/client';
import type { LogisticsOrder } from '../../jst/reply-schemas';
import { chunkList } from '../../domain/chunk-list';
import type { RunContext } from '../run-context';
import { MetricNames } from '../../domain/metric-names';
import type { ItemFailure, RunOutcome } from '../../domain/run-outcome';
import type { RetryFailure, RetryItem, RetrySet } from '../../state/retry-set';
import { walkTimeWindow } from '../walk-time-window';
import type { SweepStats } from '../window-sweep';
import { toShipments } from './logistics-rows';
import { handleErpCancellations, type ErpCancellationPorts } from './erp-cancellations';
import { HintDrain, type HintSource } from '../hint-drain';

export interface SyncShippingPorts {
  erp: Pick<JstClient, 'logisticsPages' | 'logisticsPage'>;
  shipments: Pick<ShipmentRepository, 'apply' | 'plan'>;
  /** The job's retry set (docs/design.md §5): shipments that could not be applied yet. */
  retries: Pick<RetrySet, 'all' | 'record' | 'clear'>;
  /** ERP cancellations (docs/design.md §15): hints of `cancel.order` and the poll; absent: step not run. */
  erpCancellations?: ErpCancellationPorts;
  /** `HINT#syncShipping`: so_ids named by `logistics.upload` pushes (docs/design.md §18); absent: no drain. */
  hints?: HintSource;
}

type Ctx = Pick<RunContext, 'request' | 'env' | 'cursors' | 'clock' | 'logger' | 'metrics' | 'deadline' | 'fence'>;

const SO_IDS_PER_QUERY = 20;
/** so_ids of push hints re-read per drain round (5 logistics queries of 20). */
export const SHIPPING_HINTS_PER_ROUND = 100;
/** The logistics query's largest page (docs/erp-api.md §3c). */
const LOGISTICS_PAGE_SIZE = 50;
const LISTED = 50;
const RESOLVED = new Set(['applied', 'tracking_added', 'already_shipped', 'cancelled', 'unknown']);

/**
 * syncShipping: the ERP's logistics (carrier, tracking number, ship time) onto store orders, moving
 * them to dispatched through the store's guarded transition. First the so_ids of push hints
 * (docs/design.md §18: asked for by so_id like a retry, again after the window for hints that arrived
 * meanwhile) and the ERP-cancellation step (§15); then the due items of the retry set
 * (shipments earlier runs could not apply) are asked for again by so_id; then the incremental window
 * walk (or a manual order list). Orders unknown to the store or cancelled are counted and listed;
 * shipments an order cannot take yet, tracking numbers that do not fit and unreadable rows are item
 * failures, recorded in the retry set (abandoned after the last attempt: ItemsAbandoned), never
 * blocking the cursor.
 */
export async function syncShipping(ports: SyncShippingPorts, ctx: Ctx): Promise<RunOutcome> {
  const counts: Record<string, number> = {
    erpRows: 0,
    withoutTracking: 0,
    applied: 0,
    tracking_added: 0,
    already_shipped: 0,
    cancelled: 0,
    not_shippable: 0,
    tracking_too_long: 0,
    unknown: 0,
    rowsRejected: 0,
  };
  const skipped: ShipmentResult[] = [];
  const failures: ItemFailure[] = [];
  const planned: ShipmentResult[] = [];
  const toRecord = new Map<string, RetryFailure>();
  const resolved = new Set<string>();
  const writes = !ctx.request.dryRun;

  const applyRows = async (rows: LogisticsOrder[], invalid: Page<LogisticsOrder>['invalid']) => {
    counts.erpRows! += rows.length + invalid.length;
    for (const bad of invalid) failures.push({ key: bad.key ?? '(no so_id)', reason: `ERP logistics row does not have the documented shape: ${bad.problem}` });
    const mapped = toShipments(rows, { shopId: ctx.env.JST_SHOP_ID, carrierMap: ctx.env.CARRIER_MAP, nowMs: ctx.clock.now() });
    counts.withoutTracking! += mapped.withoutTracking;
    for (const f of mapped.failures) {
      counts.rowsRejected!++;
      failures.push({ key: f.key, reason: f.reason });
      if (f.retry) toRecord.set(f.key, { key: f.key, reason: f.reason, context: { soId: f.erpSoId } });
    }
    if (mapped.shipments.length === 0) return;
    const results = writes ? await ports.shipments.apply(mapped.shipments) : await ports.shipments.plan(mapped.shipments);
    for (const r of results) {
      counts[r.outcome] = (counts[r.outcome] ?? 0) + 1;
      if (!writes && planned.length < 100) planned.push(r);
      if ((r.outcome === 'unknown' || r.outcome === 'cancelled') && skipped.length < LISTED) skipped.push(r);
      if (RESOLVED.has(r.outcome)) {
        resolved.add(r.incrementId);
        continue;
      }
      const reason =
        r.outcome === 'tracking_too_long'
          ? `tracking numbers do not fit the store's 100-character column; not applied (a number is never cut)`
          : `order status ${r.status ?? '(none)'} cannot take a shipment yet; retried by later runs`;
      if (r.outcome === 'tracking_too_long')
        ctx.logger.warn('shipment not applied: tracking number too long for the store column', { incrementId: r.incrementId });
      failures.push({ key: r.incrementId, reason });
      toRecord.set(r.incrementId, { key: r.incrementId, reason, context: { soId: mapped.erpSoIdOf.get(r.incrementId) ?? r.incrementId } });
    }
  };

  const bySoIds = async (soIds: readonly string[], done?: Set<string>): Promise<boolean> => {
    for (const batch of chunkList([...new Set(soIds)], SO_IDS_PER_QUERY)) {
      if (ctx.deadline.expired()) return false;
      for await (const page of ports.erp.logisticsPages({ soIds: batch, shopId: ctx.env.JST_SHOP_ID })) await applyRows(page.rows, page.invalid);
      for (const soId of batch) done?.add(soId);
    }
    return true;
  };

  // Push hints first (incremental runs only): an order that cannot take its shipment yet goes to the
  // retry set like any other; an so_id the ERP has no logistics for changes nothing and is cleared.
  const incrementalRun = !ctx.request.orders && !ctx.request.window;
  // A run erpNotify started does the hints (and the ERP cancellations) only: the retries and the window
  // are the schedule's, and a short run leaves the job idle for the next push (docs/design.md §18).
  const pushStarted = ctx.request.trigger === 'push';
  const hints = ports.hints && incrementalRun ? new HintDrain(ports.hints, SHIPPING_HINTS_PER_ROUND, ctx) : undefined;
  const hintHandler = async (soIds: readonly string[]) => {
    const done = new Set<string>();
    await bySoIds(soIds, done);
    return done;
  };
  const drainHints = async () => {
    await hints?.drain(hintHandler);
  };
  await drainHints();

  // ERP cancellations first (docs/design.md §15), on incremental runs only (not for a manual list or window).
  const cancellations = ports.erpCancellations && incrementalRun ? await handleErpCancellations(ports.erpCancellations, ctx) : undefined;
  if (cancellations) Object.assign(counts, cancellations.counts);
  if (cancellations?.failure) failures.push(cancellations.failure);

  const known = writes ? await ports.retries.all() : [];
  const due = known.filter((i) => !i.abandoned && (i.nextAttemptAt ?? 0) <= ctx.clock.now());
  if (due.length > 0 && !ctx.request.orders && !pushStarted) {
    counts.retried = due.length;
    await bySoIds(due.map(retrySoId));
  }

  let result: Pick<RunOutcome, 'window' | 'complete' | 'cursor' | 'cursorLagSeconds'>;
  if (ctx.request.orders) {
    const complete = await bySoIds(ctx.request.orders);
    result = { window: { from: null, to: null }, complete, cursor: { before: null, after: null } };
  } else if (pushStarted) {
    await drainHints();
    result = { window: { from: null, to: null }, complete: !ctx.deadline.expired(), cursor: { before: null, after: null } };
  } else {
    const stats: SweepStats = { pages: 0, narrowed: 0, verifiedSeconds: 0 };
    const query = { dateType: 0 as const, shopId: ctx.env.JST_SHOP_ID, pageSize: LOGISTICS_PAGE_SIZE };
    result = await walkTimeWindow(ctx, {
      initialLookbackMs: ctx.env.SHIPPING_INITIAL_LOOKBACK_HOURS * 3600_000,
      source: {
        readPage: (modified, pageIndex) => ports.erp.logisticsPage({ ...query, modified }, pageIndex),
        keyOf: (row) => String(row.o_id),
        modifiedOf: (row) => row.modified,
        pageSize: LOGISTICS_PAGE_SIZE,
      },
      applyPage: async (page) => {
        await applyRows(page.rows, page.invalid);
        // A long walk drains the hints that arrived meanwhile between its pages (every 5 s at most).
        await hints?.drainIfDue(hintHandler);
      },
      stats,
    });
    Object.assign(counts, { erpPages: stats.pages, rangesNarrowed: stats.narrowed, secondsVerified: stats.verifiedSeconds });
    await drainHints();
  }

  if (writes) await settleRetries(ports, ctx, known, resolved, toRecord, counts);
  if (hints) {
    Object.assign(counts, hints.counts);
    if (hints.oldestClearedAgeMs !== undefined) ctx.metrics.gauge(MetricNames.hintAgeSeconds, hints.oldestClearedAgeMs / 1000, 'Seconds');
  }
  ctx.metrics.count(MetricNames.shipmentsApplied, (counts.applied ?? 0) + (counts.tracking_added ?? 0));
  ctx.metrics.count(MetricNames.shipmentsSkipped, (counts.unknown ?? 0) + (counts.cancelled ?? 0));
  const details: Record<string, unknown> = {};
  if (skipped.length > 0) details.skippedOrders = skipped;
  if (!writes) details.plannedShipments = planned;
  if (cancellations?.examples.length) details.erpCancellations = cancellations.examples;
  if (ctx.request.trigger === 'push') details.trigger = 'push';
  return { ...result, counts, failures, details };
}

/** Clears what succeeded, records what failed (abandoning after the last attempt), counts the set. */
async function settleRetries(
  ports: SyncShippingPorts,
  ctx: Ctx,
  known: RetryItem[],
  resolved: Set<string>,
  toRecord: Map<string, RetryFailure>,
  counts: Record<string, number>,
): Promise<void> {
  const knownKeys = new Set(known.map((i) => i.key));
  await ports.retries.clear(
    [...resolved].filter((k) => knownKeys.has(k) && !toRecord.has(k)),
    ctx.fence,
  );
  // An item already given up stays abandoned (and is not counted into ItemsAbandoned again).
  const given = new Set(known.filter((i) => i.abandoned).map((i) => i.key));
  const abandoned = await ports.retries.record(
    [...toRecord.values()].filter((f) => !given.has(f.key)),
    ctx.clock.now(),
    ctx.fence,
  );
  if (abandoned.length > 0) ctx.logger.warn('shipments abandoned after their last attempt', { keys: abandoned.map((a) => a.key).slice(0, LISTED) });
  ctx.metrics.count(MetricNames.itemsAbandoned, abandoned.length);
  const after = new Map(known.map((i) => [i.key, i.abandoned]));
  for (const k of resolved) if (!toRecord.has(k)) after.delete(k);
  for (const k of toRecord.keys()) after.set(k, after.get(k) === true || abandoned.some((a) => a.key === k));
  counts.retrySetPending = [...after.values()].filter((a) => !a).length;
  counts.retrySetAbandoned = [...after.values()].filter((a) => a).length;
  counts.abandoned = abandoned.length;
}

function retrySoId(item: RetryItem): string {
  const soId = item.context?.soId;
  return typeof soId === 'string' && soId ? soId : item.key;
}
