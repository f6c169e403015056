/**
 * Names of the custom metrics the jobs publish (namespace `Fecjst`, dimension `service` = the job
 * name, which Powertools adds). serverless.yml's alarms and dashboard use exactly these names.
 */
export const METRIC_NAMESPACE = 'Fecjst';

export const MetricNames = {
  /** 1 per run that finished without a run-level failure (the heartbeat alarm watches it). */
  runSucceeded: 'RunSucceeded',
  /** 1 per run that failed at run level. */
  runFailed: 'RunFailed',
  /** Seconds between now and the committed cursor position. */
  cursorLagSeconds: 'CursorLagSeconds',
  /** Per-item failures of any job (summary.failures.length). */
  itemFailures: 'ItemFailures',
  /** syncInventory: SKUs whose store stock was written. */
  skusUpdated: 'SkusUpdated',
  /** syncInventory: ERP rows that could not be applied (bad data, write conflict after retries). */
  skusFailed: 'SkusFailed',
  /** pushOrders: orders the ERP accepted. */
  ordersPushed: 'OrdersPushed',
  /** pushOrders: orders the ERP rejected (retried later). */
  ordersRejected: 'OrdersRejected',
  /** syncShipping: store orders moved to dispatched. */
  shipmentsApplied: 'ShipmentsApplied',
  /** syncShipping: shipments that could not be applied (unknown order, not shippable). */
  shipmentsSkipped: 'ShipmentsSkipped',
} as const;

export type MetricName = (typeof MetricNames)[keyof typeof MetricNames];
