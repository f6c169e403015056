/**
 * `npm run bench -- walk`: the incremental window walk (shared/jobs/window-sweep.ts) over BENCH_ROWS
 * (100k) inventory rows modified at random times in one 7-day window, with 1% of them modified again
 * while the walk runs (random rows, one after each page until 1% is reached), then a follow-up run
 * (the next schedule) that reads the re-modified rows at their new time. Prints rows lost (target 0),
 * ERP calls as a ratio to rows/100 (target ≤ 1.1), and ERP minutes at the account's 100 calls/min.
 * Then the same with the invocation killed at random points (an exception thrown during an ERP call
 * or after a page's rows were applied but before the checkpoint) and restarted from the committed
 * cursor: rows lost, pages of work repeated per kill, ERP calls repeated per kill. For comparison,
 * naive page-number paging over the same live window (the old walk): its rows lost.
 *
 * The sandbox runs in process with raised limits (BENCH_PER_SECOND 500, BENCH_PER_MINUTE 30000) and
 * BENCH_LATENCY_MS (2) so that the run takes seconds; calls are counted by the sandbox, and ERP time
 * at the real limits is computed as calls ÷ 100 minutes. Environment: BENCH_ROWS, BENCH_KILLS, BENCH_SEED.
 */
import type { Environment } from '../../shared/config/environment';
import { walkTimeWindow } from '../../shared/jobs/walk-time-window';
import type { SweepStats } from '../../shared/jobs/window-sweep';
import { createJstClient, type JstClient } from '../../shared/jst/client';
import { MAX_RANGE_MS } from '../../shared/domain/erp-range';
import { startJstSandbox, type JstSandbox } from '../jst-sandbox/server';
import { seededRandom } from '../jst-sandbox/seeded-random';
import { printTable, runBench } from './_support';

const ROWS = Number(process.env.BENCH_ROWS ?? 100_000);
const KILLS = Number(process.env.BENCH_KILLS ?? 20);
const perSecond = Number(process.env.BENCH_PER_SECOND ?? 500);
const perMinute = Number(process.env.BENCH_PER_MINUTE ?? 30_000);
const latencyMs = Number(process.env.BENCH_LATENCY_MS ?? 2);
const random = seededRandom(Number(process.env.BENCH_SEED ?? 7));
const env = { SETTLE_LAG_SECONDS: 0, LOOKBACK_SECONDS: 600 } as Environment;

class Killed extends Error {}

interface Truth {
  /** SKU → the `modified` (epoch ms, whole seconds as the ERP reports it) of its latest change. */
  latest: Map<string, number>;
  seen: Map<string, Set<number>>;
}

function seed(sandbox: JstSandbox): Truth {
  sandbox.reset();
  const end = Date.now() - 60_000;
  const start = end - MAX_RANGE_MS + 120_000;
  const latest = new Map<string, number>();
  const rows = Array.from({ length: ROWS }, (_, i) => {
    const modifiedMs = Math.floor((start + random() * (end - start)) / 1000) * 1000;
    latest.set(`W-${i}`, modifiedMs);
    return { sku_id: `W-${i}`, qty: i % 50, modifiedMs };
  });
  sandbox.seedInventory(rows);
  return { latest, seen: new Map() };
}

const STOCKTAKE_ROWS = Number(process.env.BENCH_STOCKTAKE_ROWS ?? 30_000);

/** STOCKTAKE_ROWS SKUs all modified on one second an hour ago (a stocktake or a bulk import). */
function seedStocktake(sandbox: JstSandbox): Truth {
  sandbox.reset();
  const at = Math.floor((Date.now() - 3600_000) / 1000) * 1000;
  const latest = new Map<string, number>();
  const rows = Array.from({ length: STOCKTAKE_ROWS }, (_, i) => {
    latest.set(`ST-${i}`, at);
    return { sku_id: `ST-${i}`, qty: i % 40, modifiedMs: at };
  });
  sandbox.seedInventory(rows);
  return { latest, seen: new Map() };
}

/** After each page: one random row modified again (now), until 1% of the rows were. */
function churner(sandbox: JstSandbox, truth: Truth) {
  let left = Math.round(ROWS / 100);
  return () => {
    if (left <= 0) return;
    left--;
    const sku = `W-${Math.floor(random() * ROWS)}`;
    const now = Date.now();
    sandbox.state.touchStock(sku, undefined, now);
    truth.latest.set(sku, Math.floor(now / 1000) * 1000);
  };
}

function lost(truth: Truth): number {
  let n = 0;
  for (const [sku, modified] of truth.latest) if (!truth.seen.get(sku)?.has(modified)) n++;
  return n;
}

function memoryCursors() {
  const positions = new Map<string, unknown>();
  return {
    read: async <T>(n: string) => positions.get(n) as T | undefined,
    advance: async (n: string, p: unknown) => void (p === null ? positions.delete(n) : positions.set(n, structuredClone(p))),
  };
}

interface Hooks {
  onPage?: () => void;
  /** Throws Killed at the chosen point of this invocation. */
  kill?: { atPage: number; during: 'read' | 'apply' };
  reads?: Array<{ fromMs: number; toMs: number; applied: boolean }>;
}

function invocation(client: JstClient, cursors: ReturnType<typeof memoryCursors>, truth: Truth, stats: SweepStats, hooks: Hooks = {}) {
  let pages = 0;
  const ctx = {
    request: { trigger: 'schedule' as const, dryRun: false, mode: 'incremental' as const },
    env,
    cursors,
    clock: { now: () => Date.now() },
    deadline: { expired: () => false, remainingMs: () => Number.POSITIVE_INFINITY },
  };
  return walkTimeWindow(ctx, {
    initialLookbackMs: MAX_RANGE_MS,
    stats,
    source: {
      readPage: async (modified, pageIndex) => {
        pages++;
        if (hooks.kill?.during === 'read' && pages === hooks.kill.atPage) throw new Killed();
        const page = await client.inventoryPage({ modified, pageSize: 100 }, pageIndex);
        hooks.reads?.push({ ...modified, applied: false });
        return page;
      },
      keyOf: (r) => r.sku_id,
      modifiedOf: (r) => r.modified,
      pageSize: 100,
    },
    applyPage: async (page) => {
      for (const r of page.rows) {
        const ms = Date.parse(`${r.modified!.replace(' ', 'T')}+08:00`);
        let set = truth.seen.get(r.sku_id);
        if (!set) truth.seen.set(r.sku_id, (set = new Set()));
        set.add(ms);
      }
      const last = hooks.reads?.at(-1);
      if (last) last.applied = true;
      hooks.onPage?.();
      if (hooks.kill?.during === 'apply' && pages >= hooks.kill.atPage) throw new Killed();
    },
  });
}

async function main(): Promise<void> {
  const sandbox = await startJstSandbox({ rateLimit: { perSecond, perMinute }, latencyMs });
  const client = createJstClient({
    credentials: { generation: 'open', ...sandbox.credentials.open },
    baseUrl: sandbox.url,
    rateLimit: { perSecond, perMinute },
  });
  console.log(
    `config: ${ROWS} rows in one 7-day window, 1% modified again during the walk; sandbox ${perSecond}/s, ${perMinute}/min, ${latencyMs} ms latency (in process); page size 100`,
  );
  const results: Array<Record<string, string | number>> = [];

  // 1. One uninterrupted walk, then the next scheduled run.
  let truth = seed(sandbox);
  let cursors = memoryCursors();
  let stats: SweepStats = { pages: 0, narrowed: 0, verifiedSeconds: 0 };
  let before = sandbox.stats.calls;
  let started = Date.now();
  await invocation(client, cursors, truth, stats, { onPage: churner(sandbox, truth) });
  const walkCalls = sandbox.stats.calls - before;
  const walkS = (Date.now() - started) / 1000;
  before = sandbox.stats.calls;
  await invocation(client, cursors, truth, { pages: 0, narrowed: 0, verifiedSeconds: 0 });
  const followCalls = sandbox.stats.calls - before;
  results.push({
    scenario: 'walk, 1% modified during it',
    'ERP calls': walkCalls,
    'calls ÷ (rows/100)': +(walkCalls / (ROWS / 100)).toFixed(3),
    'ranges narrowed': stats.narrowed,
    'ERP minutes at 100/min': +(walkCalls / 100).toFixed(1),
    'measured s': +walkS.toFixed(1),
    'next run calls': followCalls,
    'rows lost': lost(truth),
  });

  // 2. The same, killed at random points and restarted from the committed cursor.
  truth = seed(sandbox);
  cursors = memoryCursors();
  stats = { pages: 0, narrowed: 0, verifiedSeconds: 0 };
  before = sandbox.stats.calls;
  started = Date.now();
  const onPage = churner(sandbox, truth);
  const expectedPages = walkCalls;
  let kills = 0;
  let repeatedWork = 0;
  let repeatedCalls = 0;
  let previousReads: Array<{ fromMs: number; toMs: number; applied: boolean }> = [];
  for (let done = false; !done;) {
    const reads: typeof previousReads = [];
    const kill =
      kills < KILLS
        ? { atPage: 1 + Math.floor(random() * Math.max(2, (2 * expectedPages) / KILLS)), during: random() < 0.5 ? ('read' as const) : ('apply' as const) }
        : undefined;
    try {
      await invocation(client, cursors, truth, stats, { onPage, kill, reads });
      done = true;
    } catch (error) {
      if (!(error instanceof Killed)) throw error;
      kills++;
    }
    if (previousReads.length > 0) {
      // Work before the kill that this invocation did again: ranges it read that the killed one had read too.
      const reachedMs = Math.max(...previousReads.map((r) => r.toMs));
      const again = reads.filter((r) => r.fromMs < reachedMs && previousReads.some((p) => p.fromMs === r.fromMs && p.toMs === r.toMs));
      repeatedCalls += again.length;
      repeatedWork += again.filter((r) => r.applied && previousReads.some((p) => p.applied && p.fromMs === r.fromMs && p.toMs === r.toMs)).length;
    }
    previousReads = reads;
  }
  const killedCalls = sandbox.stats.calls - before;
  const killedS = (Date.now() - started) / 1000;
  await invocation(client, cursors, truth, { pages: 0, narrowed: 0, verifiedSeconds: 0 });
  results.push({
    scenario: `killed ${kills}× at random points`,
    'ERP calls': killedCalls,
    'calls ÷ (rows/100)': +(killedCalls / (ROWS / 100)).toFixed(3),
    'ranges narrowed': stats.narrowed,
    'ERP minutes at 100/min': +(killedCalls / 100).toFixed(1),
    'measured s': +killedS.toFixed(1),
    'pages of work repeated per kill': +(repeatedWork / Math.max(1, kills)).toFixed(2),
    'ERP calls repeated per kill': +(repeatedCalls / Math.max(1, kills)).toFixed(2),
    'rows lost': lost(truth),
  });

  // 3. Baseline: page-number paging over the same live window (the walk before issue #13).
  truth = seed(sandbox);
  const churn = churner(sandbox, truth);
  before = sandbox.stats.calls;
  const end = Date.now();
  for await (const page of client.inventoryPages({ modified: { fromMs: end - MAX_RANGE_MS, toMs: end }, pageSize: 100 })) {
    for (const r of page.rows) truth.seen.set(r.sku_id, new Set([...(truth.seen.get(r.sku_id) ?? []), Date.parse(`${r.modified!.replace(' ', 'T')}+08:00`)]));
    churn();
  }
  const naiveCalls = sandbox.stats.calls - before;
  // The next run re-reads only its lookback: rows modified again are read there; skipped ones never.
  for await (const page of client.inventoryPages({ modified: { fromMs: end - 600_000, toMs: Date.now() }, pageSize: 100 })) {
    for (const r of page.rows) truth.seen.set(r.sku_id, new Set([...(truth.seen.get(r.sku_id) ?? []), Date.parse(`${r.modified!.replace(' ', 'T')}+08:00`)]));
  }
  results.push({
    scenario: 'baseline: page-number paging',
    'ERP calls': naiveCalls,
    'calls ÷ (rows/100)': +(naiveCalls / (ROWS / 100)).toFixed(3),
    'ERP minutes at 100/min': +(naiveCalls / 100).toFixed(1),
    'rows lost': lost(truth),
  });

  // 4. A stocktake: STOCKTAKE_ROWS SKUs on one second, while the ERP touches a row after every
  //    multi-page read (sandbox churn afterRead) — the stall of issue #26. Runs until a run completes.
  truth = seedStocktake(sandbox);
  sandbox.setFaults({ churn: { endpoint: 'inventory', afterRead: true, rows: 1 } });
  cursors = memoryCursors();
  stats = { pages: 0, narrowed: 0, verifiedSeconds: 0 };
  before = sandbox.stats.calls;
  started = Date.now();
  let runs = 0;
  for (let complete = false; !complete && runs < 20; runs++) {
    complete = (await invocation(client, cursors, truth, stats)).complete;
  }
  const stocktakeCalls = sandbox.stats.calls - before;
  sandbox.setFaults({});
  for (const [sku] of truth.latest) truth.latest.set(sku, Date.parse(`${String(sandbox.state.stockView(sku, undefined)!.modified).replace(' ', 'T')}+08:00`));
  await invocation(client, cursors, truth, { pages: 0, narrowed: 0, verifiedSeconds: 0 });
  results.push({
    scenario: `stocktake of ${STOCKTAKE_ROWS} SKUs on one second, live`,
    'ERP calls': stocktakeCalls,
    'calls ÷ (rows/100)': +(stocktakeCalls / (STOCKTAKE_ROWS / 100)).toFixed(3),
    'ERP minutes at 100/min': +(stocktakeCalls / 100).toFixed(1),
    'measured s': +((Date.now() - started) / 1000).toFixed(1),
    'runs to finish': runs,
    'rows lost': lost(truth),
  });

  await sandbox.close();
  printTable('window walk', results);
}

runBench(main);
