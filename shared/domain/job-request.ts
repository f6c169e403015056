/** The jobs and the validated invocation they run for (docs/design.md §9); parsed by runtime/job-request.ts. */
export type JobName = 'syncInventory' | 'pushOrders' | 'syncShipping';
export type JobMode = 'incremental' | 'full' | 'reconcile';

/** A validated invocation (docs/design.md §9). */
export interface JobRequest {
  /** `push`: started by erpNotify for an ERP push (docs/design.md §18): a scheduled incremental run that drains its hints. */
  trigger: 'schedule' | 'manual' | 'push';
  dryRun: boolean;
  /** `full`: syncInventory only; `reconcile`: all three jobs (compare with the ERP and heal). */
  mode: JobMode;
  /** An explicit window (manual `from`/`to`): the cursor is neither read nor moved. */
  window?: { fromMs: number; toMs: number };
  /** syncInventory: only these SKUs (cursor untouched). */
  skus?: string[];
  /** pushOrders, syncShipping: only these store increment ids (cursor untouched). */
  orders?: string[];
  /** pushOrders `orders`: re-send even unchanged orders; any job: allow a window longer than the order horizon. */
  force?: boolean;
  /** EventBridge event id, for log correlation. */
  eventId?: string;
}
