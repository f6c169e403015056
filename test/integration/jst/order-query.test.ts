import { createJstClient, type JstClient, type Page } from '../../../shared/jst/client';
import type { ErpUploadOrder } from '../../../shared/jobs/orders/map-order';
import type { QueriedOrder } from '../../../shared/jst/reply-schemas';
import { DEMO_SHOP_ID } from '../../../dev/jst-sandbox/server';
import type { SandboxOrderStatus } from '../../../dev/jst-sandbox/sandbox-state';
import { sandboxCredentials, useJstSandbox } from '../../support/jst-sandbox';

function orderPayload(soId: string, amount = '10.00'): ErpUploadOrder {
  return {
    shop_id: DEMO_SHOP_ID,
    so_id: soId,
    order_date: '2026-11-28 10:00:00',
    shop_modified: '2026-11-28 10:00:00',
    shop_status: 'WAIT_SELLER_SEND_GOODS',
    shop_buyer_id: 'b@example.com',
    receiver_name: 'N',
    receiver_address: 'Somewhere 1',
    pay_amount: amount,
    freight: '0.00',
    items: [{ sku_id: 'SKU-1', shop_sku_id: 'SKU-1', name: 'x', qty: 2, base_price: '5.00', price: '5.0000', amount, outer_oi_id: '71' }],
    pay: { outer_pay_id: 'p', pay_date: '2026-11-28 10:00:00', payment: 'alipay', seller_account: 's', buyer_account: 'b', amount },
  };
}

async function pages(iterable: AsyncIterable<Page<QueriedOrder>>): Promise<Page<QueriedOrder>[]> {
  const all: Page<QueriedOrder>[] = [];
  for await (const page of iterable) all.push(page);
  return all;
}

const admin = async (url: string, path: string, body: unknown) => fetch(`${url}/__admin/${path}`, { method: 'POST', body: JSON.stringify(body) });

describe.each(['open', 'legacy'] as const)('order query (%s API): what the reconcile reads', (generation) => {
  const sandbox = useJstSandbox();
  let client: JstClient;
  const so = (n: string) => `${generation}-Q${n}`;
  beforeAll(async () => {
    client = createJstClient({
      ...sandboxCredentials(sandbox(), generation),
      rateLimit: { perSecond: 50, perMinute: 3000 },
      retryBaseMs: 1,
      shopId: DEMO_SHOP_ID,
    });
    const results = await client.uploadOrders([orderPayload(so('1')), orderPayload(so('2'), '25.50'), orderPayload(so('3'))]);
    expect(results.every((r) => r.ok)).toBe(true);
  });

  it('returns typed orders: ERP status, shop_id, pay_amount and the lines with raw_so_id', async () => {
    const [page] = await pages(client.queryOrders({ soIds: [so('1'), so('2'), 'NOT-THERE'] }));
    expect(page!.invalid).toEqual([]);
    expect(page!.rows.map((o) => [o.so_id, o.shop_id, o.status, o.pay_amount])).toEqual([
      [so('1'), DEMO_SHOP_ID, 'WaitConfirm', '10.00'],
      [so('2'), DEMO_SHOP_ID, 'WaitConfirm', '25.50'],
    ]);
    expect(page!.rows[0]!.items).toEqual([expect.objectContaining({ sku_id: 'SKU-1', qty: 2, outer_oi_id: '71', raw_so_id: so('1') })]);
  });

  it('admin hooks let tests delete an order from the ERP and change its amount', async () => {
    expect((await admin(sandbox().url, 'orders/delete', { shop_id: DEMO_SHOP_ID, so_id: so('3') })).status).toBe(200);
    expect((await admin(sandbox().url, 'orders/delete', { shop_id: DEMO_SHOP_ID, so_id: so('3') })).status).toBe(404);
    expect((await admin(sandbox().url, 'orders/amount', { shop_id: DEMO_SHOP_ID, so_id: so('2'), pay_amount: '1.00' })).status).toBe(200);
    expect((await admin(sandbox().url, 'orders/amount', { shop_id: DEMO_SHOP_ID, so_id: so('2'), pay_amount: 'lots' })).status).toBe(400);
    const [page] = await pages(client.queryOrders({ soIds: [so('2'), so('3')] }));
    expect(page!.rows.map((o) => [o.so_id, o.pay_amount])).toEqual([[so('2'), '1.00']]);
    // A re-upload brings the deleted order back and the amount in line again.
    await client.uploadOrders([orderPayload(so('3')), orderPayload(so('2'), '25.50')]);
    const [again] = await pages(client.queryOrders({ soIds: [so('2'), so('3')] }));
    expect(again!.rows.map((o) => [o.so_id, o.pay_amount])).toEqual([
      [so('2'), '25.50'],
      [so('3'), '10.00'],
    ]);
  });

  it('reports a row outside the documented status vocabulary as invalid, naming the field', async () => {
    sandbox().state.order(DEMO_SHOP_ID, so('1'))!.status = 'Archived' as SandboxOrderStatus;
    const [page] = await pages(client.queryOrders({ soIds: [so('1')] }));
    sandbox().state.order(DEMO_SHOP_ID, so('1'))!.status = 'WaitConfirm';
    expect(page!.rows).toEqual([]);
    expect(page!.invalid).toEqual([{ index: 0, key: so('1'), problem: expect.stringMatching(/^status: expected one of WaitPay, .*Cancelled/) }]);
  });

  it('the ERP cancels an order (admin hook): the query by so_id reports Cancelled, and a modified range asked for status Cancelled lists only it', async () => {
    const from = Date.now() - 60_000;
    expect((await admin(sandbox().url, 'cancel', { shop_id: DEMO_SHOP_ID, so_id: so('2') })).status).toBe(200);
    expect((await admin(sandbox().url, 'cancel', { shop_id: DEMO_SHOP_ID, so_id: 'NOT-THERE' })).status).toBe(404);
    const [bySoId] = await pages(client.queryOrders({ soIds: [so('1'), so('2')] }));
    expect(bySoId!.rows.map((o) => [o.so_id, o.status])).toEqual([
      [so('1'), 'WaitConfirm'],
      [so('2'), 'Cancelled'],
    ]);
    const range = { fromMs: from, toMs: Date.now() + 1_000 };
    const cancelled = await client.orderPage({ modified: range, status: 'Cancelled' }, 1);
    expect(cancelled.rows.map((o) => o.so_id)).toEqual([so('2')]);
    const all = await client.orderPage({ modified: range }, 1);
    expect(all.rows.map((o) => o.so_id)).toEqual(expect.arrayContaining([so('1'), so('2'), so('3')]));
  });
});
