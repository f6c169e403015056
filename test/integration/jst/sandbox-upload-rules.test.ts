import { createJstClient, type JstClient } from '../../../shared/jst/client';
import { IsolatingUploader } from '../../../shared/jobs/orders/isolating-upload';
import type { ErpUploadOrder } from '../../../shared/jobs/orders/map-order';
import { DEMO_SHOP_ID } from '../../../dev/jst-sandbox/server';
import { sandboxCredentials, useJstSandbox } from '../../support/jst-sandbox';

const order = (soId: string): ErpUploadOrder => ({
  shop_id: DEMO_SHOP_ID,
  so_id: soId,
  order_date: '2026-11-28 10:00:00',
  shop_modified: '2026-11-28 10:00:00',
  shop_status: 'WAIT_SELLER_SEND_GOODS',
  shop_buyer_id: 'b',
  receiver_name: 'N',
  receiver_address: 'Somewhere 1',
  pay_amount: '10.00',
  freight: '0.00',
  items: [{ sku_id: 'SKU-1', shop_sku_id: 'SKU-1', name: 'x', qty: 1, base_price: '10.00', price: '10.0000', amount: '10.00', outer_oi_id: '1' }],
  pay: { outer_pay_id: 'p', pay_date: '2026-11-28 10:00:00', payment: 'alipay', seller_account: 's', buyer_account: 'b', amount: '10.00' },
});

describe.each(['open', 'legacy'] as const)('sandbox upload rules by so_id and the isolating uploader over HTTP (%s API)', (generation) => {
  const sandbox = useJstSandbox();
  let client: JstClient;
  beforeAll(() => {
    client = createJstClient({ ...sandboxCredentials(sandbox(), generation), rateLimit: { perSecond: 100, perMinute: 6000 }, retryBaseMs: 1 });
  });
  afterEach(() => sandbox().setFaults({}));

  it('refuses any upload call containing a poisoned so_id with code 140, and rejects listed orders one by one', async () => {
    sandbox().setFaults({ rejectCallsWithSoIds: [`${generation}-P`], rejectSoIds: [`${generation}-R`] });
    await expect(client.uploadOrders([order(`${generation}-A`), order(`${generation}-P`)])).rejects.toMatchObject({ code: 'JST_REJECTED', jstCode: 140 });
    const results = await client.uploadOrders([order(`${generation}-A`), order(`${generation}-R`)]);
    expect(results.map((r) => [r.soId, r.ok])).toEqual([
      [`${generation}-A`, true],
      [`${generation}-R`, false],
    ]);
  });

  it('isolates the poisoned order of a batch of 50; the other 49 reach the ERP', async () => {
    const batch = Array.from({ length: 50 }, (_, i) => order(`${generation}-B${i}`));
    sandbox().setFaults({ rejectCallsWithSoIds: [`${generation}-B17`] });
    const uploader = new IsolatingUploader(client);
    const results = await uploader.upload(batch);
    expect(results.filter((r) => !r.ok).map((r) => [r.soId, r.callLevel])).toEqual([[`${generation}-B17`, true]]);
    expect(results.filter((r) => r.ok)).toHaveLength(49);
    expect(sandbox().state.order(DEMO_SHOP_ID, `${generation}-B17`)).toBeUndefined();
    expect(uploader.calls).toBeLessThanOrEqual(1 + 2 * Math.ceil(Math.log2(50)));
  });
});
