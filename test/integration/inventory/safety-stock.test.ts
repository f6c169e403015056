import { PutCommand } from '@aws-sdk/lib-dynamodb';
import type { StockBuffer, StockRuleKind } from '../../../shared/domain/safety-stock';
import { createStateDocumentClient } from '../../../shared/state/state-table';
import { skuOf, useInventoryHarness, type InventoryHarness } from '../../support/inventory-harness';

/**
 * Safety stock (#24, docs/design.md §14): buffers from the state table applied after the stock formula,
 * synced from the ERP sandbox over HTTP into MariaDB with the real client, state table and store adapters.
 */
const old = () => Date.now() - 3 * 86400_000;
const units = (n: number): StockBuffer => ({ type: 'units', units: n });
const percent = (p: number): StockBuffer => ({ type: 'percent', percent: p });

function rulesOf(h: () => InventoryHarness) {
  return {
    set: (kind: StockRuleKind, key: string, buffer: StockBuffer) => h().stockRules.set({ kind, key, buffer }, Date.now(), 'test'),
    async clear() {
      for (const rule of await h().stockRules.list()) await h().stockRules.remove(rule.kind, rule.key);
    },
  };
}

describe('safety stock on a SKU list (#24)', () => {
  const h = useInventoryHarness({ products: 30 });
  const rules = rulesOf(h);
  const erp = (i: number, qty: number, orderLock = 0) => h().sandbox.state.setStock(skuOf(i), { qty, order_lock: orderLock }, 0, old());
  const sync = (...skus: number[]) => h().run({ trigger: 'manual', skus: skus.map(skuOf) });
  beforeEach(() => rules.clear());

  it('without rules every unit of the formula is offered, and nothing is counted as held back', async () => {
    erp(1, 10);
    const { outcome } = await sync(1);
    expect(await h().storeQty(skuOf(1))).toBe(10);
    expect(outcome.counts).toMatchObject({ heldBackSkus: 0, heldBackUnits: 0 });
    expect(outcome.details).not.toHaveProperty('safetyStock');
  });

  it('a global buffer holds back its units from every SKU, never below 0; the summary counts SKUs and units held back', async () => {
    erp(1, 10);
    erp(2, 1);
    erp(3, 0);
    erp(4, 9, 4); // available 5
    await rules.set('global', '', units(2));
    const { outcome } = await sync(1, 2, 3, 4);
    expect([await h().storeQty(skuOf(1)), await h().storeQty(skuOf(2)), await h().storeQty(skuOf(3)), await h().storeQty(skuOf(4))]).toEqual([8, 0, 0, 3]);
    expect(outcome.counts).toMatchObject({ heldBackSkus: 3, heldBackUnits: 5 });
    expect(outcome.details).toMatchObject({ safetyStock: { global: '2 units', prefixRules: 0, skuRules: 0 } });
  });

  it('a percentage buffer of the formula figure rounds what is offered down', async () => {
    erp(1, 7); // 6.3 → 6
    erp(2, 25); // 22.5 → 22
    erp(3, 20, 5); // 15 available → 13.5 → 13
    await rules.set('global', '', percent(10));
    const { outcome } = await sync(1, 2, 3);
    expect([await h().storeQty(skuOf(1)), await h().storeQty(skuOf(2)), await h().storeQty(skuOf(3))]).toEqual([6, 22, 13]);
    expect(outcome.counts).toMatchObject({ heldBackSkus: 3, heldBackUnits: 1 + 3 + 2 });
  });

  it('precedence: an exact SKU rule, else the longest matching prefix, else the global rule', async () => {
    for (const i of [4, 11, 12, 13]) erp(i, 20);
    await rules.set('global', '', units(1));
    await rules.set('prefix', 'SKU-00001', units(5)); // SKU-000010 … SKU-000019
    await rules.set('prefix', 'SKU-000011', percent(50)); // longer: SKU-000011
    await rules.set('sku', 'SKU-000013', units(0)); // exact: none held back
    const { outcome } = await sync(4, 11, 12, 13);
    expect(await h().storeQty(skuOf(4))).toBe(19);
    expect(await h().storeQty(skuOf(11))).toBe(10);
    expect(await h().storeQty(skuOf(12))).toBe(15);
    expect(await h().storeQty(skuOf(13))).toBe(20);
    expect(outcome.counts).toMatchObject({ heldBackSkus: 3, heldBackUnits: 1 + 10 + 5 });
    expect(outcome.details).toMatchObject({ safetyStock: { global: '1 unit', prefixRules: 2, skuRules: 1 } });
  });

  it('a dry run reports what it would hold back and writes nothing', async () => {
    erp(5, 10);
    await h().setStoreQty(skuOf(5), 10);
    await rules.set('sku', skuOf(5), units(4));
    const { outcome } = await h().run({ trigger: 'manual', dryRun: true, skus: [skuOf(5)] });
    expect(await h().storeQty(skuOf(5))).toBe(10);
    expect(outcome.counts).toMatchObject({ heldBackSkus: 1, heldBackUnits: 4, updated: 1 });
    expect(outcome.details).toMatchObject({ plannedChanges: [{ sku: skuOf(5), from: 10, to: 6 }] });
  });

  it('a corrupt rule in the state table fails the run naming it, before anything is written', async () => {
    erp(6, 10);
    await h().setStoreQty(skuOf(6), 3);
    const doc = createStateDocumentClient();
    await doc.send(new PutCommand({ TableName: h().table, Item: { pk: 'STOCK_RULES', sk: 'prefix#SKU-', kind: 'prefix', key: 'SKU-', percent: 150 } }));
    doc.destroy();
    await expect(sync(6)).rejects.toMatchObject({
      code: 'STOCK_RULE_CORRUPT',
      message: expect.stringMatching(/prefix#SKU- .*percent 150 is not between 0 and 100/) as unknown,
    });
    expect(await h().storeQty(skuOf(6))).toBe(3);
  });
});

describe('safety stock in the incremental window and the full pass (#24)', () => {
  const h = useInventoryHarness({ products: 30 });
  const rules = rulesOf(h);

  it('every mode offers the buffered figure; a rule change takes effect on the next run, and the full pass measures drift against it', async () => {
    for (let i = 1; i <= 30; i++) h().sandbox.state.setStock(skuOf(i), { qty: 10, order_lock: 0 }, 0, old());
    await h().run(); // first run: the full pass, no rules yet
    expect(await h().storeQty(skuOf(21))).toBe(10);

    await rules.set('prefix', 'SKU-00002', units(3)); // SKU-000020 … SKU-000029
    h().sandbox.state.setStock(skuOf(21), { qty: 12, order_lock: 0 });
    const window = await h().run();
    expect(window.outcome.counts).toMatchObject({ erpRows: 1, updated: 1, heldBackSkus: 1, heldBackUnits: 3 });
    expect(await h().storeQty(skuOf(21))).toBe(9);
    expect(await h().storeQty(skuOf(22))).toBe(10); // not in the window: the full pass mends it

    const pass = await h().run({ trigger: 'manual', mode: 'full' });
    for (const i of [20, 22, 29]) expect(await h().storeQty(skuOf(i))).toBe(7);
    expect(await h().storeQty(skuOf(21))).toBe(9);
    expect(await h().storeQty(skuOf(19))).toBe(10);
    expect(pass.outcome.counts).toMatchObject({ stockDrift: 9, heldBackSkus: 10, heldBackUnits: 30 });

    const settled = await h().run({ trigger: 'manual', mode: 'reconcile' });
    expect(settled.outcome.counts).toMatchObject({ stockDrift: 0, updated: 0, heldBackSkus: 10, heldBackUnits: 30 });

    await h().stockRules.remove('prefix', 'SKU-00002');
    const lifted = await h().run({ trigger: 'manual', mode: 'full' });
    // SKU-000021 changed recently: the run's incremental window (before its pass) re-reads and lifts it first.
    expect(lifted.outcome.counts).toMatchObject({ stockDrift: 9, updated: 10, heldBackSkus: 0, heldBackUnits: 0 });
    expect(await h().storeQty(skuOf(21))).toBe(12);
    expect(await h().storeQty(skuOf(22))).toBe(10);
  });
});
