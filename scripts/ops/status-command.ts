import { GetCommand } from '@aws-sdk/lib-dynamodb';
import { redact } from '../../shared/runtime/redact';
import type { RunSummary } from '../../shared/runtime/run-summary';
import { CursorStore } from '../../shared/state/cursor-store';
import { JobControl, type JobControlState } from '../../shared/state/job-control';
import { RetrySet } from '../../shared/state/retry-set';
import { RunHistory } from '../../shared/state/run-history';
import { stateKeys } from '../../shared/state/state-keys';
import { PushHints } from '../../shared/state/push-hints';
import { PushLog, type PushCounts, type PushRefusalRecord } from '../../shared/state/push-log';
import { PUSH_ROUTES } from '../../shared/domain/erp-push';
import { erpCancellationsLine, erpCancellationsOverview } from './cancellations-command';
import { JOBS, RECONCILE_SCOPED, type OpsIo, type OpsTarget } from './ops-target';
import type { JobName } from '../../shared/domain/job-request';
import { humanPosition, humanTime } from '../../shared/domain/human-time';

export interface JobStatus {
  job: JobName;
  control: JobControlState;
  lease: { owner: string; fence: number; leaseUntil: number; held: boolean } | null;
  cursor: Record<string, { position: unknown; updatedAt: number }>;
  retry: { pending: number; abandoned: number };
  runs: Array<{ startedAt: string; summary: RunSummary }>;
  /** pushOrders, syncShipping: the reconcile's own lease and cursor (`<job>#reconcile`, docs/design.md §4). */
  reconcile?: { lease: JobStatus['lease']; cursor: JobStatus['cursor'] };
}

/** One line per run: when (ISO +08:00 with its age), outcome, counts, duration, and why it is incomplete. */
export function runLine(startedAt: string, s: RunSummary, now: number): string {
  const outcome = s.error ? `FAILED ${s.error.code}` : s.skipped ? `skipped (${s.skipped})` : s.complete ? 'complete' : 'incomplete';
  const counts = Object.entries(s.counts ?? {})
    .filter(([, v]) => v !== 0)
    .map(([k, v]) => `${k}=${v}`)
    .join(' ');
  const reason = !s.complete && !s.skipped && s.incompleteReason ? ` — ${s.incompleteReason}` : '';
  return `${humanTime(startedAt, now)}  ${s.mode}${s.dryRun ? ' dry-run' : ''}  ${outcome}  ${counts || '-'}  ${s.durationMs} ms${s.failures?.length ? `  failures ${s.failures.length}` : ''}${reason}`;
}

async function scopeState(target: OpsTarget, scope: string, now: number): Promise<{ lease: JobStatus['lease']; cursor: JobStatus['cursor'] }> {
  const [leaseItem, cursor] = await Promise.all([
    target.doc.send(new GetCommand({ TableName: target.table, Key: stateKeys.lease(scope), ConsistentRead: true })).then((o) => o.Item),
    new CursorStore(target.doc, target.table).readAll(scope),
  ]);
  const lease = leaseItem
    ? { owner: String(leaseItem.owner), fence: Number(leaseItem.fence), leaseUntil: Number(leaseItem.leaseUntil), held: Number(leaseItem.leaseUntil) >= now }
    : null;
  return { lease, cursor: Object.fromEntries(Object.entries(cursor.positions).map(([name, v]) => [name, { position: v.position, updatedAt: v.updatedAt }])) };
}

export async function jobStatus(target: OpsTarget, job: JobName, runs = 3): Promise<JobStatus> {
  const now = target.clock.now();
  const reconcile = RECONCILE_SCOPED.includes(job) ? await scopeState(target, `${job}#reconcile`, now) : undefined;
  const [control, leaseItem, cursor, retry, history] = await Promise.all([
    new JobControl(target.doc, target.table).read(job),
    target.doc.send(new GetCommand({ TableName: target.table, Key: stateKeys.lease(job), ConsistentRead: true })).then((o) => o.Item),
    new CursorStore(target.doc, target.table).readAll(job),
    new RetrySet(target.doc, target.table, job).size(),
    new RunHistory(target.doc, target.table, 30).latestRecords<RunSummary>(job, runs),
  ]);
  const lease = leaseItem
    ? { owner: String(leaseItem.owner), fence: Number(leaseItem.fence), leaseUntil: Number(leaseItem.leaseUntil), held: Number(leaseItem.leaseUntil) >= now }
    : null;
  const positions = Object.fromEntries(Object.entries(cursor.positions).map(([name, v]) => [name, { position: v.position, updatedAt: v.updatedAt }]));
  return {
    job,
    control,
    lease,
    cursor: positions,
    retry,
    runs: history.map((r) => ({ startedAt: r.startedAt, summary: r.summary })),
    ...(reconcile ? { reconcile } : {}),
  };
}

export interface PushesStatus {
  counts: PushCounts;
  lastRefusals: PushRefusalRecord[];
  /** Hints waiting per partition (syncInventory, syncShipping, syncShipping#cancel). */
  waiting: Record<string, number>;
}

/** The ERP pushes erpNotify received (docs/design.md §18): counts, the last refusals, hints waiting per job. */
export async function pushesStatus(target: OpsTarget): Promise<PushesStatus> {
  const log = new PushLog(target.doc, target.table);
  const partitions = [...new Set(Object.values(PUSH_ROUTES).map((r) => r.hintPartition))];
  const [counts, lastRefusals, waiting] = await Promise.all([
    log.counts(),
    log.lastRefusals(5),
    Promise.all(partitions.map(async (p) => [p, await new PushHints(target.doc, target.table, p).waiting()] as const)),
  ]);
  return { counts, lastRefusals, waiting: Object.fromEntries(waiting) };
}

function printPushes(p: PushesStatus, now: number, io: OpsIo): void {
  const { counts } = p;
  io.out('pushes (erpNotify)');
  const last = counts.lastAcceptedAt === undefined ? 'none accepted yet' : `last accepted ${humanTime(counts.lastAcceptedAt, now)}`;
  const byReason = Object.entries(counts.refusedByReason)
    .map(([reason, n]) => `${reason} ${n}`)
    .join(', ');
  io.out(`  accepted ${counts.accepted}, refused ${counts.refused}${byReason ? ` (${byReason})` : ''}; ${last}`);
  io.out(
    `  hints waiting: ${Object.entries(p.waiting)
      .map(([partition, n]) => `${partition} ${n}`)
      .join(', ')}`,
  );
  for (const r of p.lastRefusals) io.out(`  refused ${humanTime(r.at, now)}: ${r.reason} (${r.method}, ${r.bytes} bytes) — ${r.detail}`);
  if (counts.lastAcceptedAt === undefined || now - counts.lastAcceptedAt > 86_400_000)
    io.out('  (no push for a day or more: the polls still cover everything; README "Pushes: the callback address" says what to check)');
}

/** `status`: per job, pause switch, lease holder, cursor positions and age, retry set, last runs (with details). */
export async function statusCommand(target: OpsTarget, io: OpsIo, jobs: readonly JobName[] = JOBS): Promise<JobStatus[]> {
  const now = target.clock.now();
  const all: JobStatus[] = [];
  for (const job of jobs) {
    const s = await jobStatus(target, job);
    all.push(s);
    io.out(`${job}${s.control.paused ? `  PAUSED by ${s.control.changedBy ?? '?'} ${s.control.changedAt ? humanTime(s.control.changedAt, now) : ''}` : ''}`);
    io.out(`  lease:  ${s.lease?.held ? `held by ${s.lease.owner} (fence ${s.lease.fence}) until ${humanTime(s.lease.leaseUntil, now)}` : 'free'}`);
    const cursorNames = Object.keys(s.cursor);
    if (cursorNames.length === 0) io.out('  cursor: none yet (the first run starts from its initial lookback or a full pass)');
    for (const name of cursorNames) {
      const { position, updatedAt } = s.cursor[name]!;
      io.out(`  cursor ${name}: ${humanPosition(position, now)}, moved ${humanTime(updatedAt, now)}`);
    }
    if (s.reconcile) {
      const r = s.reconcile;
      const held = r.lease?.held ? `held by ${r.lease.owner} (fence ${r.lease.fence}) until ${humanTime(r.lease.leaseUntil, now)}` : 'free';
      const position = r.cursor.reconcile
        ? `${humanPosition(r.cursor.reconcile.position, now)}, moved ${humanTime(r.cursor.reconcile.updatedAt, now)}`
        : 'none';
      io.out(`  reconcile (${job}#reconcile): lease ${held}; cursor reconcile: ${position}`);
    }
    io.out(
      `  retry set: ${s.retry.pending} waiting, ${s.retry.abandoned} given up${s.retry.pending + s.retry.abandoned ? ` (npm run ops -- failed ${job})` : ''}`,
    );
    if (job === 'syncShipping')
      io.out(
        await erpCancellationsOverview(target).then(erpCancellationsLine, (error: unknown) => `  ERP cancellations: not read (${(error as Error).message})`),
      );
    if (s.runs.length === 0) io.out('  runs: none recorded');
    for (const r of s.runs) io.out(`  run ${runLine(r.startedAt, r.summary, now)}`);
    const details = s.runs[0]?.summary.details;
    if (details && Object.keys(details).length) io.out(`  last run details: ${JSON.stringify(redact(details)).slice(0, 500)}`);
  }
  printPushes(await pushesStatus(target), now, io);
  return all;
}

/** `runs <job>`: the last runs, newest first. */
export async function runsCommand(target: OpsTarget, io: OpsIo, job: JobName, limit = 10): Promise<RunSummary[]> {
  const now = target.clock.now();
  const records = await new RunHistory(target.doc, target.table, 30).latestRecords<RunSummary>(job, limit);
  if (records.length === 0) io.out(`${job}: no runs recorded`);
  for (const r of records) io.out(runLine(r.startedAt, r.summary, now));
  return records.map((r) => r.summary);
}
