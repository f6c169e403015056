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
 * ERP cancellations through syncShipping's handler with the switch off (the default): the sandbox's order
 * query over HTTP, MariaDB, dynalite and moto. A cancellation is recorded, never applied to the store.
 */
describeWithMoto('ERP cancellations are recorded (ERP_CANCEL_APPLY off)', () => {
  const world = useE2EWorld({ products: 40, orders: 60 });
  const doc = createStateDocumentClient();
  let handler: Handler;
  let ids: { hinted: string; unpushed: string; forged: string };
  beforeAll(async () => {
    handler = (await import('../../functions/sync-shipping/handler')).handler as unknown as Handler;
    const [rows] = await world().db.pool.query<RowDataPacket[]>(
      "SELECT increment_id FROM sales_flat_order WHERE order_status = 'payment_confirmed' ORDER BY order_id DESC LIMIT 3",
    );
    const [hinted, unpushed, forged] = rows.map((r) => String(r.increment_id));
    ids = { hinted: hinted!, unpushed: unpushed!, forged: forged! };
    const { state } = world().sandbox;
    for (const so of Object.values(ids)) state.upsertOrder(DEMO_SHOP_ID, { so_id: so, shop_status: 'WAIT_SELLER_SEND_GOODS', pay_amount: '10.00' });
    // The ERP cancels two of them (the sandbox's admin API, over HTTP); only one is announced by a push.
    for (const so of [ids.hinted, ids.unpushed]) {
      const reply = await fetch(`${world().sandbox.url}/__admin/cancel`, { method: 'POST', body: JSON.stringify({ shop_id: DEMO_SHOP_ID, so_id: so }) });
      expect(reply.status).toBe(200);
    }
    // cancel.order pushes as the receiver records them: the cancelled order, and one the ERP did not cancel.
    await new PushHints(doc, world().table, 'syncShipping#cancel').add([ids.hinted, ids.forged], 'cancel.order', Date.now());
  });
  afterAll(() => doc.destroy());

  const storeStatus = async (incrementId: string) =>
    (await world().db.pool.query<RowDataPacket[]>('SELECT order_status, updated_at FROM sales_flat_order WHERE increment_id = ?', [incrementId]))[0][0]!;
  const log = () => new ErpCancellationLog(doc, world().table, DEMO_SHOP_ID);

  it('records the ERP-confirmed cancellation of a hint and the one the poll finds with no push; the forged hint changes nothing', async () => {
    const before = await storeStatus(ids.hinted);
    const summary = await handler(scheduled, lambdaContext());
    expect(summary).toMatchObject({
      job: 'syncShipping',
      complete: true,
      counts: { erpCancelHints: 2, erpCancelHintsNotCancelled: 1, erpCancelRecorded: 2, erpCancelApplied: 0, erpCancelNew: 2 },
    });
    // One page of the Cancelled-only poll over the first window, then one query by so_id for the three candidates.
    expect(summary.counts.erpCancelPollPages).toBe(1);
    const records = await log().getMany(Object.values(ids));
    expect([...records.keys()].sort()).toEqual([ids.hinted, ids.unpushed].sort());
    for (const so of [ids.hinted, ids.unpushed])
      expect(records.get(so)).toMatchObject({ erpStatus: 'Cancelled', outcome: 'recorded', applied: false, storeStatus: 'payment_confirmed' });
    expect(await storeStatus(ids.hinted)).toEqual(before);
    expect((await storeStatus(ids.unpushed)).order_status).toBe('payment_confirmed');
    expect(await new PushHints(doc, world().table, 'syncShipping#cancel').waiting()).toBe(0);
    expect(summary.details.erpCancellations.map((e: { incrementId: string }) => e.incrementId).sort()).toEqual([ids.hinted, ids.unpushed].sort());
  });

  it('writes and counts nothing when the same cancellation is named again', async () => {
    const first = await log().getMany([ids.hinted]);
    await new PushHints(doc, world().table, 'syncShipping#cancel').add([ids.hinted], 'cancel.order', Date.now());
    const summary = await handler(scheduled, lambdaContext());
    expect(summary.counts).toMatchObject({ erpCancelHints: 1, erpCancelRecorded: 0, erpCancelNew: 0 });
    expect(await log().getMany([ids.hinted])).toEqual(first);
    expect(await new PushHints(doc, world().table, 'syncShipping#cancel').waiting()).toBe(0);
  });

  it('costs no ERP call between polls (ERP_CANCEL_POLL_MINUTES, 10 by default) when no push is waiting', async () => {
    const orderQueries = () =>
      world()
        .sandbox.calls()
        .filter((c) => c.endpoint.includes('orders/single/query') || c.endpoint === 'orders.single.query').length;
    const before = orderQueries();
    const summary = await handler(scheduled, lambdaContext());
    expect(summary.counts).toMatchObject({ erpCancelHints: 0, erpCancelPolled: 0 });
    expect(summary.counts.erpCancelPollPages).toBeUndefined();
    expect(orderQueries()).toBe(before);
  });
});
