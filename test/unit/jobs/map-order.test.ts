import type { ErpOrderSource } from '../../../shared/domain/erp-order-source';
import { mapOrderToErp, type OrderMappingOptions } from '../../../shared/jobs/orders/map-order';
import { toCents } from '../../../shared/jobs/money';

const options: OrderMappingOptions = { shopId: 10001, currency: 'order', formatTime: (s) => `T${s}` };

function order(overrides: Partial<ErpOrderSource> = {}): ErpOrderSource {
  return {
    orderId: 7,
    incrementId: '1100000007',
    createdAt: 1_700_000_000,
    updatedAt: 1_700_000_500,
    orderCurrencyCode: 'CNY',
    grandTotal: '95.00',
    baseGrandTotal: '13.77',
    shippingTotal: '10.00',
    baseShippingTotal: '1.45',
    discount: '15.00',
    baseDiscount: '2.17',
    customerId: 3,
    customerEmail: 'buyer@example.com',
    customerFirstname: '张',
    customerLastname: '三',
    customerTelephone: '13800000000',
    country: 'CN',
    state: 'GD',
    city: '深圳市',
    district: null,
    zip: '518000',
    street1: '南山区 科技园 1 号',
    street2: null,
    orderRemark: 'please &amp; thanks &lt;3',
    paymentMethod: 'alipay_standard',
    txnId: 'TXN-1',
    store: 'shop.example.com',
    items: [
      { itemId: 71, sku: 'SKU-A', name: 'Dress', qty: 2, price: '30.00', rowTotal: '60.00', basePrice: '4.35', baseRowTotal: '8.70' },
      { itemId: 72, sku: 'SKU-B', name: 'Hat', qty: 1, price: '40.00', rowTotal: '40.00', basePrice: '5.80', baseRowTotal: '5.80' },
    ],
    ...overrides,
  };
}

const sumCents = (values: string[]) => values.reduce((a, v) => a + toCents(v), 0);

describe('mapOrderToErp', () => {
  it('maps a paid CN order with its keys, names and a pay block', () => {
    const { payload, warnings } = mapOrderToErp(order(), 'ready', options);
    expect(payload).toMatchObject({
      shop_id: 10001,
      so_id: '1100000007',
      order_date: 'T1700000000',
      shop_modified: 'T1700000500',
      shop_status: 'WAIT_SELLER_SEND_GOODS',
      shop_buyer_id: 'buyer@example.com',
      receiver_name: '张 三',
      receiver_state: '广东省',
      receiver_city: '深圳市',
      receiver_address: '南山区 科技园 1 号',
      receiver_zip: '518000',
      receiver_phone: '13800000000',
      pay_amount: '95.00',
      freight: '10.00',
      buyer_message: 'please & thanks <3',
      currency: 'CNY',
      pay: { outer_pay_id: 'TXN-1', payment: 'alipay_standard', amount: '95.00', pay_date: 'T1700000500' },
    });
    expect(payload.items.map((i) => i.outer_oi_id)).toEqual(['71', '72']);
    expect(payload).not.toHaveProperty('receiver_district');
    expect(payload).not.toHaveProperty('receiver_country');
    expect(warnings).toEqual([]);
  });

  it('spreads the coupon over the items so items + freight = pay_amount to the cent', () => {
    const { payload } = mapOrderToErp(order(), 'ready', options);
    expect(payload.items.map((i) => i.amount)).toEqual(['51.00', '34.00']);
    expect(payload.items.map((i) => i.base_price)).toEqual(['30.00', '40.00']);
    expect(payload.items.map((i) => i.price)).toEqual(['25.5000', '34.0000']);
    expect(sumCents(payload.items.map((i) => i.amount)) + toCents(payload.freight)).toBe(toCents(payload.pay_amount));
  });

  it('reconciles awkward splits without float drift', () => {
    const items = [1, 2, 3].map((n) => ({
      itemId: n,
      sku: `S${n}`,
      name: 'x',
      qty: 3,
      price: '0.10',
      rowTotal: '0.30',
      basePrice: '0.10',
      baseRowTotal: '0.30',
    }));
    const { payload } = mapOrderToErp(order({ items, grandTotal: '0.80', shippingTotal: '0.00', discount: '0.10' }), 'ready', options);
    expect(sumCents(payload.items.map((i) => i.amount))).toBe(80);
  });

  it('uses base-currency amounts when configured, and then sends no currency', () => {
    const { payload } = mapOrderToErp(order(), 'ready', { ...options, currency: 'base' });
    expect(payload.pay_amount).toBe('13.77');
    expect(payload.freight).toBe('1.45');
    expect(sumCents(payload.items.map((i) => i.amount)) + 145).toBe(1377);
    expect(payload).not.toHaveProperty('currency');
  });

  it('puts a foreign address whole into receiver_address with the country, and omits the CN fields', () => {
    const { payload } = mapOrderToErp(
      order({ country: 'us', state: 'California', city: 'San Jose', zip: '95112', street1: '1 Main St', street2: 'Apt 2' }),
      'ready',
      options,
    );
    expect(payload.receiver_address).toBe('1 Main St Apt 2, San Jose, California, 95112, US');
    expect(payload.receiver_country).toBe('US');
    expect(payload).not.toHaveProperty('receiver_state');
    expect(payload).not.toHaveProperty('receiver_city');
  });

  describe('a street longer than the ERP address field (issue #26)', () => {
    const long = '科技园南区深南大道'.repeat(30);

    it('cuts the street of a foreign address, never the city, state, zip or country after it', () => {
      const { payload, warnings } = mapOrderToErp(
        order({ country: 'us', state: 'California', city: 'San Jose', zip: '95112', street1: long }),
        'ready',
        options,
      );
      expect(Array.from(payload.receiver_address).length).toBe(200);
      expect(payload.receiver_address.endsWith(', San Jose, California, 95112, US')).toBe(true);
      expect(warnings).toContainEqual(expect.objectContaining({ field: 'receiver_address' }));
    });

    it.each(['China', 'CHN', '中国'])('sends the parts of a Chinese address in their own fields when the country is written %s', (country) => {
      const { payload } = mapOrderToErp(order({ country, state: 'GD', city: '深圳市', district: '南山区', street1: long }), 'ready', options);
      expect(payload).toMatchObject({ receiver_state: '广东省', receiver_city: '深圳市', receiver_district: '南山区' });
      expect(Array.from(payload.receiver_address).length).toBe(200);
    });
  });

  it('sends a cancelled order as TRADE_CLOSED', () => {
    expect(mapOrderToErp(order(), 'cancelled', options).payload.shop_status).toBe('TRADE_CLOSED');
  });

  it('never sends empty optional fields', () => {
    const { payload } = mapOrderToErp(order({ customerTelephone: ' ', zip: null, orderRemark: '', orderCurrencyCode: null, txnId: null }), 'ready', options);
    for (const key of ['receiver_phone', 'receiver_mobile', 'receiver_zip', 'buyer_message', 'currency']) expect(payload).not.toHaveProperty(key);
    expect(payload.pay.outer_pay_id).toBe('1100000007-pay');
    const empties = Object.entries(payload).filter(([, v]) => v === '' || v === null || v === undefined);
    expect(empties).toEqual([]);
  });

  it('truncates over-long fields to the ERP limits and reports field and lengths, never the value', () => {
    const long = '街'.repeat(250);
    const { payload, warnings } = mapOrderToErp(order({ street1: long, orderRemark: 'm'.repeat(500) }), 'ready', options);
    expect(Array.from(payload.receiver_address)).toHaveLength(200);
    expect(payload.buyer_message).toHaveLength(400);
    expect(warnings).toEqual([
      { field: 'receiver_address', length: 250, limit: 200 },
      { field: 'buyer_message', length: 500, limit: 400 },
    ]);
    expect(JSON.stringify(warnings)).not.toContain('街');
  });

  it('moves freight down when the discount exceeds the goods, rather than sending negative items', () => {
    const { payload } = mapOrderToErp(order({ grandTotal: '5.00', shippingTotal: '10.00' }), 'ready', options);
    expect(payload.freight).toBe('5.00');
    expect(payload.items.every((i) => toCents(i.amount) >= 0)).toBe(true);
    expect(sumCents(payload.items.map((i) => i.amount)) + toCents(payload.freight)).toBe(500);
  });
});
