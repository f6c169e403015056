import type { RowDataPacket } from 'mysql2/promise';
import { createStoreSchema } from '../../../dev/fecmall/schema';
import { seedStore } from '../../../dev/fecmall/generator';
import { OrderCancelRepository } from '../../../shared/fecmall/order-cancel-repository';
import { detectStoreSchema } from '../../../shared/fecmall/store-schema';
import { useTestDatabase } from '../../support/mysql';

const NOW = 1_795_000_000;

/** Fecmall's cancel, as the ERP-cancellation step applies it (docs/store-schema.md §3.6), on MariaDB. */
describe.each(['core', 'bbc'] as const)('cancelling store orders the ERP cancelled (%s flavour, MariaDB)', (flavour) => {
  const db = useTestDatabase(`cancel_${flavour}`);
  let repo: OrderCancelRepository;
  let ids: { open: string[]; shipped: string; closed: string };
  const bbc = flavour === 'bbc';
  const openStatus = bbc ? 'order_processing' : 'payment_confirmed';
  beforeAll(async () => {
    const pool = db().pool;
    await createStoreSchema(pool, flavour);
    await seedStore(pool, { products: 30, orders: 40, flavour, nowUnix: NOW, days: 20 });
    repo = new OrderCancelRepository(pool, await detectStoreSchema(pool));
    const [rows] = await pool.query<RowDataPacket[]>('SELECT increment_id FROM sales_flat_order ORDER BY order_id LIMIT 4');
    const [a, b, shipped, closed] = rows.map((r) => String(r.increment_id));
    ids = { open: [a!, b!], shipped: shipped!, closed: closed! };
    const set = (id: string, status: string, operate = 'operate_normal') =>
      pool.query(
        `UPDATE sales_flat_order SET order_status = ?, updated_at = 1${bbc ? ', order_operate_status = ?' : ''} WHERE increment_id = ?`,
        bbc ? [status, operate, id] : [status, id],
      );
    for (const id of ids.open) await set(id, openStatus);
    await set(ids.shipped, bbc ? 'order_dispatched' : 'dispatched');
    await (bbc ? set(ids.closed, 'order_processing', 'operate_canceled') : set(ids.closed, 'canceled'));
  });

  const order = async (id: string) =>
    (
      await db().pool.query<RowDataPacket[]>(
        `SELECT order_status, updated_at, if_is_return_stock${bbc ? ', order_operate_status' : ''} FROM sales_flat_order WHERE increment_id = ?`,
        [id],
      )
    )[0][0]!;
  const logRows = async () =>
    bbc
      ? (await db().pool.query<RowDataPacket[]>("SELECT increment_id FROM sales_order_process_log WHERE type = 'log_order_cancel_audit_accept'"))[0].map((r) =>
          String(r.increment_id),
        )
      : [];

  it('plans without writing', async () => {
    const plan = await repo.plan([...ids.open, ids.shipped, ids.closed, 'NOT-IN-STORE']);
    expect(plan.map((r) => r.outcome)).toEqual(['applied', 'applied', 'refused_shipped', 'already_cancelled', 'unknown_order']);
    expect((await order(ids.open[0]!)).order_status).toBe(openStatus);
  });

  it("cancels the open orders with Fecmall's transition in one guarded statement, never a dispatched one, and leaves stock flags alone", async () => {
    const returnStock = (await order(ids.open[0]!)).if_is_return_stock;
    const results = await repo.cancel([...ids.open, ids.shipped, ids.closed, 'NOT-IN-STORE']);
    expect(results.map((r) => [r.incrementId, r.outcome])).toEqual([
      [ids.open[0], 'applied'],
      [ids.open[1], 'applied'],
      [ids.shipped, 'refused_shipped'],
      [ids.closed, 'already_cancelled'],
      ['NOT-IN-STORE', 'unknown_order'],
    ]);
    for (const id of ids.open) {
      const o = await order(id);
      if (bbc) expect(o).toMatchObject({ order_status: openStatus, order_operate_status: 'operate_canceled' });
      else expect(o.order_status).toBe('canceled');
      expect(o.updated_at).toBeGreaterThan(1);
      expect(o.if_is_return_stock).toBe(returnStock);
    }
    expect((await order(ids.shipped)).order_status).toBe(bbc ? 'order_dispatched' : 'dispatched');
    expect((await logRows()).sort()).toEqual(bbc ? [...ids.open].sort() : []);
  });

  it('changes nothing when asked again', async () => {
    const before = await Promise.all(ids.open.map(order));
    const results = await repo.cancel(ids.open);
    expect(results.map((r) => r.outcome)).toEqual(['already_cancelled', 'already_cancelled']);
    expect(await Promise.all(ids.open.map(order))).toEqual(before);
    expect(await logRows()).toHaveLength(bbc ? 2 : 0);
  });
});
