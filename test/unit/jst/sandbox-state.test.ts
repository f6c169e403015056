import { SandboxState } from '../../../dev/jst-sandbox/sandbox-state';
import { seededRandom } from '../../../dev/jst-sandbox/seeded-random';

describe('sandbox ERP state', () => {
  it('answers modified-range queries exactly like a full scan, with out-of-order and repeated changes', () => {
    const state = new SandboxState(() => 0);
    const random = seededRandom(9);
    const base = Date.UTC(2026, 10, 1);
    const latest = new Map<string, number>(); // `${wms}|${sku}` → modifiedMs
    for (let i = 0; i < 20_000; i++) {
      const sku = `S${Math.floor(random() * 5000)}`;
      const wms = random() < 0.2 ? 7 : 0;
      const at = base + Math.floor(random() * 10 * 86_400_000);
      state.setStock(sku, { qty: i }, wms, at);
      latest.set(`${wms}|${sku}`, at);
    }
    for (let q = 0; q < 20; q++) {
      const from = base + Math.floor(random() * 9 * 86_400_000);
      const to = from + Math.floor(random() * 2 * 86_400_000);
      for (const wms of [undefined, 7]) {
        const expected = new Set<string>();
        for (const [key, at] of latest) {
          const [w, sku] = key.split('|') as [string, string];
          if ((wms === undefined || Number(w) === wms) && at >= from && at <= to) expected.add(sku);
        }
        const got = state.skusModifiedBetween(from, to, wms);
        expect(new Set(got)).toEqual(expected);
        expect(got).toHaveLength(expected.size);
      }
    }
  });

  it('sums every warehouse when no warehouse is asked for, and reports one when it is', () => {
    const state = new SandboxState(() => Date.UTC(2026, 10, 28, 4));
    state.setStock('A', { qty: 5, order_lock: 1, defective_qty: 2 }, 0);
    state.setStock('A', { qty: 3, pick_lock: 1 }, 9);
    expect(state.stockView('A', undefined)).toMatchObject({
      sku_id: 'A',
      qty: 8,
      order_lock: 1,
      pick_lock: 1,
      defective_qty: 2,
      modified: '2026-11-28 12:00:00',
    });
    expect(state.stockView('A', 9)).toMatchObject({ qty: 3, order_lock: 0 });
    expect(state.stockView('A', 4)).toBeUndefined();
  });

  it('upserts orders by (shop_id, so_id), keeps the o_id, and locks units while the order waits', () => {
    const state = new SandboxState(() => 0);
    state.setStock('A', { qty: 10 });
    const paid = { so_id: 'X1', shop_status: 'WAIT_SELLER_SEND_GOODS', items: [{ sku_id: 'A', qty: 3 }] };
    const first = state.upsertOrder(1, paid);
    expect(state.stockView('A', undefined)).toMatchObject({ qty: 10, order_lock: 3 });
    const again = state.upsertOrder(1, { ...paid, shop_status: 'TRADE_CLOSED' });
    expect(again).toMatchObject({ o_id: first.o_id, status: 'Cancelled', uploads: 2 });
    expect(state.stockView('A', undefined)).toMatchObject({ order_lock: 0 });
    expect(state.upsertOrder(2, paid).o_id).not.toBe(first.o_id);
    expect(state.upsertOrder(1, { so_id: 'X2', shop_status: 'WAIT_BUYER_PAY', items: [] }).status).toBe('WaitPay');
  });

  it('ships in packages (split sub-orders get their own o_id) and finds shipments by so_id and time', () => {
    const state = new SandboxState(() => 1000);
    state.setStock('A', { qty: 10 });
    const order = state.upsertOrder(1, { so_id: 'S1', shop_status: 'WAIT_SELLER_SEND_GOODS', items: [{ sku_id: 'A', qty: 2 }] });
    const packages = state.ship(
      1,
      'S1',
      [
        { lc_id: 'SF', l_id: 'SF1', logistics_company: '顺丰' },
        { lc_id: 'SF', l_id: 'SF2', logistics_company: '顺丰' },
      ],
      5000,
    );
    state.upsertOrder(1, { so_id: 'S0', shop_status: 'WAIT_SELLER_SEND_GOODS', items: [] });
    state.ship(1, 'S0', [{ lc_id: 'ZTO', l_id: 'Z1', logistics_company: '中通' }], 3000);
    expect(packages[0]!.o_id).toBe(order.o_id);
    expect(packages[1]!.o_id).not.toBe(order.o_id);
    expect(state.stockView('A', undefined)).toMatchObject({ qty: 8, order_lock: 0 });
    expect(state.shipmentsOf(['S1'], 1).map((s) => s.l_id)).toEqual(['SF1', 'SF2']);
    expect(state.shipmentsBetween(0, 4000, undefined).map((s) => s.l_id)).toEqual(['Z1']);
    expect(state.shipmentsBetween(0, 9000, 2)).toEqual([]);
    expect(() => state.ship(1, 'nope', [])).toThrow(/no order nope/);
  });
});
