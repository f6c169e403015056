import type { JstClient } from '../../shared/jst/client';
import type { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import type { JobName } from '../../shared/domain/job-request';
import type { Clock } from '../../shared/domain/ports';

export const JOBS: readonly JobName[] = ['syncInventory', 'pushOrders', 'syncShipping'];

/** Starts a run of a job without waiting for it (Lambda `Event` invocation, or a local process). */
export interface Invoker {
  /** Returns the run id the run will be recorded under in run history. */
  invokeAsync(job: JobName, event: unknown): Promise<{ runId: string }>;
}

/** The schedules that start a job (EventBridge rules, Scheduler schedules; none on the local stack). */
export interface Schedules {
  /** Enables or disables every schedule of the job; returns what changed, e.g. `rule fecjst-prod-… ENABLED → DISABLED`. */
  setEnabled(job: JobName, enabled: boolean): Promise<string[]>;
}

/** What every ops command works on: one stage's state table, functions and schedules. */
export interface OpsTarget {
  stage: string;
  table: string;
  doc: DynamoDBDocumentClient;
  invoker: Invoker;
  schedules: Schedules;
  clock: Clock;
  /** Who runs the command (recorded with a pause), e.g. `ops:alice`. */
  operator: string;
  /** The ERP shop number the functions use (JST_SHOP_ID), for pushOrders' given-up orders list. */
  shopId(): Promise<number>;
  /** The ERP as the functions reach it (their secret and base URL), for read-only queries; absent: none. */
  erp?(): Promise<Pick<JstClient, 'warehouses'>>;
}

/** Output and confirmation (the CLI prints and asks on the terminal; tests capture and answer). */
export interface OpsIo {
  out(line: string): void;
  confirm(question: string): Promise<boolean>;
}

export class OpsUsageError extends Error {
  readonly code = 'OPS_USAGE';
}

export function parseJob(value: string | undefined): JobName {
  if (!value || !(JOBS as readonly string[]).includes(value)) throw new OpsUsageError(`expected a job: ${JOBS.join(', ')}${value ? ` (got "${value}")` : ''}`);
  return value as JobName;
}

/** The state table and function names of a stage (serverless.yml: `fecjst-<stage>-…`). */
export function stageNames(stage: string): { table: string; functionName(job: JobName): string } {
  return { table: `fecjst-${stage}-state`, functionName: (job) => `fecjst-${stage}-${job}` };
}

export function age(ms: number): string {
  const s = Math.max(0, Math.round(ms / 1000));
  if (s < 120) return `${s} s`;
  if (s < 7200) return `${Math.round(s / 60)} min`;
  if (s < 172800) return `${(s / 3600).toFixed(1)} h`;
  return `${(s / 86400).toFixed(1)} d`;
}
