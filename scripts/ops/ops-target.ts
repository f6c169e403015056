import type { Pool } from 'mysql2/promise';
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
  erp?(): Promise<Pick<JstClient, 'warehouses' | 'shops' | 'inventoryPage' | 'generation'>>;
  /** The same ERP drawing from the stage's shared ERP budget (job `manual`), for commands making many calls; absent: `erp`. */
  budgetedErp?(): Promise<Pick<JstClient, 'inventoryPage'>>;
  /** The store database as the functions reach it (their database secret), read only; absent: none. */
  store?(): Promise<{ pool: Pool; close(): Promise<void> }>;
  /** SKU_TRANSFORM as the functions have it (docs/design.md §19); absent or undefined: not set. */
  skuTransform?(): Promise<string | undefined>;
  /** What connect and doctor need: where the secrets are and how the stage is deployed; absent: defaults. */
  setup?: StageSetup;
}

/** A deployed function's configuration as doctor compares it (Lambda GetFunctionConfiguration). */
export interface DeployedFunction {
  environment: Record<string, string>;
  /** Whether the function also exposes a URL (a callback address for ERP pushes). */
  functionUrl?: string;
}

/** A schedule that starts a job, and whether it is on. */
export interface ScheduleState {
  name: string;
  enabled: boolean;
}

/** The stage as connect and doctor see it: secrets, deployed functions, schedules, the per-stage values. */
export interface StageSetup {
  secretIds: { jst: string; db: string };
  /** The shop number of the stage's parameters (serverless.yml params.<stage>.jstShopId), for a stage not deployed yet. */
  configuredShopId?(): number | undefined;
  /** JST_BASE_URL the functions use; undefined: the production URL. */
  erpBaseUrl?(): Promise<string | undefined>;
  /** The deployed function of a job; undefined when it is not deployed. Absent: nothing is deployed here (local stack). */
  deployedFunction?(job: JobName): Promise<DeployedFunction | undefined>;
  /** The environment each function should have (serverless.yml params of the stage); absent: not compared. */
  expectedEnvironment?(): Record<string, string>;
  /** The schedules of a job with their state; absent: no schedules here (local stack). */
  scheduleStates?(job: JobName): Promise<ScheduleState[]>;
}

/** Output and confirmation (the CLI prints and asks on the terminal; tests capture and answer). */
export interface OpsIo {
  out(line: string): void;
  confirm(question: string): Promise<boolean>;
  /** A visible answer (connect's prompts); absent: no terminal. */
  ask?(question: string): Promise<string>;
  /** A hidden answer, never echoed (connect's secret prompts); absent: no terminal. */
  askSecret?(question: string): Promise<string>;
}

export class OpsUsageError extends Error {
  readonly code = 'OPS_USAGE';
}

export function parseJob(value: string | undefined): JobName {
  if (!value || !(JOBS as readonly string[]).includes(value)) throw new OpsUsageError(`expected a job: ${JOBS.join(', ')}${value ? ` (got "${value}")` : ''}`);
  return value as JobName;
}

/** Jobs whose reconcile runs under its own lease and cursor item, `<job>#reconcile` (docs/design.md §4). */
export const RECONCILE_SCOPED: readonly JobName[] = ['pushOrders', 'syncShipping'];

/** A job, or a reconcile's own scope (`pushOrders#reconcile`, `syncShipping#reconcile`): the cursor item to act on. */
export function parseCursorScope(value: string | undefined): string {
  const base = value?.endsWith('#reconcile') ? value.slice(0, -'#reconcile'.length) : value;
  if (value !== base && (RECONCILE_SCOPED as readonly string[]).includes(base ?? '')) return value!;
  if (value !== base)
    throw new OpsUsageError(`expected a job (${JOBS.join(', ')}) or ${RECONCILE_SCOPED.map((j) => `${j}#reconcile`).join(', ')} (got "${value}")`);
  return parseJob(value);
}

/** The state table and function names of a stage (serverless.yml: `fecjst-<stage>-…`). */
export function stageNames(stage: string): { table: string; functionName(job: JobName): string } {
  return { table: `fecjst-${stage}-state`, functionName: (job) => `fecjst-${stage}-${job}` };
}
