import { SafetyStock } from '../../../shared/domain/safety-stock';
import { parseSkuTransform, SkuMapping, SkuTransform } from '../../../shared/domain/sku-mapping';
import { syncInventory } from '../../../shared/jobs/inventory/sync-inventory';
import { mapOrderToErp } from '../../../shared/jobs/orders/map-order';
import { fakeWorld } from '../../support/inventory-fakes';
import type { PushHint } from '../../../shared/state/push-hints';

/** The SKU mapping at the stock reader seam and in order lines (docs/design.md §19), over in-memory ports. */
const OLD = Date.UTC(2026, 9, 1);
const transform = parseSkuTransform('strip-prefix:SHOP-,upper') as SkuTransform;
const mapping = new SkuMapping([{ storeSku: 'SHOP-bundle', erpSku: 'BNDL-2024' }], transform);
const source = (m: SkuMapping) => {
  const s = { reads: 0, mapping: async () => (s.reads++, m) };
  return s;
};

describe('syncInventory under a SKU mapping', () => {
  it('asks the ERP in its codes and writes each figure to the mapped store SKU; the buffer rules see store SKUs', async () => {
    const store = ['SHOP-ab-1', 'SHOP-bundle', 'SHOP-cd-2', 'SHOP-none'];
    const w = fakeWorld(store);
    w.erp.set('AB-1', 10, 0, OLD);
    w.erp.set('BNDL-2024', 7, 0, OLD);
    w.erp.set('CD-2', 5, 0, OLD);
    // An ERP code no store SKU maps to (the table gave SHOP-bundle another code): never written.
    w.erp.set('BUNDLE', 99, 0, OLD);
    const skuMap = source(mapping);
    const rules = { safetyStock: async () => new SafetyStock([{ kind: 'sku', key: 'SHOP-ab-1', buffer: { type: 'units', units: 2 } }]) };
    const out = await syncInventory({ ...w.ports, skuMap, stockRules: rules }, w.ctx({ mode: 'full', trigger: 'manual' }));
    expect(skuMap.reads).toBe(1);
    expect(w.erp.askedSkus.sort()).toEqual(['AB-1', 'BNDL-2024', 'CD-2', 'NONE']);
    expect(Object.fromEntries(w.stock.qty)).toEqual({ 'SHOP-ab-1': 8, 'SHOP-bundle': 7, 'SHOP-cd-2': 5, 'SHOP-none': expect.any(Number) });
    expect(out.details?.storeSkusUnknownToErp).toEqual(['SHOP-none']);
    expect(out.details?.skuMapping).toEqual({ tableRows: 1, transform: 'strip-prefix:SHOP-,upper' });
    expect(out.counts.heldBackUnits).toBe(2);
  });

  it('maps the rows of the incremental window back to store SKUs, dropping and counting codes without one', async () => {
    const w = fakeWorld(['SHOP-ab-1']);
    w.erp.set('AB-1', 3, 0, OLD);
    await syncInventory({ ...w.ports, skuMap: source(mapping) }, w.ctx());
    w.erp.set('AB-1', 6, 0, w.clock.ms);
    w.erp.set('BUNDLE', 4, 0, w.clock.ms);
    w.clock.ms += 10 * 60_000;
    const out = await syncInventory({ ...w.ports, skuMap: source(mapping) }, w.ctx());
    expect(w.stock.qty.get('SHOP-ab-1')).toBe(6);
    expect(out.counts.erpSkusUnmapped).toBe(1);
  });
});

describe('push hints under a SKU mapping', () => {
  it('re-reads a pushed ERP code under its store SKU and clears it; a code no store SKU maps to is cleared, counted unmapped', async () => {
    const w = fakeWorld(['SHOP-ab-1', 'SHOP-bundle']);
    w.erp.set('AB-1', 3, 0, OLD);
    w.erp.set('BNDL-2024', 4, 0, OLD);
    const hints = new Map(
      ['AB-1', 'BNDL-2024', 'BUNDLE'].map((key, i) => [
        key,
        { key, hintId: `h${i}`, firstHintAt: 1, lastHintAt: 1, count: 1, source: 'inventory.upload' } as PushHint,
      ]),
    );
    const source = {
      take: async (limit: number) => [...hints.values()].slice(0, limit),
      clear: async (done: readonly PushHint[]) => {
        for (const h of done) hints.delete(h.key);
        return { cleared: done.map((h) => h.key), renamed: [] };
      },
    };
    const out = await syncInventory({ ...w.ports, skuMap: { mapping: async () => mapping }, hints: source }, w.ctx({ trigger: 'push' }));
    expect(w.stock.qty.get('SHOP-ab-1')).toBe(3);
    expect(w.stock.qty.get('SHOP-bundle')).toBe(4);
    expect(hints.size).toBe(0);
    expect(out.counts.erpSkusUnmapped).toBe(1);
  });
});

describe('order lines under a SKU mapping', () => {
  const order = (sku: string) =>
    ({
      orderId: 1,
      incrementId: '1000001',
      createdAt: 1_700_000_000,
      updatedAt: 1_700_000_000,
      grandTotal: '10.00',
      baseGrandTotal: '10.00',
      shippingTotal: '0.00',
      baseShippingTotal: '0.00',
      items: [{ itemId: 1, sku, name: 'P', qty: 1, price: '10.00', basePrice: '10.00', rowTotal: '10.00', baseRowTotal: '10.00' }],
    }) as unknown as Parameters<typeof mapOrderToErp>[0];
  const options = { shopId: 1, currency: 'order' as const, formatTime: String, skus: mapping };

  it('uploads the ERP code as sku_id and keeps the store SKU as shop_sku_id', () => {
    const { payload, keyFieldProblems } = mapOrderToErp(order('SHOP-ab-1'), 'ready', options);
    expect(payload.items[0]).toMatchObject({ sku_id: 'AB-1', shop_sku_id: 'SHOP-ab-1' });
    expect(keyFieldProblems).toEqual([]);
    expect(mapOrderToErp(order('SHOP-bundle'), 'ready', options).payload.items[0]).toMatchObject({ sku_id: 'BNDL-2024', shop_sku_id: 'SHOP-bundle' });
  });

  it('never sends a line whose store SKU has no ERP code: a local rejection naming the line', () => {
    // SHOP-bndl-2024's transform (BNDL-2024) is the table's code of SHOP-bundle.
    const { keyFieldProblems } = mapOrderToErp(order('SHOP-bndl-2024'), 'ready', options);
    expect(keyFieldProblems).toEqual([expect.objectContaining({ field: 'items[0].sku_id', reason: expect.stringContaining('no ERP code') })]);
  });
});
