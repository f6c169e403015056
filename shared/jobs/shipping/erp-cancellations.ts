import { chunkList } from '../../domain/chunk-list';
import { FecjstError } from '../../errors';
import type { ItemFailure } from '../../domain/run-outcome';
import { FINAL_ERP_CANCELLATION_OUTCOMES, type ErpCancellationRecord } from '../../domain/erp-cancellation';
import { MetricNames } from '../../domain/metric-names';
import type { OrderCancelRepository, StoreCancelResult } from '../../fecmall/order-cancel-repository';
import type { JstClient, Page } from '../../jst/client';
import type { QueriedOrder } from '../../jst/reply-schemas';
import type { ErpCancellationLog } from '../../state/erp-cancellations';
import type { PushHint, PushHints } from '../../state/push-hints';
import type { RunContext } from '../run-context';
import { judgeCancellations, type ErpCancelVerdict } from './cancelled-in-erp';
import { pollErpCancellations } from './erp-cancel-poll';

export interface ErpCancellationPorts {
  erp: Pick<JstClient, 'queryOrders' | 'orderPage'>;
  /** `HINT#syncShipping#cancel`: so_ids named by `cancel.order` pushes. */
  hints: Pick<PushHints, 'take' | 'clear'>;
  log: Pick<ErpCancellationLog, 'getMany' | 'putMany'>;
  store: Pick<OrderCancelRepository, 'plan' | 'cancel'>;
}

type Ctx = Pick<RunContext, 'request' | 'env' | 'cursors' | 'clock' | 'logger' | 'metrics' | 'deadline' | 'fence'>;

/** Hints taken per run (the rest wait for the next run). */
export const CANCEL_HINTS_PER_RUN = 100;
const SO_IDS_PER_QUERY = 20;
const LISTED = 20;

export interface ErpCancellationStep {
  counts: Record<string, number>;
  /** The orders recorded or changed this run (≤ 20; increment ids and statuses only). */
  examples: Array<Pick<ErpCancellationRecord, 'incrementId' | 'outcome'> & { refusedReason?: string }>;
  /** Set when the ERP's order query failed: the step was skipped for this run (the run goes on). */
  failure?: ItemFailure;
}

/**
 * syncShipping's ERP-cancellation step (docs/design.md §15), run near the start of an incremental
 * run. Candidates are the so_ids of `cancel.order` hints and the ERP's cancelled orders found by the
 * poll (a push that was never sent loses nothing). Each is verified with the ERP's order query by
 * so_id: only an order the ERP itself reports `Cancelled` counts. A verified cancellation is recorded
 * (`ERP_CANCEL#<shopId>`) and counted; with ERP_CANCEL_APPLY on it is applied with Fecmall's cancel
 * (never after dispatch; refused ones are recorded with the reason). A hint the ERP does not confirm
 * changes nothing and is cleared; one that could not be judged stays. The poll's position moves only
 * after all of its candidates were recorded. A dry run reads and reports, and writes nothing.
 */
export async function handleErpCancellations(ports: ErpCancellationPorts, ctx: Ctx): Promise<ErpCancellationStep> {
  try {
    return await cancellationStep(ports, ctx);
  } catch (error) {
    if (!isolatedErpFailure(error)) throw error;
    // The ERP's order query failed (network, rate limit, reply, permission): the shipments still go on.
    // Nothing is lost: the hints stay and the poll's position did not move.
    ctx.logger.warn('ERP cancellations not checked this run: the order query failed', { code: error.code, message: error.message });
    return {
      counts: { erpCancelFailed: 1 },
      examples: [],
      failure: { key: 'erpCancellations', reason: `ERP cancellations not checked this run (${error.code}): ${error.message}` },
    };
  }
}

/** ERP failures the step absorbs; credential failures (JST_AUTH, JST_TOKEN_…) stop the run like any other. */
function isolatedErpFailure(error: unknown): error is FecjstError {
  return error instanceof FecjstError && error.code.startsWith('JST_') && error.code !== 'JST_AUTH' && !error.code.startsWith('JST_TOKEN_');
}

async function cancellationStep(ports: ErpCancellationPorts, ctx: Ctx): Promise<ErpCancellationStep> {
  const counts: Record<string, number> = {
    erpCancelHints: 0,
    erpCancelHintsNotCancelled: 0,
    erpCancelHintsKept: 0,
    erpCancelPolled: 0,
    erpCancelUnreadable: 0,
    erpCancelRecorded: 0,
    erpCancelApplied: 0,
    erpCancelRefused: 0,
    erpCancelAlreadyInStore: 0,
    erpCancelUnknownOrder: 0,
  };
  const examples: ErpCancellationStep['examples'] = [];
  const writes = !ctx.request.dryRun;
  const applying = writes && ctx.env.ERP_CANCEL_APPLY;

  const hints = await ports.hints.take(CANCEL_HINTS_PER_RUN);
  counts.erpCancelHints = hints.length;
  const poll = await pollErpCancellations(ports.erp, ctx);
  counts.erpCancelPolled = poll.soIds.length;
  if (poll.ran) counts.erpCancelPollPages = poll.pages;

  const verdicts = await verify(ports.erp, [...new Set([...hints.map((h) => h.key), ...poll.soIds])], ctx);
  const cancelled = [...verdicts.values()].filter((v): v is Extract<ErpCancelVerdict, { verdict: 'cancelled' }> => v.verdict === 'cancelled');
  counts.erpCancelUnreadable = [...verdicts.values()].filter((v) => v.verdict === 'unreadable').length;

  const known = await ports.log.getMany(cancelled.map((c) => c.soId));
  const open = cancelled.filter((c) => !FINAL_ERP_CANCELLATION_OUTCOMES.includes(known.get(c.soId)?.outcome ?? 'recorded'));
  const ids = open.map((c) => c.soId);
  const results = new Map<string, StoreCancelResult>((applying ? await ports.store.cancel(ids) : await ports.store.plan(ids)).map((r) => [r.incrementId, r]));
  const nowMs = ctx.clock.now();
  const records: ErpCancellationRecord[] = [];
  let fresh = 0;
  for (const c of open) {
    const result = results.get(c.soId)!;
    const previous = known.get(c.soId);
    const applied = applying && result.outcome === 'applied';
    const record: ErpCancellationRecord = {
      incrementId: c.soId,
      oId: c.oId,
      erpStatus: c.erpStatus,
      seenAt: previous?.seenAt ?? nowMs,
      outcome: result.outcome === 'applied' && !applied ? 'recorded' : result.outcome,
      applied,
    };
    if (applied) record.appliedAt = nowMs;
    if (result.outcome !== 'applied' && result.reason) record.refusedReason = result.reason;
    if (result.status !== undefined) record.storeStatus = result.status;
    // A record whose outcome is unchanged is not written again (and not counted twice).
    if (previous && previous.outcome === record.outcome) continue;
    if (!previous) fresh++;
    records.push(record);
    if (record.outcome === 'recorded') counts.erpCancelRecorded!++;
    else if (record.outcome === 'applied') counts.erpCancelApplied!++;
    else if (record.outcome === 'already_cancelled') counts.erpCancelAlreadyInStore!++;
    else if (record.outcome === 'unknown_order') counts.erpCancelUnknownOrder!++;
    else counts.erpCancelRefused!++;
    if (examples.length < LISTED)
      examples.push({ incrementId: record.incrementId, outcome: record.outcome, ...(record.refusedReason ? { refusedReason: record.refusedReason } : {}) });
  }
  counts.erpCancelNew = fresh;

  if (writes) {
    await ports.log.putMany(records, ctx.fence, nowMs);
    const handled = hints.filter((h) => handledHint(h, verdicts));
    counts.erpCancelHintsNotCancelled = handled.filter((h) => verdicts.get(h.key)?.verdict === 'not_cancelled').length;
    const { renamed } = await ports.hints.clear(handled);
    counts.erpCancelHintsKept = hints.length - handled.length + renamed.length;
    if (poll.soIds.every((soId) => verdicts.get(soId)?.verdict !== 'unreadable')) await poll.commit();
  } else {
    counts.erpCancelHintsNotCancelled = hints.filter((h) => verdicts.get(h.key)?.verdict === 'not_cancelled').length;
  }
  if (counts.erpCancelHintsNotCancelled > 0)
    ctx.logger.info('cancel.order hints the ERP does not confirm: nothing changed', { count: counts.erpCancelHintsNotCancelled });
  if (writes) {
    ctx.metrics.count(MetricNames.erpCancellations, fresh);
    ctx.metrics.count(MetricNames.erpCancellationsApplied, counts.erpCancelApplied);
  }
  return { counts, examples };
}

/** A hint is handled once the ERP's answer for its so_id was read (cancelled and recorded, or not cancelled). */
function handledHint(hint: PushHint, verdicts: Map<string, ErpCancelVerdict>): boolean {
  const v = verdicts.get(hint.key);
  return v !== undefined && v.verdict !== 'unreadable';
}

/** The ERP's order query by so_id, ≤ 20 per call; so_ids not asked before the deadline are unreadable. */
async function verify(erp: Pick<JstClient, 'queryOrders'>, soIds: readonly string[], ctx: Ctx): Promise<Map<string, ErpCancelVerdict>> {
  const verdicts = new Map<string, ErpCancelVerdict>();
  for (const batch of chunkList(soIds, SO_IDS_PER_QUERY)) {
    if (ctx.deadline.expired()) {
      for (const soId of batch) verdicts.set(soId, { soId, verdict: 'unreadable', reason: 'not asked before the deadline' });
      continue;
    }
    const pages: Page<QueriedOrder>[] = [];
    for await (const page of erp.queryOrders({ soIds: batch, shopId: ctx.env.JST_SHOP_ID })) pages.push(page);
    for (const v of judgeCancellations(batch, pages, ctx.env.JST_SHOP_ID)) verdicts.set(v.soId, v);
  }
  return verdicts;
}
