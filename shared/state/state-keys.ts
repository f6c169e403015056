/**
 * The keys of the single state table (docs/design.md §3–§5). `job` may carry a partition suffix
 * (e.g. `syncShipping#10001`) when one table serves several partitions of a job.
 *
 * | item              | pk                                 | sk                          |
 * |-------------------|------------------------------------|-----------------------------|
 * | lease             | `LEASE#<job>`                      | `LEASE`                     |
 * | cursor            | `CURSOR#<job>`                     | `CURSOR`                    |
 * | order push ledger | `ORDER#<shopId>#<increment_id>`    | `LEDGER`                    |
 * | run history       | `RUNS#<job>`                       | `<started-at ISO>#<runId>`  |
 * | retry set item    | `RETRY#<job>`                      | `<item key>`                |
 * | given-up order    | `ORDERS_GIVEN_UP#<shopId>`         | `<increment_id>`            |
 * | ERP budget        | `BUDGET#<account>`                 | `BUDGET`                    |
 * | push hint         | `HINT#<job>`                       | `<key>` (SKU or so_id)      |
 * | safety-stock rule | `STOCK_RULES`                      | `global` / `prefix#<p>` / `sku#<sku>` |
 * | SKU mapping row   | `SKU_MAP`                          | `<store SKU>`               |
 * | SKU mapping meta  | `SKU_MAP_META`                     | `META`                      |
 * | ERP cancellation  | `ERP_CANCEL#<shopId>`              | `<increment_id>`            |
 * | push seen (replay)| `PUSH_SEEN#<digest>`               | `SEEN`                      |
 * | push refusal ring | `PUSH_REFUSED`                     | `<slot 00..N-1>`            |
 * | push counters     | `PUSH_COUNTS`                      | `TOTAL`                     |
 * | push wake-up      | `PUSH_WAKE#<job>`                  | `WAKE`                      |
 */
export interface StateKey {
  pk: string;
  sk: string;
}

export const stateKeys = {
  lease: (job: string): StateKey => ({ pk: `LEASE#${job}`, sk: 'LEASE' }),
  cursor: (job: string): StateKey => ({ pk: `CURSOR#${job}`, sk: 'CURSOR' }),
  ledger: (shopId: number, incrementId: string): StateKey => ({ pk: `ORDER#${shopId}#${incrementId}`, sk: 'LEDGER' }),
  budget: (account: string): StateKey => ({ pk: `BUDGET#${account}`, sk: 'BUDGET' }),
  runsPartition: (job: string): string => `RUNS#${job}`,
  retryPartition: (job: string): string => `RETRY#${job}`,
  retryItem: (job: string, key: string): StateKey => ({ pk: `RETRY#${job}`, sk: key }),
  hintPartition: (job: string): string => `HINT#${job}`,
  hint: (job: string, key: string): StateKey => ({ pk: `HINT#${job}`, sk: key }),
  erpCancellationPartition: (shopId: number): string => `ERP_CANCEL#${shopId}`,
  erpCancellation: (shopId: number, incrementId: string): StateKey => ({ pk: `ERP_CANCEL#${shopId}`, sk: incrementId }),
  pushSeen: (digest: string): StateKey => ({ pk: `PUSH_SEEN#${digest}`, sk: 'SEEN' }),
  pushRefusalsPartition: 'PUSH_REFUSED',
  pushRefusal: (slot: number): StateKey => ({ pk: 'PUSH_REFUSED', sk: String(slot).padStart(2, '0') }),
  pushCounts: { pk: 'PUSH_COUNTS', sk: 'TOTAL' } as StateKey,
  pushWake: (job: string): StateKey => ({ pk: `PUSH_WAKE#${job}`, sk: 'WAKE' }),
  givenUpOrdersPartition: (shopId: number): string => `ORDERS_GIVEN_UP#${shopId}`,
  givenUpOrder: (shopId: number, incrementId: string): StateKey => ({ pk: `ORDERS_GIVEN_UP#${shopId}`, sk: incrementId }),
  stockRulesPartition: (): string => 'STOCK_RULES',
  stockRule: (kind: 'global' | 'prefix' | 'sku', key: string): StateKey => ({ pk: 'STOCK_RULES', sk: kind === 'global' ? 'global' : `${kind}#${key}` }),
  skuMapPartition: 'SKU_MAP',
  skuMapRow: (storeSku: string): StateKey => ({ pk: 'SKU_MAP', sk: storeSku }),
  skuMapMeta: { pk: 'SKU_MAP_META', sk: 'META' } as StateKey,
  run: (job: string, startedAtMs: number, runId: string): StateKey => ({ pk: `RUNS#${job}`, sk: `${new Date(startedAtMs).toISOString()}#${runId}` }),
};

/** Epoch seconds `days` after `fromMs`: the value of the table's TTL attribute `expiresAt`. */
export function expiresAtSeconds(fromMs: number, days: number): number {
  return Math.floor(fromMs / 1000) + Math.round(days * 86400);
}
