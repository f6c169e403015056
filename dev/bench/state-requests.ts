/**
 * `npm run bench -- state-requests`: the DynamoDB requests and ERP calls of one idle run of each job
 * (README "What it costs to run"). Starts the local stack in a directory of its own, puts a counting
 * proxy in front of dynalite and one in front of the ERP sandbox, runs each job once to catch up
 * (the seeded orders, stock and shipments), then once more with nothing to do, and prints what that
 * idle run sent. Figures only; nothing is asserted.
 */
import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { JobName } from '../../shared/domain/job-request';
import { invokeLocally } from '../local/local-invoke';
import { localStackUp } from '../local/local-stack-up';
import { startCountingProxy, type CountedRequest } from './_counting-proxy';
import { printTable } from './_support';

const JOBS: JobName[] = ['pushOrders', 'syncShipping', 'syncInventory'];
const scheduled = (detail: Record<string, unknown> = {}) => ({ source: 'aws.events', 'detail-type': 'Scheduled Event', id: 'bench', detail });

/** Request units of one small item (< 1 KB written, < 4 KB read): a transaction item costs twice. */
function requestUnits(requests: CountedRequest[]): { reads: number; writes: number } {
  let reads = 0;
  let writes = 0;
  for (const r of requests) {
    if (r.operation === 'GetItem' || r.operation === 'Query' || r.operation === 'Scan') reads += 1;
    else if (r.operation === 'BatchGetItem') reads += r.items;
    else if (r.operation === 'TransactGetItems') reads += 2 * r.items;
    else if (r.operation === 'TransactWriteItems') writes += 2 * r.items;
    else if (r.operation === 'BatchWriteItem') writes += r.items;
    else writes += 1; // PutItem, UpdateItem, DeleteItem
  }
  return { reads, writes };
}

const byOperation = (requests: CountedRequest[]) =>
  Object.entries(requests.reduce<Record<string, number>>((acc, r) => ((acc[r.operation] = (acc[r.operation] ?? 0) + 1), acc), {}))
    .sort(([a], [b]) => a.localeCompare(b))
    .map(([op, n]) => `${op} ${n}`)
    .join(', ');

async function main(): Promise<void> {
  const dir = mkdtempSync(join(tmpdir(), 'fecjst-bench-state-'));
  process.env.FECJST_LOCAL_DIR = dir;
  process.env.LOG_LEVEL = 'WARN';
  const down = () =>
    spawnSync(process.execPath, ['--import', 'tsx', join(__dirname, '..', 'local', 'local-stack-main.ts'), 'down'], {
      env: { ...process.env, FECJST_LOCAL_DIR: dir },
      stdio: 'ignore',
    });
  try {
    const stack = await localStackUp(() => undefined);
    const dynamo = await startCountingProxy(stack.dynamodb.endpoint);
    const erp = await startCountingProxy(stack.sandbox.url);
    const viaProxies = { ...stack, dynamodb: { ...stack.dynamodb, endpoint: dynamo.url } };
    const params = {
      jstBaseUrl: erp.url,
      logLevel: 'WARN',
      ordersRatePerSecond: '10',
      ordersRatePerMinute: '600',
      shippingRatePerSecond: '10',
      shippingRatePerMinute: '600',
      inventoryRatePerSecond: '10',
      inventoryRatePerMinute: '600',
    };
    const rows: Array<Record<string, string | number>> = [];
    for (const job of JOBS) {
      const write0 = process.stdout.write.bind(process.stdout);
      process.stdout.write = (() => true) as typeof process.stdout.write;
      const catchUp = await invokeLocally(viaProxies, job, scheduled(), { params });
      process.stdout.write = write0;
      if (!catchUp.complete) throw new Error(`${job}: the catch-up run did not complete (${catchUp.incompleteReason ?? catchUp.error?.code ?? '?'})`);
      const [d0, e0] = [dynamo.requests.length, erp.requests.length];
      // The idle run at the deployed log level (INFO), its stdout (what Lambda ships to CloudWatch Logs) counted, not shown.
      let logBytes = 0;
      const write = process.stdout.write.bind(process.stdout);
      process.stdout.write = ((chunk: string | Uint8Array) => ((logBytes += Buffer.byteLength(chunk)), true)) as typeof process.stdout.write;
      const idle = await invokeLocally(viaProxies, job, scheduled(), { params: { ...params, logLevel: 'INFO' } }).finally(() => (process.stdout.write = write));
      const requests = dynamo.requests.slice(d0);
      const units = requestUnits(requests);
      rows.push({
        job,
        'idle run': idle.complete ? 'complete' : 'incomplete',
        'run ms': idle.durationMs,
        'DynamoDB requests': requests.length,
        'read units': units.reads,
        'write units': units.writes,
        'ERP calls': erp.requests.length - e0,
        'ERP methods': byOperation(erp.requests.slice(e0)) || '-',
        'log bytes': logBytes,
        operations: byOperation(requests),
      });
    }
    printTable('One idle scheduled run of each job (after a catch-up run), counted at the proxies', rows);
    await dynamo.close();
    await erp.close();
  } finally {
    down();
    rmSync(dir, { recursive: true, force: true });
  }
}

main().then(
  () => process.exit(0),
  (error: unknown) => {
    console.error(error);
    process.exit(1);
  },
);
