import type { RowDataPacket } from 'mysql2/promise';
import { DEMO_SHOP_ID } from '../../dev/jst-sandbox/server';
import { captureStdout, lambdaContext } from '../support/capture-stdout';
import { useE2EWorld } from '../support/e2e-world';
import { describeWithMoto } from '../support/moto';

type Handler = (event: unknown, context: unknown) => Promise<any>;
const scheduled = (detail: Record<string, unknown> = {}) => ({ source: 'aws.scheduler', 'detail-type': 'Scheduled Event', detail });

/** EMF metric values a handler printed, by metric name (summed). */
function emfMetrics(lines: string[]): Record<string, number> {
  const values: Record<string, number> = {};
  for (const line of lines) {
    if (!line.includes('"_aws"')) continue;
    const record = JSON.parse(line) as Record<string, unknown> & { _aws: { CloudWatchMetrics: Array<{ Metrics: Array<{ Name: string }> }> } };
    for (const { Name } of record._aws.CloudWatchMetrics.flatMap((m) => m.Metrics)) {
      const v = record[Name];
      values[Name] = (values[Name] ?? 0) + (Array.isArray(v) ? v.reduce((a: number, b: number) => a + b, 0) : Number(v));
    }
  }
  return values;
}

describeWithMoto('reconcile: drift planted on each side is found, healed and reported exactly', () => {
  const world = useE2EWorld({ products: 60, orders: 120 });
  let pushOrders: Handler;
  let syncShipping: Handler;
  let ids: { deleted: string; amount: string; lost: string; shipped: string };
  const admin = (path: string, body: unknown) => fetch(`${world().sandbox.url}/__admin/${path}`, { method: 'POST', body: JSON.stringify(body) });
  const storeOrder = async (incrementId: string) =>
    (
      await world().db.pool.query<RowDataPacket[]>(
        'SELECT order_status, tracking_number, tracking_company, tracking_company_name, updated_at FROM sales_flat_order WHERE increment_id = ?',
        [incrementId],
      )
    )[0][0]!;
  const run = async (handler: Handler, event: unknown) => {
    const { result, error, lines } = await captureStdout(() => handler(event, lambdaContext()));
    if (error) throw error;
    if (process.env.SHOW_SUMMARY) console.log(JSON.stringify(result));
    return { summary: result as any, metrics: emfMetrics(lines) };
  };

  beforeAll(async () => {
    pushOrders = (await import('../../functions/push-orders/handler')).handler as unknown as Handler;
    syncShipping = (await import('../../functions/sync-shipping/handler')).handler as unknown as Handler;
    const pool = world().db.pool;
    const ready = (
      await pool.query<RowDataPacket[]>("SELECT increment_id FROM sales_flat_order WHERE order_status = 'payment_confirmed' ORDER BY order_id DESC LIMIT 4")
    )[0].map((r) => String(r.increment_id));
    ids = { deleted: ready[0]!, amount: ready[1]!, lost: ready[2]!, shipped: ready[3]! };
    // The incremental jobs bring both sides in step: every ready order pushed, two of them shipped.
    expect((await run(pushOrders, scheduled())).summary.counts.pushed).toBeGreaterThanOrEqual(4);
    const { state } = world().sandbox;
    state.ship(DEMO_SHOP_ID, ids.lost, [{ lc_id: 'SF', l_id: 'SF-LOST-1', logistics_company: '顺丰速运' }]);
    state.ship(DEMO_SHOP_ID, ids.shipped, [{ lc_id: 'SF', l_id: 'SF-OK-1', logistics_company: '顺丰速运' }]);
    const before = await storeOrder(ids.lost);
    expect((await run(syncShipping, scheduled())).summary.counts.applied).toBe(2);
    // Drift on each side: the ERP loses an order and another one's amount changes; the store loses
    // the update of one shipment (its row goes back to what it was before syncShipping wrote it).
    expect((await admin('orders/delete', { shop_id: DEMO_SHOP_ID, so_id: ids.deleted })).status).toBe(200);
    expect((await admin('orders/amount', { shop_id: DEMO_SHOP_ID, so_id: ids.amount, pay_amount: '0.01' })).status).toBe(200);
    await pool.query(
      'UPDATE sales_flat_order SET order_status = ?, tracking_number = ?, tracking_company = ?, tracking_company_name = ?, updated_at = ? WHERE increment_id = ?',
      [before.order_status, before.tracking_number, before.tracking_company, before.tracking_company_name, before.updated_at, ids.lost],
    );
  });

  it('a dry run reports the order drift and changes nothing', async () => {
    const { summary } = await run(pushOrders, { mode: 'reconcile', dryRun: true });
    expect(summary).toMatchObject({
      mode: 'reconcile',
      dryRun: true,
      complete: true,
      failures: [],
      counts: { missingInErp: 1, differentInErp: 1, repushed: 0 },
    });
    expect(world().sandbox.state.order(DEMO_SHOP_ID, ids.deleted)).toBeUndefined();
  });

  it('pushOrders reconcile finds exactly the deleted order and the different amount, re-uploads both and publishes the drift', async () => {
    const { summary, metrics } = await run(pushOrders, { mode: 'reconcile' });
    expect(summary).toMatchObject({
      job: 'pushOrders',
      mode: 'reconcile',
      complete: true,
      failures: [],
      counts: { missingInErp: 1, differentInErp: 1, repushed: 2, pendingPush: 0 },
    });
    expect(summary.details.driftExamples).toEqual(
      expect.arrayContaining([
        { incrementId: ids.deleted, drift: 'missing', problems: ['not in the ERP'], healed: true },
        { incrementId: ids.amount, drift: 'different', problems: [expect.stringMatching(/^pay_amount 0\.01, expected \d+\.\d\d$/)], healed: true },
      ]),
    );
    expect(summary.details.driftExamples).toHaveLength(2);
    expect(summary.counts.checked).toBeGreaterThanOrEqual(4);
    expect(metrics).toMatchObject({ OrdersMissingInErp: 1, OrdersDifferentInErp: 1 });
    expect(world().sandbox.state.order(DEMO_SHOP_ID, ids.deleted)?.status).toBe('WaitConfirm');
    expect(world().sandbox.state.order(DEMO_SHOP_ID, ids.amount)?.payload.pay_amount).not.toBe('0.01');
    expect(summary.cursor.after).toEqual({ completedAt: expect.any(Number) });
  });

  it('a second reconcile reports zero; the schedule firing again right after a finished pass does nothing', async () => {
    const { summary, metrics } = await run(pushOrders, { mode: 'reconcile' });
    expect(summary.counts).toMatchObject({ missingInErp: 0, differentInErp: 0, repushed: 0 });
    expect(summary.details.driftExamples).toEqual([]);
    expect(metrics).toMatchObject({ OrdersMissingInErp: 0, OrdersDifferentInErp: 0 });
    const again = await run(pushOrders, scheduled({ mode: 'reconcile' }));
    expect(again.summary).toMatchObject({ complete: true, counts: {}, details: { reconcile: expect.stringMatching(/finished recently/) } });
    expect(again.metrics.OrdersMissingInErp).toBeUndefined();
    // An incremental pushOrders run has nothing to send: the ledger was updated by the reconcile.
    expect((await run(pushOrders, scheduled())).summary.counts.pushed).toBe(0);
  });

  it('an ERP row outside the documented shape is a listed failure, never taken for drift', async () => {
    const erpOrder = world().sandbox.state.order(DEMO_SHOP_ID, ids.amount)!;
    erpOrder.status = 'Archived' as typeof erpOrder.status;
    try {
      const { summary } = await run(pushOrders, { mode: 'reconcile', dryRun: true });
      expect(summary.counts).toMatchObject({ missingInErp: 0, differentInErp: 0, invalidErpRows: 1 });
      expect(summary.failures).toEqual([
        { key: ids.amount, reason: expect.stringMatching(/^ERP order query row does not have the documented shape: status: expected one of/) },
      ]);
    } finally {
      erpOrder.status = 'WaitConfirm';
    }
  });

  it('syncShipping reconcile finds exactly the shipment whose store update was lost, applies it and publishes it; a second one reports zero', async () => {
    const dry = await run(syncShipping, { mode: 'reconcile', dryRun: true });
    expect(dry.summary.counts).toMatchObject({ missingInStore: 1, applied: 0 });
    expect((await storeOrder(ids.lost)).order_status).toBe('payment_confirmed');

    const { summary, metrics } = await run(syncShipping, { mode: 'reconcile' });
    expect(summary).toMatchObject({
      job: 'syncShipping',
      mode: 'reconcile',
      complete: true,
      failures: [],
      counts: { missingInStore: 1, applied: 1, inStep: 1 },
    });
    expect(summary.details.driftExamples).toEqual([{ incrementId: ids.lost, drift: 'not dispatched in the store', status: 'payment_confirmed', healed: true }]);
    expect(metrics).toMatchObject({ ShipmentsMissingInStore: 1 });
    expect(await storeOrder(ids.lost)).toMatchObject({ order_status: 'dispatched', tracking_number: 'SF-LOST-1', tracking_company: 'SF' });

    const second = await run(syncShipping, { mode: 'reconcile' });
    expect(second.summary.counts).toMatchObject({ missingInStore: 0, inStep: 2 });
    expect(second.metrics).toMatchObject({ ShipmentsMissingInStore: 0 });
  });
});
