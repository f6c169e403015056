/** Run state on DynamoDB: one table, leases with fencing, cursors, the order push ledger, run history. */
export { stateTableDefinition, stateTableTimeToLive, createStateDocumentClient, STATE_TTL_ATTRIBUTE } from './state-table';
export { stateKeys, expiresAtSeconds, type StateKey } from './state-keys';
export { LeaseStore, assertLeaseFence, type HeldLease } from './lease';
export { CursorStore, type CursorValue } from './cursor-store';
export { GivenUpOrders, givenUpKeys, type GivenUpOrder } from './given-up-orders';
export { OrderLedger, LEDGER_BATCH_GET_MAX, LEDGER_RETENTION_DAYS, type LedgerEntry, type OrderLedgerOptions } from './order-ledger';
export { nextRetryAt, retryDelayMs, isRetryDue, RETRY_BASE_MS, RETRY_CAP_MS } from './retry-backoff';
export { RunHistory, type RunRecord } from './run-history';
export { LeaseLostError, CursorConflictError, StateThrottledError } from './state-errors';
