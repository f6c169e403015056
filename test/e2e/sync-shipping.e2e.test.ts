import type { RowDataPacket } from 'mysql2/promise';
import { DEMO_SHOP_ID } from '../../dev/jst-sandbox/server';
import { lambdaContext } from '../support/capture-stdout';
import { useE2EWorld } from '../support/e2e-world';
import { describeWithMoto } from '../support/moto';

type Handler = (event: unknown, context: unknown) => Promise<any>;
const scheduled = { source: 'aws.events', 'detail-type': 'Scheduled Event', detail: {} };

describeWithMoto('syncShipping end to end through its handler', () => {
  const world = useE2EWorld({ products: 60, orders: 120, env: { CARRIER_MAP: '{"SF":"SF","ZTO":"ZTO-EXPRESS"}' } });
  let handler: Handler;
  let ids: { ready: string[]; cancelled: string; completed: string };
  beforeAll(async () => {
    handler = (await import('../../functions/sync-shipping/handler')).handler as unknown as Handler;
    const pool = world().db.pool;
    const pick = async (status: string, n: number) =>
      (
        await pool.query<RowDataPacket[]>('SELECT increment_id FROM sales_flat_order WHERE order_status = ? ORDER BY order_id DESC LIMIT ?', [status, n])
      )[0].map((r) => String(r.increment_id));
    ids = { ready: await pick('payment_confirmed', 3), cancelled: (await pick('canceled', 1))[0]!, completed: (await pick('completed', 1))[0]! };
    const { state } = world().sandbox;
    for (const so of [...ids.ready, ids.cancelled, ids.completed, 'NOT-IN-STORE'])
      state.upsertOrder(DEMO_SHOP_ID, { so_id: so, shop_status: 'WAIT_SELLER_SEND_GOODS' });
    state.ship(DEMO_SHOP_ID, ids.ready[0]!, [{ lc_id: 'SF', l_id: 'SF0001', logistics_company: '顺丰速运' }]);
    state.ship(DEMO_SHOP_ID, ids.ready[1]!, [
      { lc_id: 'ZTO', l_id: 'ZT0001', logistics_company: '中通快递' },
      { lc_id: 'ZTO', l_id: 'ZT0002', logistics_company: '中通快递' },
    ]);
    for (const so of [ids.cancelled, ids.completed, 'NOT-IN-STORE'])
      state.ship(DEMO_SHOP_ID, so, [{ lc_id: 'YTO', l_id: `YT-${so}`, logistics_company: '圆通速递' }]);
  });

  const order = async (incrementId: string) =>
    (
      await world().db.pool.query<RowDataPacket[]>(
        'SELECT order_status, tracking_number, tracking_company, tracking_company_name, updated_at FROM sales_flat_order WHERE increment_id = ?',
        [incrementId],
      )
    )[0][0]!;

  it('dry run reports what would be applied and writes nothing', async () => {
    const summary = await handler({ dryRun: true }, lambdaContext());
    expect(summary.details.plannedShipments.map((p: { outcome: string }) => p.outcome).sort()).toEqual([
      'applied',
      'applied',
      'cancelled',
      'tracking_added',
      'unknown',
    ]);
    expect((await order(ids.ready[0]!)).order_status).toBe('payment_confirmed');
  });

  it('moves shipped orders to dispatched with carrier code, name and every tracking number; counts the rest without failing', async () => {
    const summary = await handler(scheduled, lambdaContext());
    expect(summary).toMatchObject({ job: 'syncShipping', complete: true, failures: [], counts: { applied: 2, cancelled: 1, unknown: 1, tracking_added: 1 } });
    expect(await order(ids.ready[0]!)).toMatchObject({
      order_status: 'dispatched',
      tracking_number: 'SF0001',
      tracking_company: 'SF',
      tracking_company_name: '顺丰速运',
    });
    expect(await order(ids.ready[1]!)).toMatchObject({ order_status: 'dispatched', tracking_number: 'ZT0001,ZT0002', tracking_company: 'ZTO-EXPRESS' });
    expect((await order(ids.cancelled)).order_status).toBe('canceled');
    expect((await order(ids.completed)).order_status).toBe('completed');
    expect((await order(ids.ready[2]!)).order_status).toBe('payment_confirmed');
    expect(summary.details.skippedOrders.map((s: { incrementId: string }) => s.incrementId).sort()).toEqual([ids.cancelled, 'NOT-IN-STORE'].sort());
  });

  it('changes nothing when run again', async () => {
    const before = await order(ids.ready[1]!);
    const summary = await handler(scheduled, lambdaContext());
    expect(summary.counts.applied).toBe(0);
    expect(summary.counts.tracking_added).toBe(0);
    expect(await order(ids.ready[1]!)).toEqual(before);
  });

  it('applies a manual list of orders without touching the cursor', async () => {
    world().sandbox.state.ship(DEMO_SHOP_ID, ids.ready[2]!, [{ lc_id: 'SF', l_id: 'SF0009', logistics_company: '顺丰速运' }]);
    const summary = await handler({ orders: [ids.ready[2]!] }, lambdaContext());
    expect(summary).toMatchObject({ mode: 'manual', counts: { applied: 1 }, cursor: { before: null, after: null } });
    expect((await order(ids.ready[2]!)).order_status).toBe('dispatched');
  });
});
