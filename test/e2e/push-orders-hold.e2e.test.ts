import type { RowDataPacket } from 'mysql2/promise';
import { DEMO_SHOP_ID } from '../../dev/jst-sandbox/server';
import { lambdaContext } from '../support/capture-stdout';
import { useE2EWorld } from '../support/e2e-world';
import { describeWithMoto } from '../support/moto';

type Handler = (event: unknown, context: unknown) => Promise<any>;
const scheduled = { source: 'aws.events', 'detail-type': 'Scheduled Event', detail: {} };

/** Issue #14.5: with ORDER_HOLD_AFTER_PUSH, pushOrders and syncShipping agree on the held orders. */
describeWithMoto('pushOrders with ORDER_HOLD_AFTER_PUSH, then syncShipping', () => {
  const world = useE2EWorld({ products: 40, orders: 60, env: { ORDER_HOLD_AFTER_PUSH: 'true' } });
  let push: Handler;
  let ship: Handler;
  beforeAll(async () => {
    push = (await import('../../functions/push-orders/handler')).handler as unknown as Handler;
    ship = (await import('../../functions/sync-shipping/handler')).handler as unknown as Handler;
  });
  const status = async (incrementId: string) =>
    String(
      (await world().db.pool.query<RowDataPacket[]>('SELECT order_status FROM sales_flat_order WHERE increment_id = ?', [incrementId]))[0][0]!.order_status,
    );

  it('holds pushed orders without re-sending them, and ships a held order when the ERP ships it', async () => {
    const [rows] = await world().db.pool.query<RowDataPacket[]>(
      "SELECT increment_id FROM sales_flat_order WHERE order_status = 'payment_confirmed' AND created_at >= ? ORDER BY order_id DESC LIMIT 1",
      [world().nowUnix - 20 * 86400],
    );
    const id = String(rows[0]!.increment_id);
    const first = await push(scheduled, lambdaContext());
    expect(first.counts.holded).toBeGreaterThan(0);
    expect(await status(id)).toBe('holded');
    const second = await push(scheduled, lambdaContext());
    expect(second.counts).toMatchObject({ pushed: 0, unchanged: first.counts.pushed });
    expect(world().sandbox.state.order(DEMO_SHOP_ID, id)).toMatchObject({ uploads: 1 });

    world().sandbox.state.ship(DEMO_SHOP_ID, id, [{ lc_id: 'SF', l_id: 'SF-HELD-1', logistics_company: '顺丰速运' }]);
    const shipped = await ship({ orders: [id] }, lambdaContext());
    expect(shipped.counts).toMatchObject({ applied: 1 });
    expect(await status(id)).toBe('dispatched');
  });
});
