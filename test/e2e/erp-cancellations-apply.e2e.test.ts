import type { RowDataPacket } from 'mysql2/promise';
import { DEMO_SHOP_ID } from '../../dev/jst-sandbox/server';
import { ErpCancellationLog } from '../../shared/state/erp-cancellations';
import { PushHints } from '../../shared/state/push-hints';
import { createStateDocumentClient } from '../../shared/state/state-table';
import { lambdaContext } from '../support/capture-stdout';
import { useE2EWorld } from '../support/e2e-world';
import { describeWithMoto } from '../support/moto';

type Handler = (event: unknown, context: unknown) => Promise<any>;
const scheduled = { source: 'aws.events', 'detail-type': 'Scheduled Event', detail: {} };

/**
 * ERP cancellations applied to the store (ERP_CANCEL_APPLY=true) through syncShipping's handler, on the
 * legacy API generation: the sandbox over HTTP, MariaDB, dynalite and moto.
 */
describeWithMoto('ERP cancellations applied with Fecmall cancel semantics (ERP_CANCEL_APPLY on, legacy generation)', () => {
  const world = useE2EWorld({ products: 40, orders: 60, generation: 'legacy', env: { ERP_CANCEL_APPLY: 'true' } });
  const doc = createStateDocumentClient();
  let handler: Handler;
  let ids: { open: string; dispatched: string; unpushed: string };
  beforeAll(async () => {
    handler = (await import('../../functions/sync-shipping/handler')).handler as unknown as Handler;
    const pool = world().db.pool;
    const [rows] = await pool.query<RowDataPacket[]>(
      "SELECT increment_id FROM sales_flat_order WHERE order_status = 'payment_confirmed' ORDER BY order_id DESC LIMIT 3",
    );
    const [open, dispatched, unpushed] = rows.map((r) => String(r.increment_id));
    ids = { open: open!, dispatched: dispatched!, unpushed: unpushed! };
    // Shipped in the store before the ERP's cancellation reached it.
    await pool.query("UPDATE sales_flat_order SET order_status = 'dispatched' WHERE increment_id = ?", [ids.dispatched]);
    const { state } = world().sandbox;
    for (const so of Object.values(ids)) {
      state.upsertOrder(DEMO_SHOP_ID, { so_id: so, shop_status: 'WAIT_SELLER_SEND_GOODS', pay_amount: '10.00' });
      const reply = await fetch(`${world().sandbox.url}/__admin/cancel`, { method: 'POST', body: JSON.stringify({ shop_id: DEMO_SHOP_ID, so_id: so }) });
      expect(reply.status).toBe(200);
    }
    await new PushHints(doc, world().table, 'syncShipping#cancel').add([ids.open, ids.dispatched], 'cancel.order', Date.now());
  });
  afterAll(() => doc.destroy());

  const store = async (incrementId: string) =>
    (
      await world().db.pool.query<RowDataPacket[]>('SELECT order_status, updated_at, if_is_return_stock FROM sales_flat_order WHERE increment_id = ?', [
        incrementId,
      ])
    )[0][0]!;
  const log = () => new ErpCancellationLog(doc, world().table, DEMO_SHOP_ID);

  it('cancels the open orders in the store (pushed or only polled) and refuses the dispatched one, recording why', async () => {
    const returnStockBefore = (await store(ids.open)).if_is_return_stock;
    const summary = await handler(scheduled, lambdaContext());
    expect(summary).toMatchObject({ complete: true, counts: { erpCancelApplied: 2, erpCancelRefused: 1, erpCancelNew: 3, erpCancelRecorded: 0 } });
    expect((await store(ids.open)).order_status).toBe('canceled');
    expect((await store(ids.unpushed)).order_status).toBe('canceled');
    expect((await store(ids.open)).if_is_return_stock).toBe(returnStockBefore);
    expect((await store(ids.dispatched)).order_status).toBe('dispatched');
    const records = await log().getMany(Object.values(ids));
    expect(records.get(ids.open)).toMatchObject({ outcome: 'applied', applied: true, storeStatus: 'payment_confirmed' });
    expect(records.get(ids.open)!.appliedAt).toEqual(expect.any(Number));
    expect(records.get(ids.dispatched)).toMatchObject({ outcome: 'refused_shipped', applied: false, storeStatus: 'dispatched' });
    expect(records.get(ids.dispatched)!.refusedReason).toMatch(/never cancelled after dispatch/);
  });

  it('is idempotent: a second run with the same push changes neither the store nor the records', async () => {
    const before = { open: await store(ids.open), dispatched: await store(ids.dispatched), records: await log().getMany(Object.values(ids)) };
    await new PushHints(doc, world().table, 'syncShipping#cancel').add([ids.open, ids.dispatched], 'cancel.order', Date.now());
    await new Promise((r) => setTimeout(r, 1100)); // a changed updated_at would show
    const summary = await handler(scheduled, lambdaContext());
    expect(summary.counts).toMatchObject({ erpCancelHints: 2, erpCancelApplied: 0, erpCancelRefused: 0, erpCancelNew: 0 });
    expect(await store(ids.open)).toEqual(before.open);
    expect(await store(ids.dispatched)).toEqual(before.dispatched);
    expect(await log().getMany(Object.values(ids))).toEqual(before.records);
  });
});
