import { spawn, type ChildProcess } from 'node:child_process';
import { join } from 'node:path';
import mysql from 'mysql2/promise';
import { loadEnvironment, type Environment } from '../../shared/config/environment';
import type { RunContext } from '../../shared/jobs/run-context';
import { noDeadline, nullMetrics, silentLogger, systemClock } from '../../shared/domain/ports';
import type { GivenUpOrder } from '../../shared/state/given-up-orders';
import type { LedgerEntry } from '../../shared/state/order-ledger';
import { freePort, waitFor } from '../local/free-port';
import { resolveMysqlServer, type MysqlServer } from '../local/mysql-server';

/** Samples this process's RSS every 50 ms; `peakMb()` is the highest seen. */
export function rssSampler() {
  let peak = process.memoryUsage().rss;
  const timer = setInterval(() => (peak = Math.max(peak, process.memoryUsage().rss)), 50);
  timer.unref();
  return { peakMb: () => Math.max(peak, process.memoryUsage().rss) / 1048576, stop: () => clearInterval(timer) };
}

export function printTable(title: string, rows: Array<Record<string, string | number>>): void {
  console.log(`\n${title}`);
  console.table(rows);
}

/** A MySQL database of its own for a benchmark, dropped by `drop()`. */
export async function benchDatabase(name: string): Promise<{ pool: mysql.Pool; server: MysqlServer; drop(): Promise<void> }> {
  const server = await resolveMysqlServer((l) => console.log(`  ${l}`));
  const database = `fecjst_bench_${name}_${Date.now().toString(36)}`;
  const admin = await mysql.createConnection({ uri: server.url });
  await admin.query(`CREATE DATABASE \`${database}\` CHARACTER SET utf8mb4`);
  const u = new URL(server.url);
  const pool = mysql.createPool({
    host: u.hostname,
    port: Number(u.port || 3306),
    user: decodeURIComponent(u.username || 'root'),
    password: decodeURIComponent(u.password),
    database,
    connectionLimit: 4,
  });
  return {
    pool,
    server,
    drop: async () => {
      await pool.end();
      await admin.query(`DROP DATABASE IF EXISTS \`${database}\``);
      await admin.end();
      await server.stop();
    },
  };
}

/**
 * The ERP sandbox in its own process (so this process's RSS is the job's alone), with a rate limit
 * and latency. Returns its base URL and a stop function.
 */
export async function sandboxProcess(opts: {
  perSecond: number;
  perMinute: number;
  latencyMs: number;
}): Promise<{ url: string; stop(): void; child: ChildProcess }> {
  const port = await freePort();
  const child = spawn(process.execPath, ['--import', 'tsx', join(__dirname, '_sandbox-process.ts')], {
    env: {
      ...process.env,
      PORT: String(port),
      LATENCY_MS: String(opts.latencyMs),
      RATE_PER_SECOND: String(opts.perSecond),
      RATE_PER_MINUTE: String(opts.perMinute),
    },
    stdio: ['ignore', 'ignore', 'inherit'],
  });
  const url = `http://127.0.0.1:${port}`;
  await waitFor(async () => (await fetch(`${url}/__admin/stats`)).ok, 20_000, 'the sandbox process');
  return { url, child, stop: () => void child.kill('SIGTERM') };
}

export async function adminPost(url: string, path: string, body: unknown): Promise<void> {
  const res = await fetch(`${url}${path}`, { method: 'POST', body: JSON.stringify(body), headers: { 'content-type': 'application/json' } });
  if (!res.ok) throw new Error(`admin ${path}: HTTP ${res.status}`);
}

export async function adminStats(url: string): Promise<{ calls: number; rateLimited: number; orders: number }> {
  return (await (await fetch(`${url}/__admin/stats`)).json()) as { calls: number; rateLimited: number; orders: number };
}

export function benchEnvironment(extra: Record<string, string> = {}): Environment {
  return loadEnvironment({ STATE_TABLE: 'bench', JST_SECRET_ID: 'bench', DB_SECRET_ID: 'bench', JST_SHOP_ID: '10001', ...extra });
}

/** A run context with in-memory cursors, for driving a use case directly against real adapters. */
export function benchContext(env: Environment, request: Partial<RunContext['request']> = {}): RunContext {
  const positions = new Map<string, unknown>();
  return {
    job: 'syncInventory',
    runId: 'bench',
    startedAt: Date.now(),
    request: { trigger: 'manual', dryRun: false, mode: 'incremental', ...request },
    env,
    fence: 1,
    cursors: { read: async <T>(n: string) => positions.get(n) as T | undefined, advance: async (n: string, p: unknown) => void positions.set(n, p) },
    clock: systemClock,
    logger: silentLogger,
    metrics: nullMetrics,
    deadline: noDeadline,
  };
}

/** An in-memory order ledger with the real one's interface. */
export function memoryLedger() {
  const entries = new Map<string, LedgerEntry>();
  const givenUpOrders = new Map<string, GivenUpOrder>();
  return {
    entries,
    givenUpOrders,
    getMany: async (ids: readonly string[]) => new Map(ids.filter((id) => entries.has(id)).map((id) => [id, entries.get(id)!])),
    putMany: async (list: readonly LedgerEntry[]) => void list.forEach((e) => entries.set(e.incrementId, e)),
    givenUp: {
      add: async (list: readonly GivenUpOrder[]) => void list.forEach((g) => givenUpOrders.set(g.incrementId, g)),
      remove: async (ids: readonly string[]) => void ids.forEach((id) => givenUpOrders.delete(id)),
    },
  };
}

/** Runs a benchmark's main function and exits with its outcome (benchmarks leave no handles behind). */
export function runBench(main: () => Promise<void> | void): void {
  Promise.resolve()
    .then(main)
    .then(
      () => process.exit(0),
      (error: unknown) => {
        console.error(error);
        process.exit(1);
      },
    );
}
