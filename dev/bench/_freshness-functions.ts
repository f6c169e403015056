/**
 * The three functions of the freshness benchmark, each in a worker process of its own
 * (_freshness-worker.ts) — like separate Lambda containers, each with its own cold-start caches
 * (secrets, token keeper, mysql2 pool, DynamoDB client) and its own environment (POWERTOOLS_SERVICE_NAME,
 * JST_RATE_*, the DynamoDB endpoint of its counting proxy), which one shared process could not give
 * them — and the scheduler firing each at its rate through Lambda's reserved concurrency 1.
 */
import { fork, type ChildProcess } from 'node:child_process';
import { join } from 'node:path';
import { MAX_EVENT_AGE_MS, ReservedConcurrencyGate, throttledRetryDelayMs } from './_freshness-concurrency-gate';
import type { CountingDynamoProxy } from './_freshness-dynamo-proxy';
import type { WorkerReply, WorkerRunFigures } from './_freshness-worker';

export const BENCH_FUNCTIONS = ['pushOrders', 'syncShipping', 'syncInventory'] as const;
export type BenchFunction = (typeof BENCH_FUNCTIONS)[number];

export const FUNCTION_DIRS: Record<BenchFunction, string> = {
  pushOrders: 'push-orders',
  syncShipping: 'sync-shipping',
  syncInventory: 'sync-inventory',
};

/** An EventBridge schedule's event (what the deployed rate schedules send). */
export const SCHEDULED_EVENT = { source: 'aws.events', 'detail-type': 'Scheduled Event', detail: {} };

export interface RunRecord {
  fn: BenchFunction;
  trigger: 'schedule' | 'push' | 'probe';
  startedAt: number;
  endedAt: number;
  /** DynamoDB requests through the function's counting proxy during the run. */
  dynamoRequests: number;
  figures?: WorkerRunFigures;
  error?: string;
}

export interface FunctionProcess {
  fn: BenchFunction;
  invoke(event: unknown, trigger: RunRecord['trigger']): Promise<RunRecord>;
  stop(): void;
}

/** Forks the function's worker with its environment and waits until its handler is loaded. */
export async function startFunctionProcess(fn: BenchFunction, env: Record<string, string>, proxy: CountingDynamoProxy): Promise<FunctionProcess> {
  const child: ChildProcess = fork(join(__dirname, '_freshness-worker.ts'), [], {
    execArgv: ['--import', 'tsx'],
    env: { ...process.env, ...env, FUNCTION_DIR: FUNCTION_DIRS[fn], AWS_ENDPOINT_URL_DYNAMODB: proxy.endpoint },
    // The functions' JSON log and metric lines are not the benchmark's output.
    stdio: ['ignore', 'ignore', 'inherit', 'ipc'],
  });
  await new Promise<void>((resolve, reject) => {
    child.once('message', () => resolve());
    child.once('exit', (code) => reject(new Error(`${fn} worker exited with ${code} before its handler loaded`)));
  });
  const waiting = new Map<number, (reply: WorkerReply) => void>();
  child.on('message', (reply: WorkerReply) => waiting.get(reply.id)?.(reply));
  let next = 0;
  return {
    fn,
    invoke: async (event, trigger) => {
      const id = ++next;
      const before = proxy.requests();
      const startedAt = Date.now();
      const reply = await new Promise<WorkerReply>((resolve) => {
        waiting.set(id, resolve);
        child.send({ id, event });
      });
      waiting.delete(id);
      const base = { fn, trigger, startedAt, endedAt: Date.now(), dynamoRequests: proxy.requests() - before };
      return reply.ok ? { ...base, figures: reply.summary } : { ...base, error: reply.error };
    },
    stop: () => void child.kill('SIGTERM'),
  };
}

/** A worker whose handler's result is returned as it is (erpNotify behind its Function URL). */
export interface RawFunctionProcess {
  invoke(event: unknown): Promise<Record<string, unknown>>;
  stop(): void;
}

export async function startRawFunctionProcess(dir: string, env: Record<string, string>, proxy: CountingDynamoProxy): Promise<RawFunctionProcess> {
  const child: ChildProcess = fork(join(__dirname, '_freshness-worker.ts'), [], {
    execArgv: ['--import', 'tsx'],
    env: { ...process.env, ...env, FUNCTION_DIR: dir, WORKER_REPLY: 'raw', AWS_ENDPOINT_URL_DYNAMODB: proxy.endpoint },
    stdio: ['ignore', 'ignore', 'inherit', 'ipc'],
  });
  await new Promise<void>((resolve, reject) => {
    child.once('message', () => resolve());
    child.once('exit', (code) => reject(new Error(`${dir} worker exited with ${code} before its handler loaded`)));
  });
  const waiting = new Map<number, (reply: WorkerReply) => void>();
  child.on('message', (reply: WorkerReply) => waiting.get(reply.id)?.(reply));
  let next = 0;
  return {
    invoke: async (event) => {
      const id = ++next;
      const reply = await new Promise<WorkerReply>((resolve) => {
        waiting.set(id, resolve);
        child.send({ id, event });
      });
      waiting.delete(id);
      if (!reply.ok) throw new Error(reply.error);
      return reply.raw ?? {};
    },
    stop: () => void child.kill('SIGTERM'),
  };
}

export interface Scheduler {
  /** A push-triggered start (erpNotify's async invoke): through the same gate as the ticks. */
  trigger(fn: BenchFunction, event: unknown): void;
  runs: RunRecord[];
  gates: Record<BenchFunction, ReservedConcurrencyGate>;
  /** Stops the ticks and waits for the runs in flight. */
  stop(): Promise<void>;
}

/** Fires each function every `ratesS[fn]` seconds (first tick one period after start). */
export function startScheduler(functions: Record<BenchFunction, FunctionProcess>, ratesS: Record<BenchFunction, number>): Scheduler {
  const runs: RunRecord[] = [];
  const gates = Object.fromEntries(BENCH_FUNCTIONS.map((fn) => [fn, new ReservedConcurrencyGate()])) as Record<BenchFunction, ReservedConcurrencyGate>;
  const inFlight = new Set<Promise<void>>();
  const retries = new Set<NodeJS.Timeout>();
  let stopped = false;
  // A throttled event is retried as Lambda retries it (1 s, 2 s, 4 s … within the maximum event age).
  const fire = (fn: BenchFunction, event: unknown, trigger: RunRecord['trigger'], attempt = 0, firstAt = Date.now()) => {
    if (gates[fn].arrive() === 'throttled') {
      const delay = throttledRetryDelayMs(attempt + 1);
      if (stopped || Date.now() + delay - firstAt > MAX_EVENT_AGE_MS) {
        gates[fn].expired++;
        return;
      }
      const timer = setTimeout(() => {
        retries.delete(timer);
        fire(fn, event, trigger, attempt + 1, firstAt);
      }, delay);
      retries.add(timer);
      return;
    }
    const run = functions[fn]
      .invoke(event, trigger)
      .then((record) => void runs.push(record))
      .finally(() => {
        gates[fn].finished();
        inFlight.delete(run);
      });
    inFlight.add(run);
  };
  const timers = BENCH_FUNCTIONS.map((fn) => setInterval(() => fire(fn, SCHEDULED_EVENT, 'schedule'), ratesS[fn] * 1000));
  return {
    trigger: (fn, event) => fire(fn, event, 'push'),
    runs,
    gates,
    stop: async () => {
      stopped = true;
      for (const timer of timers) clearInterval(timer);
      for (const timer of retries) clearTimeout(timer);
      retries.clear();
      await Promise.all([...inFlight]);
    },
  };
}
