import { MAIN_WAREHOUSE_ID } from '../../../dev/jst-sandbox/sandbox-state';
import { startRecordingProxy } from '../../support/recording-proxy';
import { skuOf, useInventoryHarness } from '../../support/inventory-harness';
import { WarehouseListCache } from '../../../shared/jobs/inventory/warehouse-stock';

/**
 * Which warehouses the stock comes from (#24): a shop with a main warehouse, a 3PL and a store room in
 * the ERP sandbox, synced into MariaDB through the real client, state table and store adapters.
 */
const THREE_PL = 7;
const STORE_ROOM = 8;
const old = () => Date.now() - 3 * 86400_000;

describe('stock warehouses (#24)', () => {
  const h = useInventoryHarness({ products: 2 });
  const seed = () => {
    const state = h().sandbox.state;
    state.warehouses.set(THREE_PL, { name: '3PL', isMain: false });
    state.warehouses.set(STORE_ROOM, { name: 'store room', isMain: false });
    state.setStock(skuOf(1), { qty: 5 }, MAIN_WAREHOUSE_ID, old());
    state.setStock(skuOf(1), { qty: 30 }, THREE_PL, old());
    state.setStock(skuOf(1), { qty: 2 }, STORE_ROOM, old());
  };
  const bizzes = (requests: Array<{ path: string; form: Record<string, string> }>) =>
    requests.filter((r) => r.path.includes('inventory')).map((r) => JSON.parse(r.form.biz!) as Record<string, unknown>);

  it('by default reads the main warehouse only, found through the warehouse query', async () => {
    seed();
    const proxy = await startRecordingProxy(h().sandbox.url);
    try {
      const { outcome } = await h().run({ trigger: 'manual', skus: [skuOf(1)] }, { erpUrl: proxy.url });
      expect(await h().storeQty(skuOf(1))).toBe(5);
      expect(outcome.details).toMatchObject({ stockWarehouses: [MAIN_WAREHOUSE_ID] });
      expect(proxy.requests.some((r) => r.path.includes('wms/partner/query'))).toBe(true);
      for (const biz of bizzes(proxy.requests)) expect(biz.wms_co_id).toBe(MAIN_WAREHOUSE_ID);
    } finally {
      await proxy.close();
    }
  });

  it('a list of warehouses is summed per SKU; the ones not listed stay out', async () => {
    seed();
    await h().run({ trigger: 'manual', skus: [skuOf(1)] }, { env: { STOCK_WAREHOUSES: `${MAIN_WAREHOUSE_ID},${STORE_ROOM}` } });
    expect(await h().storeQty(skuOf(1))).toBe(7);
  });

  it('all: one query without wms_co_id, the ERP sums every warehouse', async () => {
    seed();
    const proxy = await startRecordingProxy(h().sandbox.url);
    try {
      await h().run({ trigger: 'manual', skus: [skuOf(1)] }, { erpUrl: proxy.url, env: { STOCK_WAREHOUSES: 'all' } });
      expect(await h().storeQty(skuOf(1))).toBe(37);
      expect(proxy.requests.some((r) => r.path.includes('wms/partner/query'))).toBe(false);
      for (const biz of bizzes(proxy.requests)) expect(biz).not.toHaveProperty('wms_co_id');
    } finally {
      await proxy.close();
    }
  });

  it('a warehouse the ERP does not know fails the run naming it, and no stock is written', async () => {
    seed();
    await h().run({ trigger: 'manual', skus: [skuOf(1)] }, { env: { STOCK_WAREHOUSES: 'main' } });
    const error = await h()
      .run({ trigger: 'manual', skus: [skuOf(1)] }, { env: { STOCK_WAREHOUSES: `${MAIN_WAREHOUSE_ID},424242` } })
      .catch((e: unknown) => e);
    expect(error).toMatchObject({ code: 'STOCK_WAREHOUSE_UNKNOWN', message: expect.stringMatching(/424242 the ERP does not know/) as unknown });
    expect(await h().storeQty(skuOf(1))).toBe(5);
  });

  it('with several warehouses the incremental window re-reads a changed SKU in each: a 3PL change moves nothing, a store-room change is summed', async () => {
    seed();
    const env = { STOCK_WAREHOUSES: `${MAIN_WAREHOUSE_ID},${STORE_ROOM}` };
    await h().run({}, { env }); // first run: the full pass
    expect(await h().storeQty(skuOf(1))).toBe(7);
    h().sandbox.state.setStock(skuOf(1), { qty: 99 }, THREE_PL);
    await h().run({}, { env });
    expect(await h().storeQty(skuOf(1))).toBe(7);
    h().sandbox.state.setStock(skuOf(1), { qty: 10 }, STORE_ROOM);
    await h().run({}, { env });
    expect(await h().storeQty(skuOf(1))).toBe(15);
  });

  // These two run incremental windows and move the cursor: last in the file.
  it('a warm container asks for the warehouse list once an hour (issue #23): an idle run costs one ERP call', async () => {
    seed();
    let now = Date.now();
    const cache = new WarehouseListCache(() => now);
    const proxy = await startRecordingProxy(h().sandbox.url);
    const listQueries = () => proxy.requests.filter((r) => r.path.includes('wms/partner/query')).length;
    try {
      await h().run({}, { erpUrl: proxy.url, warehouseList: cache }); // first run: the list, then the stock
      expect(listQueries()).toBe(1);
      const before = proxy.requests.length;
      const idle = await h().run({}, { erpUrl: proxy.url, warehouseList: cache });
      expect(idle.outcome.details).toMatchObject({ stockWarehouses: [MAIN_WAREHOUSE_ID] });
      expect(proxy.requests.length - before).toBe(1); // the inventory window only
      expect(listQueries()).toBe(1);
      now += cache.ttlMs; // an hour later the list is asked again
      await h().run({}, { erpUrl: proxy.url, warehouseList: cache });
      expect(listQueries()).toBe(2);
    } finally {
      await proxy.close();
    }
  });

  it('a configured warehouse missing from the cached list is asked for once more before the run fails', async () => {
    seed();
    const cache = new WarehouseListCache();
    const proxy = await startRecordingProxy(h().sandbox.url);
    const listQueries = () => proxy.requests.filter((r) => r.path.includes('wms/partner/query')).length;
    try {
      await h().run({ trigger: 'manual', skus: [skuOf(1)] }, { erpUrl: proxy.url, warehouseList: cache, env: { STOCK_WAREHOUSES: `${MAIN_WAREHOUSE_ID}` } });
      expect(listQueries()).toBe(1);
      // A warehouse added in the ERP after the list was kept: found by the one re-query.
      h().sandbox.state.warehouses.set(9, { name: 'new shop floor', isMain: false });
      h().sandbox.state.setStock(skuOf(1), { qty: 4 }, 9, old());
      await h().run({ trigger: 'manual', skus: [skuOf(1)] }, { erpUrl: proxy.url, warehouseList: cache, env: { STOCK_WAREHOUSES: `${MAIN_WAREHOUSE_ID},9` } });
      expect(listQueries()).toBe(2);
      expect(await h().storeQty(skuOf(1))).toBe(9);
      // One the ERP really does not know: asked once more, then the usual error; nothing written.
      const error = await h()
        .run({ trigger: 'manual', skus: [skuOf(1)] }, { erpUrl: proxy.url, warehouseList: cache, env: { STOCK_WAREHOUSES: `${MAIN_WAREHOUSE_ID},424242` } })
        .catch((e: unknown) => e);
      expect(error).toMatchObject({ code: 'STOCK_WAREHOUSE_UNKNOWN' });
      expect(listQueries()).toBe(3);
      expect(await h().storeQty(skuOf(1))).toBe(9);
    } finally {
      h().sandbox.state.warehouses.delete(9);
      await proxy.close();
    }
  });
});
