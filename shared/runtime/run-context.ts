import type { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import type { Environment } from '../config/environment';
import type { SecretsLoader } from '../config/secrets-loader';
import type { JobName, JobRequest } from './job-request';
import type { Clock, Deadline, Logger, MetricsSink } from './ports';

/**
 * The cursors of the running job, bound to its lease (docs/design.md §3): `advance` commits a position
 * only while this run holds the lease (LeaseLostError otherwise) and only if nobody moved the cursor
 * item since this run last read or wrote it (CursorConflictError). `null` resets a position.
 * Positions are any JSON-able value: epoch ms, `{ afterSku }`, `{ afterOrderId }` …
 */
export interface JobCursors {
  read<T>(name: string): Promise<T | undefined>;
  advance<T>(name: string, position: T | null): Promise<void>;
}

/** Everything a use case receives besides its own dependencies (docs/design.md §1). */
export interface RunContext {
  job: JobName;
  /** The Lambda request id (or a UUID outside Lambda); also the lease owner and run-history key. */
  runId: string;
  /** Epoch ms the invocation started. */
  startedAt: number;
  /** The validated event (docs/design.md §9). */
  request: JobRequest;
  /** The validated environment, parsed once per cold start. */
  env: Environment;
  /** This run's fencing token: pass it to fenced writes such as OrderLedger.putMany(entries, ctx.fence, ctx.job). */
  fence: number;
  cursors: JobCursors;
  clock: Clock;
  /** JSON logger; every field and string is redacted (no secret, token, sign, phone or address). */
  logger: Logger;
  metrics: MetricsSink;
  /** Soft deadline: getRemainingTimeInMillis() − DEADLINE_MARGIN_MS; check between pages (docs/design.md §6). */
  deadline: Deadline;
  /**
   * Reports the counts so far on a long run: logged as one "run progress" line at most every
   * PROGRESS_LOG_SECONDS (30 s by default), and remembered for the "run timing out" line. Optional so
   * tests and scripts may build a context without it; the handler always sets it.
   */
  progress?(counts: Record<string, number>): void;
}

/** What buildDependencies gets besides the environment. */
export interface RuntimeServices {
  /** Cached secrets (SECRETS_CACHE_SECONDS); forgotten after an authentication failure. */
  secrets: SecretsLoader;
  logger: Logger;
  /** Always set by the handler factory (optional so tests and scripts may build dependencies without it). */
  metrics?: MetricsSink;
  /**
   * The handler's DynamoDB document client (default config), to share with `new OrderLedger(...)`.
   * Always set by the handler factory; fall back to createStateDocumentClient() when absent.
   */
  stateClient?: DynamoDBDocumentClient;
}
