/**
 * One function's ERP traffic in its own process, drawing from the shared ERP budget exactly as the
 * Lambda does (budgetConfig + SharedErpBudget + the ERP client), for the budget benchmark and the
 * three-process test. Each job sends its own kind of read call, as fast as the budget lets it:
 * syncInventory inventory queries of 100 SKUs, syncShipping logistics queries, pushOrders order queries.
 *
 * Environment: JOB, SANDBOX_URL, STATE_TABLE, AWS_ENDPOINT_URL_DYNAMODB (+ region and dummy keys),
 * the function's JST_BUDGET_* (and, with JST_BUDGET=local, JST_RATE_*) variables, DURATION_MS (run this long after "go"),
 * MAX_CALLS (stop after this many; default unlimited), CONCURRENCY (calls in flight; default 2).
 * Protocol: prints `ready`, waits for a line on stdin, runs, prints one JSON line with its figures.
 */
import { createInterface } from 'node:readline';
import { loadEnvironment } from '../../shared/config/environment';
import { createJstClient, type JstClient } from '../../shared/jst/client';
import { silentLogger } from '../../shared/domain/ports';
import { SharedErpBudget } from '../../shared/state/erp-budget';
import { budgetConfig } from '../../shared/state/erp-budget-config';
import { ErpBudgetStore } from '../../shared/state/erp-budget-store';
import { createStateDocumentClient } from '../../shared/state/state-table';
import { DEMO_CREDENTIALS } from '../jst-sandbox/server';

const job = process.env.JOB ?? 'syncInventory';
const env = loadEnvironment({ JST_SECRET_ID: 'bench', DB_SECRET_ID: 'bench', JST_SHOP_ID: '10001', ...process.env });
const durationMs = Number(process.env.DURATION_MS ?? 60_000);
const maxCalls = Number(process.env.MAX_CALLS ?? Number.POSITIVE_INFINITY);
const concurrency = Number(process.env.CONCURRENCY ?? 2);

const SKUS = Array.from({ length: 100 }, (_, i) => `BUDGET-${i}`);

async function oneCall(client: JstClient): Promise<void> {
  const pages =
    job === 'pushOrders'
      ? client.queryOrders({ soIds: ['B-1'], shopId: 10001 })
      : job === 'syncShipping'
        ? client.logisticsPages({ soIds: ['B-1'], shopId: 10001 })
        : client.inventoryPages({ skuIds: SKUS });
  for await (const page of pages) void page;
}

async function main(): Promise<void> {
  const budget = new SharedErpBudget({
    store: new ErpBudgetStore(createStateDocumentClient(), env.STATE_TABLE, env.JST_BUDGET_ACCOUNT),
    config: budgetConfig(env),
    job,
    account: env.JST_BUDGET_ACCOUNT,
  });
  const shared = env.JST_BUDGET === 'shared';
  const client = createJstClient({
    credentials: { generation: 'open', ...DEMO_CREDENTIALS.open },
    baseUrl: process.env.SANDBOX_URL,
    rateLimit: shared
      ? { perSecond: env.JST_BUDGET_PER_SECOND, perMinute: env.JST_BUDGET_PER_MINUTE, budget }
      : { perSecond: env.JST_RATE_PER_SECOND, perMinute: env.JST_RATE_PER_MINUTE },
    logger: silentLogger,
  });
  console.log('ready');
  await new Promise<void>((resolve) => createInterface({ input: process.stdin }).once('line', () => resolve()));
  const startedAt = Date.now();
  const endAt = startedAt + durationMs;
  const callTimes: number[] = [];
  let failures = 0;
  let issued = 0;
  const worker = async () => {
    while (Date.now() < endAt && issued < maxCalls) {
      issued++;
      try {
        await oneCall(client);
        callTimes.push(Date.now());
      } catch {
        failures++;
      }
    }
  };
  // Calls still waiting for budget at the end are abandoned (the process exits).
  const done = Promise.all(Array.from({ length: concurrency }, worker));
  await Promise.race([done, new Promise((r) => setTimeout(r, Math.max(0, endAt - Date.now()) + 500))]);
  console.log(
    JSON.stringify({ job, startedAt, endedAt: Date.now(), calls: callTimes.length, failures, transport: client.stats, budget: budget.stats, callTimes }),
  );
}

main().then(
  () => process.exit(0),
  (error: unknown) => {
    console.error(error);
    process.exit(1);
  },
);
