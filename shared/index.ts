/**
 * The Lambda layer's entry point (bundled into @fecjst/shared): everything the function handlers use.
 * Handlers import only from here, so each function zip holds just its handler.
 */
export { createJobHandler, type JobDefinition } from './runtime/handler-factory';
export type { RunContext } from './jobs/run-context';
export { buildConnectorDependencies, disposeConnectorDependencies, type ConnectorDependencies } from './wiring/connector-dependencies';
export { syncInventory } from './jobs/inventory/sync-inventory';
export { pushOrders } from './jobs/orders/push-orders';
export { syncShipping } from './jobs/shipping/sync-shipping';
export { reconcileOrders } from './jobs/reconcile/reconcile-orders';
export { reconcileShipments } from './jobs/reconcile/reconcile-shipments';
export { createErpNotifyHandler } from './runtime/erp-notify-handler';
export { buildNotifyDependencies } from './wiring/notify-dependencies';
