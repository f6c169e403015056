/**
 * `npm run bench -- freshness` (issue #23): how fresh each side is, from a change to its effect, over a
 * shop day compressed into BENCH_MINUTES of wall time, with the real functions through their real
 * Lambda handlers (one worker process per function: _freshness-functions.ts) on the real adapters —
 * MariaDB, dynalite (behind a counting proxy per function), moto_server's Secrets Manager, and the ERP
 * sandbox in its own process at the account's limits (5/s, 100/min) with latency.
 *
 * The scheduler fires each function at its rate (BENCH_RATE_PUSH_ORDERS_S 60, BENCH_RATE_SHIPPING_S
 * 120, BENCH_RATE_INVENTORY_S 120) with reserved concurrency 1: a tick while the function still runs is
 * throttled, counted and retried as Lambda retries a throttled async event. Changes and their effects are described in _freshness-shop-day.ts; each
 * effect is polled for every 250 ms. After the window the schedules go on for a settle period
 * (BENCH_SETTLE_S) until every effect is seen; what is still unseen then is lost. Then each function
 * makes one more scheduled run with nothing changed (the idle run: its ERP calls are counted).
 *
 * Modes (BENCH_MODES, default all): off (schedules only), on (ERP pushes to erpNotify), on-dropped
 * (20 % of pushes never sent), on-throttled (erpNotify's hint writes answered with
 * ProvisionedThroughputExceededException at BENCH_THROTTLE_SHARE, default 0.5). The pushes-on modes
 * need the receiver and the sandbox's push sender (_freshness-push-channel.ts); without them they
 * print "not available in this build: <reason>" and no figures.
 *
 * The shop day (a mid-size shop's day, defaults): BENCH_DAY_STOCK_CHANGES 1200 ERP stock edits,
 * BENCH_DAY_CHECKOUTS 300 store checkouts (paid BENCH_PAYMENT_DELAY_S 20 s later), BENCH_DAY_SHIPMENTS
 * 250 ERP shipments, BENCH_DAY_CANCELLATIONS 10 ERP cancellations (when the sandbox has the route);
 * BENCH_PRODUCTS 2000 catalogue SKUs, BENCH_WARMUP_ORDERS 40 paid orders pushed before the day (so the
 * ERP holds orders to ship from the start). Sandbox: BENCH_PER_SECOND 5, BENCH_PER_MINUTE 100,
 * BENCH_LATENCY_MS 80. The functions run with the code's defaults (settle lag, lookback, shared ERP
 * budget); BENCH_SETTLE_LAG_S sets SETTLE_LAG_SECONDS.
 */
import { adminStats, printTable, runBench } from './_support';
import { nearestRankPercentile, summarizeLatencies } from './_freshness-percentiles';
import { BENCH_FUNCTIONS, SCHEDULED_EVENT, startScheduler, type BenchFunction, type RunRecord, type Scheduler } from './_freshness-functions';
import { startNotifyHost, type NotifyHost } from './_freshness-notify-host';
import { NoPushes, SandboxPushes, type PushChannel } from './_freshness-push-channel';
import { EFFECT_KINDS, ShopDay, type EffectKind, type ShopDayRates } from './_freshness-shop-day';
import { startFreshnessWorld, startSharedServices, type FreshnessWorld } from './_freshness-world';

const num = (name: string, fallback: number) => {
  const raw = process.env[name];
  if (raw === undefined || raw === '') return fallback;
  const value = Number(raw);
  if (!Number.isFinite(value) || value < 0) throw new Error(`${name} must be a non-negative number, got "${raw}"`);
  return value;
};

const minutes = num('BENCH_MINUTES', 10);
const rates: Record<BenchFunction, number> = {
  pushOrders: num('BENCH_RATE_PUSH_ORDERS_S', 60),
  syncShipping: num('BENCH_RATE_SHIPPING_S', 120),
  syncInventory: num('BENCH_RATE_INVENTORY_S', 120),
};
const day: ShopDayRates = {
  stockChanges: num('BENCH_DAY_STOCK_CHANGES', 1200),
  checkouts: num('BENCH_DAY_CHECKOUTS', 300),
  shipments: num('BENCH_DAY_SHIPMENTS', 250),
  cancellations: num('BENCH_DAY_CANCELLATIONS', 10),
  paymentDelayS: num('BENCH_PAYMENT_DELAY_S', 20),
};
const settleS = num('BENCH_SETTLE_S', 2 * Math.max(...Object.values(rates)) + 120);
const products = num('BENCH_PRODUCTS', 2000);
const warmupOrders = num('BENCH_WARMUP_ORDERS', 40);
const sandboxLimits = { perSecond: num('BENCH_PER_SECOND', 5), perMinute: num('BENCH_PER_MINUTE', 100), latencyMs: num('BENCH_LATENCY_MS', 80) };
const throttleShare = num('BENCH_THROTTLE_SHARE', 0.5);

interface Mode {
  name: string;
  channel: PushChannel;
  /** Share of erpNotify's state-table writes answered as throttled. */
  hintTableThrottle: number;
}

const MODES: Mode[] = [
  { name: 'off', channel: new NoPushes(), hintTableThrottle: 0 },
  { name: 'on', channel: new SandboxPushes('on'), hintTableThrottle: 0 },
  { name: 'on-dropped', channel: new SandboxPushes('on-dropped', 0.2), hintTableThrottle: 0 },
  { name: 'on-throttled', channel: new SandboxPushes('on-throttled'), hintTableThrottle: throttleShare },
];

const TARGETS: Record<string, Partial<Record<EffectKind, string>>> = {
  off: { stock: '≤ 120 s', order: '≤ 120 s', shipment: '≤ 180 s' },
  on: { stock: '≤ 10 s', shipment: '≤ 10 s' },
};

interface ModeResult {
  mode: string;
  unavailable?: string;
  day?: ShopDay;
  runs?: RunRecord[];
  /** Throttled arrivals (each retry that was throttled again counts too). */
  throttled?: Record<BenchFunction, number>;
  /** Throttled events dropped at the maximum event age. */
  expired?: Record<BenchFunction, number>;
  erpCalls?: number;
  erpRateLimited?: number;
  measuredMs?: number;
  idleCalls?: Record<BenchFunction, number>;
  idleDynamo?: Record<BenchFunction, number>;
  /** The ERP endpoints each idle run called, with counts. */
  idleEndpoints?: Record<BenchFunction, string>;
  pushesSent?: number;
  /** erpNotify's replies and state-table load (pushes-on modes). */
  notify?: {
    accepted: number;
    refused: number;
    invokes: number;
    failed: number;
    throttledWrites: number;
    dynamoRequests: number;
    refusedBy: Record<string, number>;
  };
  /** The mode could not be measured (e.g. a route of the push sender behaves otherwise than expected). */
  failed?: string;
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
const seconds = (ms: number | undefined) => (ms === undefined ? '–' : (ms / 1000).toFixed(1));

runBench(async () => {
  const asked = (process.env.BENCH_MODES ?? MODES.map((m) => m.name).join(','))
    .split(',')
    .map((m) => m.trim())
    .filter(Boolean);
  const unknown = asked.filter((m) => !MODES.some((mode) => mode.name === m));
  if (unknown.length > 0) throw new Error(`BENCH_MODES: unknown mode(s) ${unknown.join(', ')}; expected some of ${MODES.map((m) => m.name).join(', ')}`);
  const modes = MODES.filter((m) => asked.includes(m.name));
  console.log(
    `config: ${minutes} min per mode (+ settle ≤ ${settleS} s); schedules pushOrders ${rates.pushOrders} s, syncShipping ${rates.syncShipping} s, syncInventory ${rates.syncInventory} s (reserved concurrency 1); ` +
      `sandbox ${sandboxLimits.perSecond}/s, ${sandboxLimits.perMinute}/min, ${sandboxLimits.latencyMs} ms; day: ${day.stockChanges} stock changes, ${day.checkouts} checkouts ` +
      `(paid after ${day.paymentDelayS} s), ${day.shipments} shipments, ${day.cancellations} cancellations; ${products} SKUs`,
  );
  const results: ModeResult[] = [];
  const shared = await startSharedServices((l) => console.log(`  ${l}`));
  try {
    for (const mode of modes) {
      const notInBuild = mode.channel.unavailableInBuild();
      if (notInBuild) {
        results.push({ mode: mode.name, unavailable: notInBuild });
        continue;
      }
      console.log(`\nmode ${mode.name}: setting up`);
      const world = await startFreshnessWorld(
        shared,
        {
          products,
          sandbox: sandboxLimits,
          functionEnv: {
            ERP_CANCEL_APPLY: 'true',
            ...(process.env.BENCH_SETTLE_LAG_S ? { SETTLE_LAG_SECONDS: process.env.BENCH_SETTLE_LAG_S } : {}),
          },
        },
        mode.name,
      );
      try {
        results.push(await runMode(mode, world));
      } catch (error) {
        if (mode.channel.name === 'off') throw error;
        results.push({ mode: mode.name, failed: error instanceof Error ? error.message : String(error) });
      } finally {
        await world.stop();
      }
    }
  } finally {
    await shared.stop();
  }
  report(results);
});

async function runMode(mode: Mode, world: FreshnessWorld): Promise<ModeResult> {
  const notInSandbox = await mode.channel.unavailableInSandbox(world.sandboxUrl);
  if (notInSandbox) return { mode: mode.name, unavailable: notInSandbox };
  const cancellations = await sandboxCancels(world.sandboxUrl);
  const shop = new ShopDay(world.pool, world.sandboxUrl, world.skus, cancellations);
  if (!cancellations) console.log('  ERP cancellations: not in this build (the sandbox has no POST /__admin/cancel)');

  // Warm-up: the first full pass, the warm-up orders pushed, every cursor set.
  await shop.seedPaidOrders(warmupOrders);
  for (const fn of ['syncInventory', 'pushOrders', 'syncShipping'] as const) {
    for (let attempt = 1; ; attempt++) {
      const run = await world.functions[fn].invoke(SCHEDULED_EVENT, 'probe');
      if (run.error) throw new Error(`warm-up ${fn}: ${run.error}`);
      if (run.figures?.complete || attempt >= 5) break;
    }
  }
  await shop.readBaseline();
  shop.startObserving();
  let scheduler: Scheduler | undefined;
  let host: NotifyHost | undefined;
  try {
    await sleep(1000);
    console.log(`  warm-up done: the ERP holds ${shop.erpHolds()} orders; day of ${minutes} min starts`);
    const before = await adminStats(world.sandboxUrl);
    const t0 = Date.now();
    // Pushes on: erpNotify hosted here; its async invokes start the job through the scheduler's gate.
    if (mode.channel.name !== 'off')
      host = await startNotifyHost({
        dynamoEndpoint: world.dynamoEndpoint,
        functionEnv: world.functionEnv,
        throttleWriteShare: mode.hintTableThrottle,
        onInvoke: (fn, event) => scheduler?.trigger(fn, event),
      });
    await mode.channel.start(world.sandboxUrl, host?.url);
    scheduler = startScheduler(world.functions, rates);
    return await measureDay(mode, world, shop, scheduler, before, t0, host);
  } finally {
    // Also when the mode failed half-way: nothing keeps running into the next mode.
    shop.stopChanges();
    await scheduler?.stop();
    await shop.stopObserving();
    await host?.close();
  }
}

async function measureDay(
  mode: Mode,
  world: FreshnessWorld,
  shop: ShopDay,
  scheduler: Scheduler,
  before: Awaited<ReturnType<typeof adminStats>>,
  t0: number,
  host: NotifyHost | undefined,
): Promise<ModeResult> {
  shop.startChanges(day, minutes * 60_000);
  await sleep(minutes * 60_000);
  shop.stopChanges();
  const settleUntil = Date.now() + settleS * 1000;
  while (shop.pending().length > 0 && Date.now() < settleUntil) await sleep(1000);
  await scheduler.stop();
  await shop.stopObserving();
  await mode.channel.stop(world.sandboxUrl);
  const after = await adminStats(world.sandboxUrl);
  const measuredMs = Date.now() - t0;
  console.log(`  day and settle done after ${(measuredMs / 60_000).toFixed(1)} min; ${shop.pending().length} effects unseen; idle runs`);

  const idleCalls = {} as Record<BenchFunction, number>;
  const idleDynamo = {} as Record<BenchFunction, number>;
  const idleEndpoints = {} as Record<BenchFunction, string>;
  for (const fn of BENCH_FUNCTIONS) {
    const statsBefore = await endpointCalls(world.sandboxUrl);
    const run = await world.functions[fn].invoke(SCHEDULED_EVENT, 'probe');
    if (run.error) console.error(`  idle ${fn}: ${run.error}`);
    const statsAfter = await endpointCalls(world.sandboxUrl);
    idleCalls[fn] = statsAfter.calls - statsBefore.calls;
    idleEndpoints[fn] = Object.entries(statsAfter.byEndpoint)
      .map(([endpoint, n]) => [endpoint, n - (statsBefore.byEndpoint[endpoint] ?? 0)] as const)
      .filter(([, n]) => n > 0)
      .map(([endpoint, n]) => `${endpoint} ×${n}`)
      .join(', ');
    idleDynamo[fn] = run.dynamoRequests;
  }
  return {
    mode: mode.name,
    day: shop,
    runs: scheduler.runs,
    throttled: Object.fromEntries(BENCH_FUNCTIONS.map((fn) => [fn, scheduler.gates[fn].throttled])) as Record<BenchFunction, number>,
    expired: Object.fromEntries(BENCH_FUNCTIONS.map((fn) => [fn, scheduler.gates[fn].expired])) as Record<BenchFunction, number>,
    erpCalls: after.calls - before.calls,
    erpRateLimited: after.rateLimited - before.rateLimited,
    measuredMs,
    idleCalls,
    idleEndpoints,
    idleDynamo,
    pushesSent: await mode.channel.sent(world.sandboxUrl),
    ...(host
      ? { notify: { ...host.counts, refusedBy: { ...host.refusedBy }, throttledWrites: host.proxy.throttled(), dynamoRequests: host.proxy.requests() } }
      : {}),
  };
}

/** The sandbox's admitted business calls, in total and per endpoint. */
async function endpointCalls(sandboxUrl: string): Promise<{ calls: number; byEndpoint: Record<string, number> }> {
  const res = await fetch(`${sandboxUrl}/__admin/stats`);
  if (!res.ok) throw new Error(`sandbox /__admin/stats: HTTP ${res.status}`);
  return (await res.json()) as { calls: number; byEndpoint: Record<string, number> };
}

/** Whether the sandbox can cancel an order as the ERP (the route exists: an unknown order is a 404 of its own). */
async function sandboxCancels(sandboxUrl: string): Promise<boolean> {
  const res = await fetch(`${sandboxUrl}/__admin/cancel`, {
    method: 'POST',
    body: JSON.stringify({ shop_id: 0, so_id: 'FRESHNESS-PROBE' }),
    headers: { 'content-type': 'application/json' },
  });
  const text = await res.text();
  return !text.includes('unknown admin route');
}

function report(results: ModeResult[]): void {
  const latencyRows: Array<Record<string, string | number>> = [];
  const loadRows: Array<Record<string, string | number>> = [];
  for (const r of results) {
    if (r.unavailable || r.failed || !r.day || !r.runs) {
      const why = r.failed ? `failed, no figures: ${r.failed}` : `not available in this build: ${r.unavailable}`;
      latencyRows.push({ mode: r.mode, effect: why });
      loadRows.push({ mode: r.mode, measure: why });
      continue;
    }
    const targets = TARGETS[r.mode.startsWith('on') ? 'on' : 'off']!;
    for (const kind of EFFECT_KINDS) {
      const changes = r.day.changes.filter((c) => c.kind === kind);
      if (kind === 'cancellation' && changes.length === 0 && r.day.skipped.cancellation === 0) {
        latencyRows.push({ mode: r.mode, effect: 'cancellation: not in this build' });
        continue;
      }
      const s = summarizeLatencies(changes.filter((c) => c.seenAt !== undefined).map((c) => c.seenAt! - c.changedAt));
      latencyRows.push({
        mode: r.mode,
        effect: kind,
        changes: changes.length,
        seen: s.count,
        'p50 s': seconds(s.p50Ms),
        'p95 s': seconds(s.p95Ms),
        'max s': seconds(s.maxMs),
        'lost (target 0)': changes.length - s.count,
        'not made': r.day.skipped[kind],
        'p95 target': targets[kind] ?? '–',
      });
    }
    const hours = r.measuredMs! / 3_600_000;
    loadRows.push({ mode: r.mode, measure: 'ERP calls per hour (day + settle)', value: (r.erpCalls! / hours).toFixed(0) });
    loadRows.push({ mode: r.mode, measure: 'ERP rate-limit rejections', value: r.erpRateLimited! });
    if (r.pushesSent !== undefined) loadRows.push({ mode: r.mode, measure: 'pushes sent by the ERP', value: r.pushesSent });
    if (r.notify) {
      const n = r.notify;
      const reasons = Object.entries(n.refusedBy)
        .map(([reason, count]) => `${reason} ×${count}`)
        .join(', ');
      loadRows.push({
        mode: r.mode,
        measure: 'erpNotify: accepted / refused (reasons) / failed',
        value: `${n.accepted} / ${n.refused}${reasons ? ` (${reasons})` : ''} / ${n.failed}`,
      });
      loadRows.push({
        mode: r.mode,
        measure: 'erpNotify: job invokes / DynamoDB requests / writes throttled',
        value: `${n.invokes} / ${n.dynamoRequests} / ${n.throttledWrites}`,
      });
    }
    for (const fn of BENCH_FUNCTIONS) {
      const runs = r.runs.filter((x) => x.fn === fn);
      const requests = runs.map((x) => x.dynamoRequests);
      const failed = runs.filter((x) => x.error || (x.figures && !x.figures.complete)).length;
      loadRows.push({
        mode: r.mode,
        measure: `${fn}: runs / throttled arrivals (retried as Lambda does) / events past max age / failed or incomplete`,
        value: `${runs.length} / ${r.throttled![fn]} / ${r.expired?.[fn] ?? 0} / ${failed}`,
      });
      const durations = runs.map((x) => x.endedAt - x.startedAt);
      loadRows.push({
        mode: r.mode,
        measure: `${fn}: run duration s (p50 / max)`,
        value: durations.length === 0 ? '–' : `${seconds(nearestRankPercentile(durations, 50))} / ${seconds(Math.max(...durations))}`,
      });
      loadRows.push({
        mode: r.mode,
        measure: `${fn}: DynamoDB requests per run (mean / max)`,
        value: requests.length === 0 ? '–' : `${(requests.reduce((a, b) => a + b, 0) / requests.length).toFixed(1)} / ${Math.max(...requests)}`,
      });
      loadRows.push({
        mode: r.mode,
        measure: `${fn}: idle run: ERP calls (target ≤ 1) / DynamoDB requests`,
        value: `${r.idleCalls![fn]} / ${r.idleDynamo![fn]}`,
      });
      if (r.idleEndpoints![fn]) loadRows.push({ mode: r.mode, measure: `${fn}: idle run: ERP endpoints`, value: r.idleEndpoints![fn] });
    }
  }
  printTable('freshness: from a change to its effect (seconds)', latencyRows);
  printTable('freshness: load', loadRows);
}
