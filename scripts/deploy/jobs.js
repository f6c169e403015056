// The three jobs as the deploy template sees them. Metric names come from the same JSON file the code
// publishes them with (shared/domain/metric-names.json), so alarms can never watch a name the code
// does not emit.
const metricNames = require('../../shared/domain/metric-names.json');

const m = metricNames.metrics;

/**
 * - scheduleParam / enabledParam: the schedule that drives the heartbeat (only an enabled schedule
 *   gets one);
 * - abandonedMetric: items the job gave up on after its last retry (a human must look at them);
 * - readsLedger / writesLedger: access to the order ledger ORDER#…;
 * - readsStockRules: reads the safety-stock rules STOCK_RULES (docs/design.md §14; written by operators only);
 * - readsSkuMap: reads the SKU mapping table SKU_MAP and its meta item SKU_MAP_META (docs/design.md §19; operators write it);
 * - drainsHints: the push-hint partition HINT#<job>… the job reads and deletes (erpNotify writes it;
 *   docs/design.md §18); for syncShipping the prefix covers its cancel.order hints too;
 * - ownSharedPrefixes: partitions keyed by something else than the job name that only this job uses
 *   (read, written and deleted from), besides its own LEASE#/CURSOR#/RUNS#/RETRY#<job> (ownKeyPrefixes).
 */
const jobs = [
  {
    name: 'syncInventory',
    logicalId: 'SyncInventory',
    scheduleParam: 'inventoryIncrementalSchedule',
    enabledParam: 'inventoryIncrementalEnabled',
    abandonedMetric: m.itemsAbandoned,
    workMetrics: [m.skusUpdated, m.skusFailed, m.itemsAbandoned, m.stockDrift, m.stockDriftMissed, m.fullPassAgeHours, m.hintAgeSeconds],
    // Reads the pushOrders ledger: units of orders the ERP has not accepted yet (stock formula).
    readsLedger: true,
    writesLedger: false,
    // The safety-stock rules, read once per run (operators write them with npm run ops -- stock-rules).
    readsStockRules: true,
    // The SKU mapping table (npm run ops -- sku-map import): ERP codes ↔ store SKUs.
    readsSkuMap: true,
    drainsHints: 'HINT#syncInventory',
  },
  {
    name: 'pushOrders',
    logicalId: 'PushOrders',
    scheduleParam: 'ordersSchedule',
    enabledParam: 'ordersEnabled',
    abandonedMetric: m.ordersAbandoned,
    workMetrics: [m.ordersPushed, m.ordersRejected, m.ordersAbandoned, m.ordersMissingInErp, m.ordersDifferentInErp],
    readsLedger: true,
    writesLedger: true,
    // The list of orders given up after their last attempt (ORDERS_GIVEN_UP#<shopId> / <increment id>).
    ownSharedPrefixes: ['ORDERS_GIVEN_UP#'],
    // The SKU mapping table: order lines are uploaded under the ERP's codes.
    readsSkuMap: true,
  },
  {
    name: 'syncShipping',
    logicalId: 'SyncShipping',
    scheduleParam: 'shippingSchedule',
    enabledParam: 'shippingEnabled',
    abandonedMetric: m.itemsAbandoned,
    workMetrics: [
      m.shipmentsApplied,
      m.shipmentsSkipped,
      m.itemsAbandoned,
      m.shipmentsMissingInStore,
      m.erpCancellations,
      m.erpCancellationsApplied,
      m.hintAgeSeconds,
    ],
    readsLedger: false,
    writesLedger: false,
    // ERP cancellations (docs/design.md §15): their records ERP_CANCEL#<shopId>.
    ownSharedPrefixes: ['ERP_CANCEL#'],
    // logistics.upload and cancel.order hints (HINT#syncShipping, HINT#syncShipping#cancel).
    drainsHints: 'HINT#syncShipping',
  },
];

/** Partition-key prefixes of a job's own state items (docs/design.md §3–§5; state-keys.ts). */
function ownKeyPrefixes(job) {
  return ['LEASE', 'CURSOR', 'RUNS', 'RETRY'].map((kind) => `${kind}#${job}`);
}

/** Seconds between two runs of a `rate(N minutes|hours)` schedule (cron schedules: a day). */
function scheduleSeconds(expression) {
  const match = /^rate\((\d+)\s+(minute|minutes|hour|hours|day|days)\)$/.exec(String(expression).trim());
  if (!match) return 86400;
  const n = Number(match[1]);
  const unit = match[2].startsWith('minute') ? 60 : match[2].startsWith('hour') ? 3600 : 86400;
  return n * unit;
}

/** Serverless resolves `${param:x}` booleans to booleans or strings: both count. */
function isEnabled(value) {
  return value === true || String(value).trim().toLowerCase() === 'true';
}

module.exports = { jobs, metricNames, scheduleSeconds, ownKeyPrefixes, isEnabled };
