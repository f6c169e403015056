/** The counts of a pushOrders run summary (README "pushOrders"). */
export const PUSH_COUNTS = [
  'scanned',
  'unchanged',
  'pushed',
  'closed',
  'rejected',
  'rejectedLocally',
  'isolated',
  'waitingRetry',
  'givenUp',
  'abandoned',
  'notPushable',
  'unknownOrders',
  'truncatedFields',
  'holded',
  'erpCalls',
  'batchSplits',
] as const;

export type PushCount = (typeof PUSH_COUNTS)[number];
