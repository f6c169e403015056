/**
 * Names of the custom metrics the jobs publish: namespace `Fecjst`, one dimension `service` whose
 * value is the job name (Powertools adds it from POWERTOOLS_SERVICE_NAME). The JSON file is the
 * single source: serverless.yml's alarms and dashboard (scripts/deploy/monitoring.js) read it too.
 *
 * - RunSucceeded / RunFailed: 1 per run (the heartbeat alarm watches RunSucceeded).
 * - CursorLagSeconds: seconds between now and the committed cursor position.
 * - ItemFailures: per-item failures of any job (summary.failures.length).
 * - SkusUpdated / SkusFailed: syncInventory writes, and ERP rows that could not be applied.
 * - OrdersPushed / OrdersRejected: pushOrders results (rejected orders are retried later).
 * - OrdersAbandoned: orders pushOrders gave up on in this run (ORDER_MAX_ATTEMPTS reached); listed in
 *   the state table partition ORDERS_GIVEN_UP#<shopId>.
 * - ShipmentsApplied / ShipmentsSkipped: syncShipping results.
 * - ItemsAbandoned: retry-set items given up on after their last attempt (alarm).
 * - FullPassAgeHours: syncInventory, hours since the last completed full pass (alarm > 48).
 * - StockDrift / StockDriftMissed: syncInventory full pass (the stock reconcile): SKUs whose store
 *   value differed from the formula, and those of them the incremental runs should have caught.
 * - OrdersMissingInErp / OrdersDifferentInErp, ShipmentsMissingInStore: what a reconcile run of pushOrders
 *   or syncShipping found out of step (and healed) although the incremental runs should have kept it in step.
 * - ErpCancellations / ErpCancellationsApplied: syncShipping, store orders the ERP's order query newly
 *   reported cancelled (recorded in ERP_CANCEL#<shopId>), and those cancelled in the store (ERP_CANCEL_APPLY).
 * - PushesAccepted / PushesRefused / HintsWritten: erpNotify (docs/design.md §18): pushes taken as hints,
 *   pushes refused (also with a `reason` dimension: sign-mismatch, replayed, stale-timestamp …), and the
 *   hints (SKUs, so_ids) the accepted ones wrote.
 */
import definitions from './metric-names.json';

export const METRIC_NAMESPACE: string = definitions.namespace;
export const MetricNames = definitions.metrics;

export type MetricName = (typeof MetricNames)[keyof typeof MetricNames];
