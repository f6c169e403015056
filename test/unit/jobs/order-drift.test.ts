import { orderDrift, type ExpectedErpOrder } from '../../../shared/jobs/reconcile/order-drift';
import type { QueriedOrder } from '../../../shared/jst/reply-schemas';

const expected: ExpectedErpOrder = { soId: '1100000001', shopId: 10001, payAmount: '25.50', shopStatus: 'WAIT_SELLER_SEND_GOODS' };
const row = (over: Partial<QueriedOrder> = {}): QueriedOrder => ({
  o_id: 1,
  so_id: '1100000001',
  shop_id: 10001,
  status: 'WaitConfirm',
  pay_amount: '25.5',
  items: [],
  ...over,
});

describe('orderDrift', () => {
  it('accepts an order in our shop whose status the shop_status can lead to and whose amount matches', () => {
    for (const status of ['WaitConfirm', 'Question', 'Delivering', 'Sent'] as const) expect(orderDrift(expected, [row({ status })])).toBeUndefined();
    expect(orderDrift({ ...expected, shopStatus: 'TRADE_CLOSED' }, [row({ status: 'Cancelled' })])).toBeUndefined();
  });

  it('finds a missing order, and one present only under another shop', () => {
    expect(orderDrift(expected, [])).toEqual({ kind: 'missing', problems: ['not in the ERP'] });
    expect(orderDrift(expected, [row({ so_id: 'OTHER' })])).toMatchObject({ kind: 'missing' });
    expect(orderDrift(expected, [row({ shop_id: 2 })])).toEqual({ kind: 'different', problems: ['only under shop 2, expected 10001'] });
  });

  it('finds a different amount or a status the shop_status cannot lead to', () => {
    expect(orderDrift(expected, [row({ pay_amount: '25.49' })])).toEqual({ kind: 'different', problems: ['pay_amount 25.49, expected 25.50'] });
    expect(orderDrift(expected, [row({ status: 'Cancelled' })])?.problems[0]).toMatch(/^status Cancelled, expected WaitConfirm\|/);
    expect(orderDrift(expected, [row({ status: 'WaitPay' })])?.kind).toBe('different');
    expect(orderDrift({ ...expected, shopStatus: 'TRADE_CLOSED' }, [row({ status: 'WaitConfirm' })])?.problems).toEqual([
      'status WaitConfirm, expected Cancelled for TRADE_CLOSED',
    ]);
  });

  it('counts an order merged into another (raw_so_id on a line) as present, without comparing the merged amount', () => {
    const merged = row({
      o_id: 9,
      so_id: 'MERGED-1',
      pay_amount: '99.00',
      status: 'WaitConfirm',
      items: [{ raw_so_id: '1100000001' }, { raw_so_id: '1100000002' }],
    });
    expect(orderDrift(expected, [row({ status: 'Merged', pay_amount: '0.00' }), merged])).toBeUndefined();
    expect(orderDrift(expected, [merged])).toBeUndefined();
  });
});
