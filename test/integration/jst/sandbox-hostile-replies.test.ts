import type { ErpUploadOrder } from '../../../shared/domain/erp-order';
import { createJstClient } from '../../../shared/jst/client';
import { JstApiError } from '../../../shared/jst/jst-errors';
import { DEMO_SHOP_ID } from '../../../dev/jst-sandbox/server';
import { sandboxCredentials, useJstSandbox } from '../../support/jst-sandbox';

function order(soId: string): ErpUploadOrder {
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
    items: [{ sku_id: 'H-1', shop_sku_id: 'H-1', name: 'x', qty: 1, base_price: '10.00', price: '10.00', amount: '10.00', outer_oi_id: '1' }],
    pay: { outer_pay_id: `${soId}-pay`, pay_date: '2026-11-28 10:00:00', payment: 'alipay', seller_account: 's', buyer_account: 'b', amount: '10.00' },
  };
}

describe('sandbox hostile replies (the soak’s live ERP)', () => {
  const sandbox = useJstSandbox();
  const client = () =>
    createJstClient({
      ...sandboxCredentials(sandbox(), 'open'),
      rateLimit: { perSecond: 200, perMinute: 10_000 },
      retryBaseMs: 1,
      retryCapMs: 5,
      maxRetries: 0,
    });
  afterEach(() => sandbox().hostile.set({}));

  it('a lost reply: the upload took effect, the client sees a network error', async () => {
    sandbox().hostile.set({ lostReply: 1 });
    const error = await client()
      .uploadOrders([order('HOSTILE-1')])
      .then(
        () => undefined,
        (e: unknown) => e,
      );
    expect(error).toBeInstanceOf(JstApiError);
    expect((error as JstApiError).code).toBe('JST_NETWORK');
    expect(sandbox().state.order(DEMO_SHOP_ID, 'HOSTILE-1')).toBeDefined();
    expect(sandbox().hostile.injected.lostReply).toBe(1);
  });

  it('other tools spent the budget: the call is answered 199 or 200 and does not act', async () => {
    sandbox().hostile.set({ foreignRateLimit: 1 });
    const error = await client()
      .uploadOrders([order('HOSTILE-2')])
      .then(
        () => undefined,
        (e: unknown) => e,
      );
    expect([199, 200]).toContain((error as JstApiError).jstCode);
    expect(sandbox().state.order(DEMO_SHOP_ID, 'HOSTILE-2')).toBeUndefined();
  });
});
