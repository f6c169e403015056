import { createJstClient, type JstClient } from '../../../shared/jst/client';
import type { ErpUploadOrder } from '../../../shared/domain/erp-order';
import { memoryTokenStore } from '../../../shared/jst/token-keeper';
import { DEMO_SHOP_ID } from '../../../dev/jst-sandbox/server';
import { MAIN_WAREHOUSE_ID } from '../../../dev/jst-sandbox/sandbox-state';
import { sandboxCredentials, useJstSandbox } from '../../support/jst-sandbox';
import { collectRows } from '../../support/jst-results';

function orderPayload(soId: string, overrides: Partial<ErpUploadOrder> = {}): ErpUploadOrder {
  return {
    shop_id: DEMO_SHOP_ID,
    so_id: soId,
    order_date: '2026-11-28 10:00:00',
    shop_modified: '2026-11-28 10:00:00',
    shop_status: 'WAIT_SELLER_SEND_GOODS',
    shop_buyer_id: 'b@example.com',
    receiver_name: 'N',
    receiver_address: 'Somewhere 1',
    pay_amount: '10.00',
    freight: '0.00',
    items: [{ sku_id: 'SKU-1', shop_sku_id: 'SKU-1', name: 'x', qty: 1, base_price: '10.00', price: '10.0000', amount: '10.00', outer_oi_id: '1' }],
    pay: { outer_pay_id: 'p', pay_date: '2026-11-28 10:00:00', payment: 'alipay', seller_account: 's', buyer_account: 'b', amount: '10.00' },
    ...overrides,
  };
}

describe.each(['open', 'legacy'] as const)('JST client (%s API) against the sandbox', (generation) => {
  const sandbox = useJstSandbox();
  let client: JstClient;
  beforeAll(() => {
    client = createJstClient({ ...sandboxCredentials(sandbox(), generation), rateLimit: { perSecond: 50, perMinute: 3000 }, retryBaseMs: 1 });
    for (let i = 0; i < 250; i++) sandbox().state.setStock(`${generation}-SKU-${String(i).padStart(3, '0')}`, { qty: i, order_lock: 1 });
  });

  it('lists the warehouses (分仓查询) across pages, the main one flagged, and reads one warehouse by its id', async () => {
    for (let id = 1; id <= 40; id++) sandbox().state.warehouses.set(20_000 + id, { name: `3PL ${id}`, isMain: false });
    sandbox().state.setStock(`WMS-${generation}-1`, { qty: 4 }, MAIN_WAREHOUSE_ID);
    sandbox().state.setStock(`WMS-${generation}-1`, { qty: 6 }, 20_001);
    const warehouses = await client.warehouses();
    expect(warehouses).toHaveLength(41); // more than one page of 30
    expect(warehouses.filter((w) => w.is_main).map((w) => [w.wms_co_id, w.name])).toEqual([[MAIN_WAREHOUSE_ID, '主仓']]);
    const qty = async (wmsCoId?: number) => (await collectRows(client.inventoryPages({ skuIds: [`WMS-${generation}-1`], wmsCoId })))[0]?.qty;
    expect([await qty(MAIN_WAREHOUSE_ID), await qty(20_001), await qty()]).toEqual([4, 6, 10]);
  });

  it('queries inventory by SKU list and pages through a modified range', async () => {
    const rows = await collectRows(client.inventoryPages({ skuIds: [`${generation}-SKU-007`, `${generation}-SKU-100`, 'nope'] }));
    expect(rows.map((r) => [r.sku_id, r.qty, r.order_lock])).toEqual([
      [`${generation}-SKU-007`, 7, 1],
      [`${generation}-SKU-100`, 100, 1],
    ]);
    const now = Date.now();
    const pages: number[] = [];
    let total = 0;
    for await (const page of client.inventoryPages({ modified: { fromMs: now - 60_000, toMs: now + 1000 }, pageSize: 100 })) {
      pages.push(page.pageIndex);
      total += page.rows.filter((r) => r.sku_id.startsWith(generation)).length;
    }
    expect(total).toBe(250);
    expect(pages.length).toBeGreaterThanOrEqual(3);
  });

  it('uploads orders with per-order results and upserts on re-upload', async () => {
    const results = await client.uploadOrders([orderPayload(`${generation}-A`), orderPayload(`${generation}-B`, { shop_id: 999 })]);
    expect(results[0]).toMatchObject({ soId: `${generation}-A`, ok: true });
    expect(results[1]).toMatchObject({ soId: `${generation}-B`, ok: false });
    expect(results[1]!.message).toMatch(/999/);
    const again = await client.uploadOrders([orderPayload(`${generation}-A`, { shop_status: 'TRADE_CLOSED' })]);
    expect(again[0]!.oId).toBe(results[0]!.oId);
    expect(sandbox().state.order(DEMO_SHOP_ID, `${generation}-A`)).toMatchObject({ uploads: 2, status: 'Cancelled' });
  });

  it('reads shipments through the logistics query and single orders through the order query', async () => {
    await client.uploadOrders([orderPayload(`${generation}-S`)]);
    sandbox().state.ship(DEMO_SHOP_ID, `${generation}-S`, [
      { lc_id: 'SF', l_id: 'SF1001', logistics_company: '顺丰速运' },
      { lc_id: 'SF', l_id: 'SF1002', logistics_company: '顺丰速运' },
    ]);
    const bySo = await collectRows(client.logisticsPages({ soIds: [`${generation}-S`] }));
    expect(bySo.map((s) => s.l_id)).toEqual(['SF1001', 'SF1002']);
    const now = Date.now();
    const byTime = await collectRows(client.logisticsPages({ modified: { fromMs: now - 60_000, toMs: now + 1000 }, shopId: DEMO_SHOP_ID }));
    expect(byTime.filter((s) => s.so_id === `${generation}-S`)).toHaveLength(2);
    const orders = await collectRows(client.queryOrders({ soIds: [`${generation}-S`] }));
    expect(orders[0]).toMatchObject({ so_id: `${generation}-S`, status: 'Sent' });
  });

  it('refuses requests beyond the documented limits before sending', async () => {
    const calls = sandbox().stats.calls;
    expect(() => client.inventoryPages({ skuIds: Array.from({ length: 101 }, (_, i) => `S${i}`) })).toThrow(/at most 100/);
    expect(() => client.inventoryPages({ skuIds: ['A'], pageSize: 101 })).toThrow(/page_size/);
    expect(() => client.logisticsPages({ soIds: Array.from({ length: 21 }, (_, i) => `S${i}`) })).toThrow(/at most 20/);
    expect(() => client.logisticsPages({ modified: { fromMs: 0, toMs: 8 * 86_400_000 } })).toThrow(/7 days/);
    expect(() => client.inventoryPages({})).toThrow(/sku_ids or a modified range/);
    expect(() => client.queryOrders({ oIds: Array.from({ length: 51 }, (_, i) => i + 1) })).toThrow(/at most 50/);
    expect(sandbox().stats.calls).toBe(calls);
  });
});

describe('JST client: failures and retries', () => {
  const sandbox = useJstSandbox();
  const fastClient = (extra: Partial<Parameters<typeof createJstClient>[0]> = {}) =>
    createJstClient({
      ...sandboxCredentials(sandbox(), 'open'),
      rateLimit: { perSecond: 200, perMinute: 10_000 },
      retryBaseMs: 1,
      retryCapMs: 5,
      ...extra,
    } as Parameters<typeof createJstClient>[0]);
  afterEach(() => sandbox().setFaults({}));
  beforeAll(() => sandbox().state.setStock('R-1', { qty: 3 }));

  it.each([
    ['HTTP 5xx', { http5xx: 0.5 }],
    ['HTML pages', { html: 0.5 }],
    ['internal-error codes', { internalError: 0.5 }],
  ])('retries %s until the call succeeds', async (_name, faults) => {
    sandbox().setFaults(faults, 7);
    const client = fastClient({ maxRetries: 10 });
    for (let i = 0; i < 10; i++) {
      const rows = await collectRows(client.inventoryPages({ skuIds: ['R-1'] }));
      expect(rows[0]?.qty).toBe(3);
    }
    expect(client.stats.retries).toBeGreaterThan(0);
  });

  it('gives up after its retries with a retryable JstApiError naming the endpoint', async () => {
    sandbox().setFaults({ http5xx: 1 });
    await expect(collectRows(fastClient({ maxRetries: 2 }).inventoryPages({ skuIds: ['R-1'] }))).rejects.toMatchObject({
      code: 'JST_HTTP_5XX',
      endpoint: 'inventory.query',
      retryable: true,
    });
  });

  it('does not retry a bad signature, and says what to check', async () => {
    const client = createJstClient({
      credentials: { generation: 'open', ...sandbox().credentials.open, appSecret: 'wrong' },
      baseUrl: sandbox().url,
      retryBaseMs: 1,
    });
    const error = (await collectRows(client.inventoryPages({ skuIds: ['R-1'] })).then(
      () => undefined,
      (e: unknown) => e,
    )) as Error & { code: string; jstCode: number };
    expect(error).toMatchObject({ code: 'JST_AUTH', jstCode: 10, retryable: false });
    expect(error.message).toMatch(/appSecret/);
    expect(error.message).not.toContain('wrong');
    expect(client.stats.calls).toBe(1);
  });

  it('retries rate-limit codes with backoff', async () => {
    sandbox().setRateLimit({ perSecond: 2, perMinute: 1000 });
    try {
      const client = createJstClient({
        ...sandboxCredentials(sandbox(), 'open'),
        rateLimit: { perSecond: 100, perMinute: 10_000 },
        retryBaseMs: 300,
        maxRetries: 10,
      });
      await Promise.all([1, 2, 3, 4, 5].map(() => collectRows(client.inventoryPages({ skuIds: ['R-1'] }))));
      expect(client.stats.rateLimited).toBeGreaterThan(0);
    } finally {
      sandbox().setRateLimit({ perSecond: 1000, perMinute: 100_000 });
    }
  });

  it('refreshes an expired open-platform token once, retries, and hands the new tokens over', async () => {
    const store = memoryTokenStore({ generation: 'open', ...sandbox().credentials.open });
    const client = fastClient({ tokenStore: store });
    sandbox().expireAccessToken();
    const rows = await collectRows(client.inventoryPages({ skuIds: ['R-1'] }));
    expect(rows).toHaveLength(1);
    expect(store.current().credentials).toMatchObject({
      accessToken: sandbox().credentials.open.accessToken,
      refreshToken: sandbox().credentials.open.refreshToken,
    });
    expect(sandbox().stats.tokenRefreshes).toBe(1);
  });

  it('turns a malformed reply into a clear error, and a malformed row into an invalid entry', async () => {
    sandbox().state.setStock('BAD-1', { qty: 1.5 as unknown as number });
    const pages = [];
    for await (const page of fastClient().inventoryPages({ skuIds: ['BAD-1', 'R-1'] })) pages.push(page);
    expect(pages[0]!.rows.map((r) => r.sku_id)).toEqual(['R-1']);
    expect(pages[0]!.invalid).toEqual([{ index: 0, key: 'BAD-1', problem: expect.stringMatching(/qty/) }]);
  });
});
