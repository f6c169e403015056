/**
 * One function of the freshness benchmark in a process of its own, as a warm Lambda container: the
 * environment is set before the handler module loads (FUNCTION_DIR: functions/<dir>/handler.ts), the
 * handler builds its adapters once (cold start) and reuses them for every invocation. The parent sends
 * `{ id, event }` over the IPC channel; the worker answers `{ id, ok, summary | error }` with the run
 * summary's figures only (no lists: nothing personal leaves the worker). stdout (the functions' JSON
 * log and metric lines) is the parent's to discard.
 */
import { join } from 'node:path';

/** serverless.yml provider.timeout, for the context's getRemainingTimeInMillis. */
const FUNCTION_TIMEOUT_MS = 300_000;

export interface WorkerInvocation {
  id: number;
  event: unknown;
}

export interface WorkerRunFigures {
  complete: boolean;
  skipped?: string;
  incompleteReason?: string;
  counts: Record<string, number>;
  failures: number;
  durationMs: number;
}

/**
 * The run's figures; with WORKER_REPLY=raw (erpNotify: its result is the Function URL's HTTP response,
 * status and a short JSON reply) the handler's result as it is.
 */
export type WorkerReply =
  | { id: number; ok: true; summary: WorkerRunFigures; raw?: undefined }
  | { id: number; ok: true; raw: Record<string, unknown>; summary?: undefined }
  | { id: number; ok: false; error: string };

type Handler = (event: unknown, context: unknown) => Promise<Record<string, unknown>>;

async function main(): Promise<void> {
  const dir = process.env.FUNCTION_DIR;
  if (!dir) throw new Error('FUNCTION_DIR is not set (sync-inventory, push-orders or sync-shipping)');
  const { handler } = (await import(join(__dirname, '..', '..', 'functions', dir, 'handler'))) as { handler: Handler };
  let invocation = 0;
  process.on('message', (message: WorkerInvocation) => {
    const started = Date.now();
    const context = {
      awsRequestId: `bench-${dir}-${++invocation}`,
      functionName: `fecjst-bench-${dir}`,
      functionVersion: '$LATEST',
      memoryLimitInMB: '512',
      getRemainingTimeInMillis: () => FUNCTION_TIMEOUT_MS - (Date.now() - started),
    };
    handler(message.event, context).then(
      (summary) =>
        process.env.WORKER_REPLY === 'raw'
          ? reply({ id: message.id, ok: true, raw: summary })
          : reply({ id: message.id, ok: true, summary: figuresOf(summary, Date.now() - started) }),
      (error: unknown) => reply({ id: message.id, ok: false, error: error instanceof Error ? `${error.name}: ${error.message}` : String(error) }),
    );
  });
  process.send!({ ready: true });
}

function figuresOf(summary: Record<string, unknown>, durationMs: number): WorkerRunFigures {
  const counts: Record<string, number> = {};
  for (const [name, value] of Object.entries((summary.counts ?? {}) as Record<string, unknown>)) if (typeof value === 'number') counts[name] = value;
  return {
    complete: summary.complete === true,
    ...(typeof summary.skipped === 'string' ? { skipped: summary.skipped } : {}),
    ...(typeof summary.incompleteReason === 'string' ? { incompleteReason: summary.incompleteReason } : {}),
    counts,
    failures: Array.isArray(summary.failures) ? summary.failures.length : 0,
    durationMs,
  };
}

function reply(message: WorkerReply): void {
  process.send!(message);
}

main().catch((error: unknown) => {
  console.error(error);
  process.exit(1);
});
