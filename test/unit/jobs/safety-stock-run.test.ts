import { SafetyStock, type StockRule } from '../../../shared/domain/safety-stock';
import { RETRY_BASE_MS } from '../../../shared/domain/retry-backoff';
import { syncInventory } from '../../../shared/jobs/inventory/sync-inventory';
import { fakeWorld } from '../../support/inventory-fakes';

/** How a syncInventory run applies and counts safety stock (#24, docs/design.md §14), over in-memory ports. */
const sku = (i: number) => `S${String(i).padStart(4, '0')}`;
const skus = (n: number) => Array.from({ length: n }, (_, i) => sku(i + 1));
const OLD = Date.UTC(2026, 9, 1);
const global2: StockRule[] = [{ kind: 'global', key: '', buffer: { type: 'units', units: 2 } }];

function rulesSource(rules: readonly StockRule[]) {
  const source = { reads: 0, safetyStock: async () => (source.reads++, new SafetyStock(rules)) };
  return source;
}

describe('safety stock in a syncInventory run', () => {
  it('reads the rules once per run, however many steps apply stock (retries, window, full pass)', async () => {
    const w = fakeWorld(skus(3));
    for (const s of skus(3)) w.erp.set(s, 10, 0, OLD);
    const rules = rulesSource(global2);
    await syncInventory({ ...w.ports, stockRules: rules }, w.ctx());
    w.erp.set(sku(1), 20, 0, w.clock.ms);
    w.clock.ms += 60_000;
    await syncInventory({ ...w.ports, stockRules: rules }, w.ctx({ mode: 'full', trigger: 'manual' }));
    expect(rules.reads).toBe(2);
    expect([...w.stock.qty.values()]).toEqual([18, 8, 8]);
  });

  it('counts a SKU applied twice in one run (its window, then the full pass) once', async () => {
    const w = fakeWorld(skus(3));
    for (const s of skus(3)) w.erp.set(s, 10, 0, OLD);
    const ports = { ...w.ports, stockRules: rulesSource(global2) };
    await syncInventory(ports, w.ctx());
    w.erp.set(sku(1), 20, 0, w.clock.ms);
    w.clock.ms += 60_000;
    const out = await syncInventory(ports, w.ctx({ mode: 'full', trigger: 'manual' }));
    expect(w.erp.askedSkus.filter((s) => s === sku(1)).length).toBeGreaterThan(1);
    expect(out.counts).toMatchObject({ heldBackSkus: 3, heldBackUnits: 6 });
  });

  it('a SKU retried from the retry set is buffered like any other', async () => {
    const w = fakeWorld(skus(2));
    for (const s of skus(2)) w.erp.set(s, 10, 0, OLD);
    w.erp.set(sku(1), -1, 0, OLD);
    const ports = { ...w.ports, stockRules: rulesSource(global2) };
    const first = await syncInventory(ports, w.ctx());
    expect(first.counts).toMatchObject({ failed: 1, heldBackSkus: 1, heldBackUnits: 2 });
    w.erp.set(sku(1), 10, 0, OLD); // fixed in the ERP, outside every window: only the retry brings it
    w.clock.ms += RETRY_BASE_MS + 1;
    const retry = await syncInventory(ports, w.ctx());
    expect(retry.counts).toMatchObject({ retried: 1, heldBackSkus: 1, heldBackUnits: 2 });
    expect(w.stock.qty.get(sku(1))).toBe(8);
  });

  it('a SKU that lost every compare-and-set is a failure, not held back', async () => {
    const w = fakeWorld(skus(1), { storeQty: 5 });
    w.erp.set(sku(1), 10, 0, OLD);
    w.stock.beforeWrite = () => void w.stock.qty.set(sku(1), (w.stock.qty.get(sku(1)) ?? 0) + 1); // a checkout before every write
    const out = await syncInventory({ ...w.ports, stockRules: rulesSource(global2) }, w.ctx({ trigger: 'manual', skus: [sku(1)] }));
    expect(out.counts).toMatchObject({ failed: 1, heldBackSkus: 0, heldBackUnits: 0 });
  });
});
