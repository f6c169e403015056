import { createJstClient, type JstClientOptions } from '../../../shared/jst/client';
import type { ErpUploadOrder } from '../../../shared/domain/erp-order';
import { JstRequestError } from '../../../shared/jst/jst-errors';
import { DEMO_SHOP_ID } from '../../../dev/jst-sandbox/server';
import { sandboxCredentials, useJstSandbox } from '../../support/jst-sandbox';
import { collectRows, failureOf } from '../../support/jst-results';

function order(soId: string, extra: Partial<ErpUploadOrder> = {}): ErpUploadOrder {
  return {
    shop_id: DEMO_SHOP_ID,
    so_id: soId,
    order_date: '2026-11-28 10:00:00',
    shop_modified: '2026-11-28 10:00:00',
    shop_status: 'WAIT_SELLER_SEND_GOODS',
    shop_buyer_id: 'buyer',
    receiver_name: 'N',
    receiver_address: 'Somewhere 1',
    pay_amount: '10.00',
    freight: '0.00',
    items: [{ sku_id: 'F-1', shop_sku_id: 'F-1', name: 'x', qty: 1, base_price: '10.00', price: '10.00', amount: '10.00', outer_oi_id: '1' }],
    pay: { outer_pay_id: `${soId}-pay`, pay_date: '2026-11-28 10:00:00', payment: 'alipay', seller_account: 's', buyer_account: 'b', amount: '10.00' },
    ...extra,
  };
}

describe('JST client under injected faults (open platform)', () => {
  const sandbox = useJstSandbox();
  const client = (extra: Partial<JstClientOptions> = {}) =>
    createJstClient({ ...sandboxCredentials(sandbox(), 'open'), rateLimit: { perSecond: 200, perMinute: 10_000 }, retryBaseMs: 1, retryCapMs: 5, ...extra });
  beforeAll(() => sandbox().state.setStock('F-1', { qty: 4 }));
  afterEach(() => sandbox().setFaults({}));

  it('retries dropped connections until the call succeeds', async () => {
    sandbox().setFaults({ disconnect: 0.5 }, 3);
    const c = client({ maxRetries: 10 });
    for (let i = 0; i < 8; i++) expect((await collectRows(c.inventoryPages({ skuIds: ['F-1'] })))[0]?.qty).toBe(4);
    expect(c.stats.retries).toBeGreaterThan(0);
  });

  it('retries replies slower than the timeout, and names the timeout when it gives up', async () => {
    sandbox().setFaults({ slow: 0.5, slowMs: 600 }, 5);
    const c = client({ timeoutMs: 200, maxRetries: 10 });
    for (let i = 0; i < 4; i++) expect((await collectRows(c.inventoryPages({ skuIds: ['F-1'] })))[0]?.qty).toBe(4);
    sandbox().setFaults({ slow: 1, slowMs: 600 });
    const error = await failureOf(collectRows(client({ timeoutMs: 200, maxRetries: 1 }).inventoryPages({ skuIds: ['F-1'] })));
    expect(error).toMatchObject({ code: 'JST_NETWORK', retryable: true, endpoint: 'inventory.query' });
    expect(error.message).toMatch(/no reply within 200 ms/);
  });

  it('backs off exponentially with full jitter between retries', async () => {
    sandbox().setFaults({ http5xx: 1 });
    const sleeps: number[] = [];
    const c = client({ maxRetries: 3, retryBaseMs: 100, retryCapMs: 10_000, random: () => 0.999, sleep: async (ms) => void sleeps.push(ms) });
    await failureOf(collectRows(c.inventoryPages({ skuIds: ['F-1'] })));
    // Limiter pauses are tiny at 200/s; the backoff pauses are floor(0.999 × 100 × 2^k).
    expect(sleeps.filter((ms) => ms >= 50)).toEqual([99, 199, 399]);
    expect(c.stats).toMatchObject({ calls: 4, retries: 3 });
  });

  it('does not retry per-order rejections: each order carries its own result', async () => {
    sandbox().setFaults({ rejectOrder: 1 });
    const c = client();
    const results = await c.uploadOrders([order('F-R1'), order('F-R2')]);
    expect(results.map((r) => [r.soId, r.ok])).toEqual([
      ['F-R1', false],
      ['F-R2', false],
    ]);
    expect(results[0]!.message).toMatch(/拒绝/);
    expect(c.stats).toMatchObject({ calls: 1, retries: 0 });
  });

  it.each([
    ['inventory query', (c: ReturnType<typeof client>) => collectRows(c.inventoryPages({ skuIds: ['F-1'] }))],
    ['logistics query', (c: ReturnType<typeof client>) => collectRows(c.logisticsPages({ soIds: ['F-R1'] }))],
    ['order query', (c: ReturnType<typeof client>) => collectRows(c.queryOrders({ soIds: ['F-R1'] }))],
  ])('retries a malformed %s reply through the transport, then fails with a retryable JstApiError naming the endpoint', async (_name, run) => {
    sandbox().setFaults({ malformed: 1 });
    const c = client({ maxRetries: 2 });
    const error = await failureOf(run(c));
    expect(error).toMatchObject({ code: 'JST_REPLY_INVALID', retryable: true });
    expect(error.message).toMatch(/reply does not have the documented shape|is not a list/);
    expect(c.stats.calls).toBe(3);
  });

  it('turns a malformed upload reply into a clear, final JstApiError', async () => {
    sandbox().setFaults({ malformed: 1 });
    const c = client();
    const error = await failureOf(c.uploadOrders([order('F-M1')]));
    expect(error).toMatchObject({ code: 'JST_REPLY_INVALID', retryable: false });
    expect(c.stats.calls).toBe(1);
  });

  it.each([
    ['inventory', 'inventory.query', 'inventorys', (c: ReturnType<typeof client>) => collectRows(c.inventoryPages({ skuIds: ['F-1'] }))],
    [
      'logistics',
      'logistic.query',
      'orders',
      (c: ReturnType<typeof client>) => collectRows(c.logisticsPages({ modified: { fromMs: Date.now() - 3600_000, toMs: Date.now() } })),
    ],
  ])('treats code 0 without the %s list as a malformed reply, never as "no rows"', async (_name, endpoint, list, run) => {
    sandbox().setFaults({ omitList: 1 });
    const c = client({ maxRetries: 2 });
    const error = await failureOf(run(c));
    expect(error).toMatchObject({ code: 'JST_REPLY_INVALID', retryable: true, endpoint });
    expect(error.message).toContain(`has no "${list}" list`);
    expect(c.stats.calls).toBe(3);
    sandbox().setFaults({ omitList: 0.5 }, 7);
    await expect(run(client({ maxRetries: 10 }))).resolves.toBeDefined();
  });

  it('keeps the row with the latest modified when a page holds two rows for one key', async () => {
    sandbox().setFaults({ duplicateRow: 1 });
    const page = await client().inventoryPage({ skuIds: ['F-1'] }, 1);
    expect(page.duplicates).toBe(1);
    expect(page.rows.map((r) => [r.sku_id, r.qty])).toEqual([['F-1', 4]]);
  });

  it('refuses a timestamp outside the 10-minute window without retrying, pointing at the clock', async () => {
    const c = client({ now: () => Date.now() - 11 * 60_000 });
    const error = await failureOf(collectRows(c.inventoryPages({ skuIds: ['F-1'] })));
    expect(error).toMatchObject({ jstCode: 180, retryable: false });
    expect(error.message).toMatch(/clock/);
    expect(c.stats.calls).toBe(1);
  });

  it('refuses a JST_BASE_URL with a path the generation does not use, before any call', () => {
    expect(() => client({ baseUrl: `${sandbox().url}/__admin/nowhere` })).toThrow(/JST_BASE_URL: path \/__admin\/nowhere is not accepted/);
  });

  it('does not send an order with an empty value, and sends the others', async () => {
    const results = await client().uploadOrders([order('F-E1', { receiver_address: '' }), order('F-E2')]);
    expect(results[0]).toMatchObject({ soId: 'F-E1', ok: false, message: expect.stringMatching(/receiver_address is empty/) });
    expect(results[1]).toMatchObject({ soId: 'F-E2', ok: true });
    expect(sandbox().state.order(DEMO_SHOP_ID, 'F-E1')).toBeUndefined();
  });

  it('refuses uploads beyond 50 orders and duplicate so_ids before sending', async () => {
    const c = client();
    await expect(c.uploadOrders(Array.from({ length: 51 }, (_, i) => order(`F-B${i}`)))).rejects.toThrow(JstRequestError);
    await expect(c.uploadOrders([order('F-D'), order('F-D')])).rejects.toThrow(/appears twice/);
    expect(() => c.queryOrders({ oIds: Array.from({ length: 51 }, (_, i) => i + 1) })).toThrow(/o_ids holds 51 values; at most 50/);
    expect(c.stats.calls).toBe(0);
  });
});

describe('JST client: legacy authentication errors', () => {
  const sandbox = useJstSandbox();
  beforeAll(() => sandbox().state.setStock('L-1', { qty: 1 }));

  it('reports a bad legacy signature (120) as final, pointing at partnerKey', async () => {
    const c = createJstClient({
      credentials: { generation: 'legacy', ...sandbox().credentials.legacy, partnerKey: 'wrong', tokenRefreshedAt: new Date().toISOString() },
      baseUrl: sandbox().legacyUrl,
      rateLimit: { perSecond: 200, perMinute: 10_000 },
    });
    const error = await failureOf(collectRows(c.inventoryPages({ skuIds: ['L-1'] })));
    expect(error).toMatchObject({ code: 'JST_AUTH', jstCode: 120, retryable: false });
    expect(error.message).toMatch(/partnerKey/);
    expect(error.message).not.toContain('wrong');
  });
});
