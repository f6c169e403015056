// The three jobs as the deploy template sees them. Metric names come from the same JSON file the code
// publishes them with (shared/runtime/metric-names.json), so alarms can never watch a name the code
// does not emit.
const metricNames = require('../../shared/runtime/metric-names.json');

const m = metricNames.metrics;

const jobs = [
  {
    name: 'syncInventory',
    logicalId: 'SyncInventory',
    scheduleParam: 'inventoryIncrementalSchedule',
    failureMetrics: [m.skusFailed, m.itemFailures],
    workMetrics: [m.skusUpdated, m.skusFailed, m.itemsAbandoned, m.stockDrift, m.stockDriftMissed, m.fullPassAgeHours],
  },
  {
    name: 'pushOrders',
    logicalId: 'PushOrders',
    scheduleParam: 'ordersSchedule',
    failureMetrics: [m.ordersRejected, m.itemFailures],
    workMetrics: [m.ordersPushed, m.ordersRejected, m.ordersMissingInErp, m.ordersDifferentInErp],
  },
  {
    name: 'syncShipping',
    logicalId: 'SyncShipping',
    scheduleParam: 'shippingSchedule',
    failureMetrics: [m.itemFailures],
    workMetrics: [m.shipmentsApplied, m.shipmentsSkipped, m.itemsAbandoned, m.shipmentsMissingInStore],
  },
];

/** Seconds between two runs of a `rate(N minutes|hours)` schedule (cron schedules: a day). */
function scheduleSeconds(expression) {
  const match = /^rate\((\d+)\s+(minute|minutes|hour|hours|day|days)\)$/.exec(String(expression).trim());
  if (!match) return 86400;
  const n = Number(match[1]);
  const unit = match[2].startsWith('minute') ? 60 : match[2].startsWith('hour') ? 3600 : 86400;
  return n * unit;
}

module.exports = { jobs, metricNames, scheduleSeconds };
