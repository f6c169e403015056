/**
 * `npm run bench -- budget`: the account-wide ERP budget (issue #18, README "ERP budget"). The sandbox
 * runs in its own process enforcing the default account limits (5/s, 100/min) with 50 ms latency;
 * each function is a process of its own (_budget-worker.ts) drawing from the shared budget item in a
 * DynamoDB emulator (dynalite, in this process), with the default budget settings.
 *
 * Scenarios: syncInventory alone (a full pass: back-to-back inventory queries of 100 SKUs), then the
 * three functions at once. Prints calls/min as a ratio to the minute limit (target ≥ 0.9), each job's
 * share, rate-limit rejections (target 0), state-table requests per ERP call (target ≤ 0.25) and the
 * full pass of 100k SKUs (1000 calls) in minutes at the measured rate.
 *
 * The rate is measured over whole minute windows, as the client benchmark does: the ERP's sliding
 * minute lets a fresh account burst L calls at once, so "calls in D minutes" would flatter it. With N
 * calls, k = ⌊(N − 1)/L⌋, the span from call 1 to call kL + 1 holds k windows' worth: rate = kL ÷ span.
 *
 * Environment: BENCH_BUDGET_MINUTES (measurement per scenario, default 2.5), BENCH_PER_SECOND,
 * BENCH_PER_MINUTE (the account's limits, default 5 and 100), BENCH_LATENCY_MS (default 50).
 */
import { CreateTableCommand, DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { stateTableDefinition } from '../../shared/state/state-table';
import { startDynalite } from '../local/dynalite-server';
import { runBudgetWorkers, type WorkerResult } from './_budget-processes';
import { adminPost, adminStats, printTable, runBench, sandboxProcess } from './_support';

const minutes = Number(process.env.BENCH_BUDGET_MINUTES ?? 2.5);
const perSecond = Number(process.env.BENCH_PER_SECOND ?? 5);
const perMinute = Number(process.env.BENCH_PER_MINUTE ?? 100);
const latencyMs = Number(process.env.BENCH_LATENCY_MS ?? 50);

runBench(async () => {
  const dynamo = await startDynalite();
  Object.assign(process.env, {
    AWS_ENDPOINT_URL_DYNAMODB: dynamo.endpoint,
    AWS_REGION: process.env.AWS_REGION ?? 'eu-west-1',
    AWS_ACCESS_KEY_ID: 'bench',
    AWS_SECRET_ACCESS_KEY: 'bench',
  });
  const table = 'fecjst-bench-budget';
  const ddb = new DynamoDBClient({});
  await ddb.send(new CreateTableCommand(stateTableDefinition(table)));
  ddb.destroy();
  const sandbox = await sandboxProcess({ perSecond, perMinute, latencyMs });
  console.log(
    `config: sandbox enforcing ${perSecond}/s and ${perMinute}/min (sliding windows), ${latencyMs} ms latency; budget defaults (slice ≤ 20, skew 100 ms, jitter 100 ms); ${minutes} min per scenario`,
  );
  const env = { JST_BUDGET_PER_SECOND: String(perSecond), JST_BUDGET_PER_MINUTE: String(perMinute) };
  const durationMs = minutes * 60_000;
  try {
    const scenario = async (name: string, jobs: string[]) => {
      await adminPost(sandbox.url, '/__admin/reset', {});
      const results = await runBudgetWorkers({ jobs, sandboxUrl: sandbox.url, table, durationMs, env: { ...env, JST_BUDGET_ACCOUNT: name } });
      return { results, rejections: (await adminStats(sandbox.url)).rateLimited };
    };
    const alone = await scenario('alone', ['syncInventory']);
    report('syncInventory alone (full pass)', alone.results, alone.rejections, durationMs);
    const three = await scenario('three', ['pushOrders', 'syncShipping', 'syncInventory']);
    report('the three functions at once', three.results, three.rejections, durationMs);
    const rate = callsPerMinute(alone.results, durationMs);
    console.log(`\nfull pass of 100k SKUs (1000 calls of 100 SKUs) at the measured rate alone: ${(1000 / rate).toFixed(1)} min (${rate.toFixed(1)} calls/min)`);
  } finally {
    sandbox.stop();
    await dynamo.stop();
  }
});

/** Calls per minute over whole windows (see the header); N/D when fewer than L + 1 calls were made. */
function callsPerMinute(results: WorkerResult[], durationMs: number): number {
  const times = results.flatMap((r) => r.callTimes).sort((a, b) => a - b);
  const k = Math.floor((times.length - 1) / perMinute);
  if (k < 1) return (times.length / durationMs) * 60_000;
  return (k * perMinute * 60_000) / (times[k * perMinute]! - times[0]!);
}

function report(title: string, results: WorkerResult[], rejections: number, durationMs: number): void {
  const total = results.reduce((n, r) => n + r.calls, 0);
  const perMin = callsPerMinute(results, durationMs);
  const requests = results.reduce((n, r) => n + r.budget.stateRequests, 0);
  printTable(title, [
    ...results.map((r) => ({
      job: r.job,
      calls: r.calls,
      share: (r.calls / Math.max(1, total)).toFixed(3),
      'slices claimed': r.budget.slices,
      'calls wasted': r.budget.wasted,
      'state requests': r.budget.stateRequests,
      'lost writes': r.budget.conflicts,
    })),
  ]);
  printTable(`${title}: figures`, [
    { measure: 'calls/min (all jobs, over whole minute windows)', value: perMin.toFixed(1) },
    { measure: `ratio to ${perMinute}/min (target ≥ 0.9)`, value: (perMin / perMinute).toFixed(3) },
    { measure: 'rate-limit rejections (sandbox; target 0)', value: rejections },
    { measure: 'state-table requests per ERP call (target ≤ 0.25)', value: (requests / Math.max(1, total)).toFixed(3) },
  ]);
}
