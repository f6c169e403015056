import { storeOrdersOf, toShipments } from '../../../shared/jobs/shipping/logistics-rows';
import type { LogisticsOrder } from '../../../shared/jst/reply-schemas';

const row = (extra: Partial<LogisticsOrder>): LogisticsOrder => ({
  o_id: 1,
  so_id: 'A',
  shop_id: 10001,
  send_date: '2026-11-20 10:00:00',
  lc_id: 'SF',
  l_id: 'SF1',
  logistics_company: '顺丰',
  ...extra,
});
const options = { shopId: 10001, carrierMap: { SF: 'SF-EXPRESS' }, nowMs: Date.UTC(2026, 10, 21) };

describe('logistics rows to shipments', () => {
  it('ships every store order a merged ERP order names in its items, once each', () => {
    const merged = row({ items: [{ raw_so_id: 'A' }, { raw_so_id: 'B' }, { raw_so_id: 'B' }, { raw_so_id: ' C ' }, { raw_so_id: '' }] });
    expect(storeOrdersOf(merged)).toEqual(['A', 'B', 'C']);
    const { shipments, erpSoIdOf } = toShipments([merged], options);
    expect(shipments.map((s) => [s.incrementId, s.trackingNumbers, s.carrierCode])).toEqual([
      ['A', ['SF1'], 'SF-EXPRESS'],
      ['B', ['SF1'], 'SF-EXPRESS'],
      ['C', ['SF1'], 'SF-EXPRESS'],
    ]);
    expect(erpSoIdOf.get('C')).toBe('A');
  });

  it('adds up the packages of one order and takes the ship time from send_date (Beijing time)', () => {
    const { shipments } = toShipments([row({}), row({ o_id: 2, l_id: 'SF2' })], options);
    expect(shipments).toEqual([
      { incrementId: 'A', trackingNumbers: ['SF1', 'SF2'], carrierCode: 'SF-EXPRESS', carrierName: '顺丰', shippedAt: Date.UTC(2026, 10, 20, 2) / 1000 },
    ]);
  });

  it('refuses a row of another shop and a row with an unreadable send_date, as item failures', () => {
    const { shipments, failures } = toShipments([row({ shop_id: 10002 }), row({ so_id: 'B', send_date: '2026-02-30 10:00:00' }), row({ so_id: 'C' })], options);
    expect(shipments.map((s) => s.incrementId)).toEqual(['C']);
    expect(failures).toEqual([
      { key: 'A', erpSoId: 'A', retry: false, reason: expect.stringMatching(/shop 10002, not of this shop 10001/) },
      { key: 'B', erpSoId: 'B', retry: true, reason: expect.stringMatching(/unreadable send_date/) },
    ]);
  });

  it('counts rows without a tracking number and applies nothing for them', () => {
    const mapped = toShipments([row({ l_id: ' ' })], options);
    expect(mapped).toMatchObject({ shipments: [], failures: [], withoutTracking: 1 });
  });
});
