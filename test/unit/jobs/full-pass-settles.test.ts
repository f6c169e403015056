import { syncInventory } from '../../../shared/jobs/inventory/sync-inventory';
import type { InventoryQuery, Page } from '../../../shared/jst/client';
import type { InventoryRow } from '../../../shared/jst/reply-schemas';
import { fakeWorld } from '../../support/inventory-fakes';

const sku = (i: number) => `SKU-${String(i).padStart(5, '0')}`;
const tick = () => new Promise((resolve) => setImmediate(resolve));

describe('a full pass leaves no ERP fetch behind', () => {
  it('a store failure while a wave is written fails the run only once the wave fetched ahead has settled', async () => {
    const w = fakeWorld(Array.from({ length: 500 }, (_, i) => sku(i + 1)));
    for (let i = 1; i <= 500; i++) w.erp.set(sku(i), 10);
    // Second wave (SKUs 401..500): its ERP call hangs until the test releases it.
    let release!: () => void;
    const held = new Promise<void>((resolve) => (release = resolve));
    let pending = 0;
    const inventoryPages = w.erp.inventoryPages.bind(w.erp);
    w.erp.inventoryPages = async function* (query: InventoryQuery): AsyncIterable<Page<InventoryRow>> {
      const late = (query.skuIds ?? []).includes(sku(401));
      if (late) pending++;
      try {
        if (late) await held;
        yield* inventoryPages(query);
      } finally {
        if (late) pending--;
      }
    };
    // Writing the first wave loses the store connection.
    w.stock.readStock = async () => {
      throw new Error('Connection lost: The server closed the connection.');
    };
    let settled = false;
    const run = syncInventory(w.ports, w.ctx({ mode: 'full' })).finally(() => (settled = true));
    run.catch(() => undefined);
    for (let i = 0; i < 20; i++) await tick();
    expect(pending).toBe(1);
    expect(settled).toBe(false);
    release();
    await expect(run).rejects.toThrow('Connection lost');
    expect(pending).toBe(0);
  });
});
