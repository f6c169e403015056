/** Runs _budget-worker.ts processes side by side (one per job) and collects their figures. */
import { spawn } from 'node:child_process';
import { join } from 'node:path';
import { createInterface } from 'node:readline';
import type { ErpBudgetStats } from '../../shared/state/erp-budget';

export interface WorkerResult {
  job: string;
  startedAt: number;
  endedAt: number;
  calls: number;
  failures: number;
  transport: { calls: number; retries: number; rateLimited: number };
  budget: ErpBudgetStats;
  callTimes: number[];
}

export interface WorkerRun {
  jobs: readonly string[];
  sandboxUrl: string;
  table: string;
  durationMs: number;
  /** JST_RATE_* / JST_BUDGET_* and the like, passed to every worker. */
  env: Record<string, string>;
  /** Per job: extra variables (e.g. MAX_CALLS). */
  perJob?: Record<string, Record<string, string>>;
}

/** Starts one process per job, waits until all are ready, lets them go at once, returns their results. */
export async function runBudgetWorkers(run: WorkerRun): Promise<WorkerResult[]> {
  const children = run.jobs.map((job) => {
    const child = spawn(process.execPath, ['--import', 'tsx', join(__dirname, '_budget-worker.ts')], {
      env: {
        ...process.env,
        ...run.env,
        ...run.perJob?.[job],
        JOB: job,
        SANDBOX_URL: run.sandboxUrl,
        STATE_TABLE: run.table,
        DURATION_MS: String(run.durationMs),
      },
      stdio: ['pipe', 'pipe', 'inherit'],
    });
    const lines = createInterface({ input: child.stdout! });
    const ready = new Promise<void>((resolve, reject) => {
      lines.once('line', (line) => (line === 'ready' ? resolve() : reject(new Error(`${job} worker: ${line}`))));
      child.once('exit', (code) => reject(new Error(`${job} worker exited with ${code} before it was ready`)));
    });
    const result = new Promise<WorkerResult>((resolve, reject) => {
      let last = '';
      lines.on('line', (line) => (last = line));
      child.once('exit', (code) => (code === 0 ? resolve(JSON.parse(last) as WorkerResult) : reject(new Error(`${job} worker exited with ${code}`))));
    });
    result.catch(() => undefined);
    return { child, ready, result };
  });
  try {
    await Promise.all(children.map((c) => c.ready));
    for (const c of children) c.child.stdin!.write('go\n');
    return await Promise.all(children.map((c) => c.result));
  } finally {
    for (const c of children) if (c.child.exitCode === null) c.child.kill('SIGTERM');
  }
}
