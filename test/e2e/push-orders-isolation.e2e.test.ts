import { ScanCommand } from '@aws-sdk/lib-dynamodb';
import type { RowDataPacket } from 'mysql2/promise';
import { DEMO_SHOP_ID } from '../../dev/jst-sandbox/server';
import { RunHistory } from '../../shared/state/run-history';
import { OrderLedger } from '../../shared/state/order-ledger';
import { createStateDocumentClient } from '../../shared/state/state-table';
import { captureStdout, lambdaContext } from '../support/capture-stdout';
import { useE2EWorld } from '../support/e2e-world';
import { describeWithMoto } from '../support/moto';

type Handler = (event: unknown, context: unknown) => Promise<any>;
const scheduled = { source: 'aws.events', 'detail-type': 'Scheduled Event', detail: {} };

/** Issue #14 and #20 scenarios: the store on MariaDB, the ERP sandbox over HTTP, state on dynalite, through the handler. */
describeWithMoto('pushOrders: every order that must reach the ERP does, and no order blocks the others', () => {
  const world = useE2EWorld({ products: 80, orders: 260, env: { ORDER_MAX_ATTEMPTS: '2' } });
  let handler: Handler;
  const doc = createStateDocumentClient();
  beforeAll(async () => {
    handler = (await import('../../functions/push-orders/handler')).handler as unknown as Handler;
  });
  afterAll(() => doc.destroy());

  const pool = () => world().db.pool;
  const horizonStart = () => world().nowUnix - 30 * 86400;
  const idsWithStatus = async (status: string, limit = 1000) =>
    (
      await pool().query<RowDataPacket[]>('SELECT increment_id FROM sales_flat_order WHERE order_status = ? AND created_at >= ? ORDER BY order_id LIMIT ?', [
        status,
        horizonStart(),
        limit,
      ])
    )[0].map((r) => String(r.increment_id));
  const inErp = (soId: string) => world().sandbox.state.order(DEMO_SHOP_ID, soId);
  const stateItems = async () => (await doc.send(new ScanCommand({ TableName: world().table }))).Items ?? [];

  it('rejects bad events before anything is touched: no ERP call, no state write', async () => {
    const before = { calls: world().sandbox.stats.calls, items: JSON.stringify(await stateItems()) };
    const bad = [
      { ...scheduled, dryRun: true },
      { from: '2000-01-01T00:00:00Z', to: '2026-01-01T00:00:00Z', dryRun: true },
      { from: '9999-01-01T00:00:00Z', to: '9999-01-02T00:00:00Z' },
      { orders: ['1100000001'], from: '2026-11-01T00:00:00Z', to: '2026-11-02T00:00:00Z' },
      { orders: ['9'.repeat(26)] },
      { force: true },
    ];
    for (const event of bad) await expect(handler(event, lambdaContext())).rejects.toMatchObject({ code: 'EVENT_INVALID' });
    expect(world().sandbox.stats.calls).toBe(before.calls);
    expect(JSON.stringify(await stateItems())).toBe(before.items);
  });

  it('a dry run returns at most 5 masked payloads with a count of the rest, and keeps no personal data in the run history', async () => {
    const summary = await handler({ dryRun: true }, lambdaContext());
    expect(summary.details.payloads).toHaveLength(5);
    expect(summary.details.payloadsOmitted).toBe(summary.counts.pushed - 5);
    expect(summary.details.payloads[0]).toMatchObject({ receiver_name: '***', receiver_address: '***', shop_buyer_id: '***' });
    expect(summary.details.notPushableByReason).toEqual({ shipped: expect.any(Number), closed_never_pushed: expect.any(Number) });
    const [stored] = await new RunHistory(doc, world().table, 30).latest<any>('pushOrders', 1);
    expect(stored.details.payloads).toHaveLength(5);
    expect(JSON.stringify(stored)).not.toMatch(/(?<![\dA-Z])1[3-9]\d{9}(?!\d)|@|Main Street|科技园/);
    expect(world().sandbox.state.orders.size).toBe(0);
  });

  let poison: string;
  it('pushes paid orders in processing and holded too, and isolates the order the ERP refuses whole calls for: all others go through in the same run', async () => {
    const paid = [...(await idsWithStatus('payment_confirmed')), ...(await idsWithStatus('processing')), ...(await idsWithStatus('holded'))];
    expect((await idsWithStatus('processing')).length + (await idsWithStatus('holded')).length).toBeGreaterThan(0);
    poison = (await idsWithStatus('payment_confirmed'))[3]!;
    world().sandbox.setFaults({ rejectCallsWithSoIds: [poison] });
    const summary = await handler(scheduled, lambdaContext());
    expect(summary).toMatchObject({ complete: true, counts: { pushed: paid.length - 1, rejected: 1, isolated: 1 }, cursor: { after: null } });
    expect(summary.failures).toEqual([{ key: poison, reason: expect.stringMatching(/refused the upload call whenever this order was in it \(code 140/) }]);
    for (const id of paid) expect(inErp(id) === undefined).toBe(id === poison);
    expect(summary.counts.erpCalls).toBeLessThanOrEqual(Math.ceil(paid.length / 50) + 12);
  });

  it('does not stall behind the refused order: the next run waits for its backoff and completes', async () => {
    const summary = await handler(scheduled, lambdaContext());
    expect(summary).toMatchObject({ complete: true, failures: [], counts: { waitingRetry: 1, pushed: 0 } });
  });

  it('gives up after ORDER_MAX_ATTEMPTS with a failure entry and OrdersAbandoned, listed by a Query', async () => {
    const { result, lines } = await captureStdout(() => handler({ orders: [poison] }, lambdaContext()));
    expect(result.failures).toEqual([{ key: poison, reason: expect.stringMatching(/^given up after 2 attempts/) }]);
    expect(result.counts).toMatchObject({ givenUp: 1 });
    const emf = lines.map((l) => JSON.parse(l)).find((l) => l.OrdersAbandoned !== undefined);
    expect(emf?.OrdersAbandoned).toBe(1);
    const listed = await new OrderLedger(doc, world().table, DEMO_SHOP_ID).givenUp.list();
    expect(listed).toEqual([{ incrementId: poison, attempts: 2, reason: expect.stringMatching(/code 140/), givenUpAt: expect.any(Number) }]);
    const later = await handler(scheduled, lambdaContext());
    expect(later.counts).toMatchObject({ abandoned: 1, rejected: 0 });
  });

  it('sends an order whose SKU is over the ERP limit nowhere: a local rejection naming the field and limit', async () => {
    const [row] = (
      await pool().query<RowDataPacket[]>(
        "SELECT order_id, increment_id FROM sales_flat_order WHERE order_status = 'payment_pending' AND created_at >= ? ORDER BY order_id DESC LIMIT 1",
        [horizonStart()],
      )
    )[0];
    await pool().query("UPDATE sales_flat_order SET order_status = 'payment_confirmed' WHERE order_id = ?", [row!.order_id]);
    await pool().query('UPDATE sales_flat_order_item SET sku = ? WHERE order_id = ? ORDER BY item_id LIMIT 1', [
      `${'DRESS-LONG-NAME-'.repeat(3)}-XL`,
      row!.order_id,
    ]);
    const summary = await handler(scheduled, lambdaContext());
    expect(summary.counts).toMatchObject({ rejectedLocally: 1 });
    expect(summary.failures).toEqual([
      {
        key: String(row!.increment_id),
        reason: expect.stringMatching(
          /^rejected before sending \(attempt 1\): items\[0\]\.sku_id has 51 characters, the ERP allows 40 \(a key field is never cut/,
        ),
      },
    ]);
    expect(inErp(String(row!.increment_id))).toBeUndefined();
  });

  it('closes a pushed order that is refunded in the store', async () => {
    const [id] = await idsWithStatus('processing', 1);
    await pool().query("UPDATE sales_flat_order SET order_status = 'refunded' WHERE increment_id = ?", [id]);
    const summary = await handler(scheduled, lambdaContext());
    expect(summary.counts.closed).toBe(1);
    expect(inErp(id!)).toMatchObject({ status: 'Cancelled' });
  });

  it('pushes only the orders created in an explicit window, cursor untouched; names unknown ids; re-sends with force', async () => {
    const [row] = (
      await pool().query<RowDataPacket[]>(
        "SELECT order_id, increment_id, created_at FROM sales_flat_order WHERE order_status = 'payment_pending' AND created_at >= ? ORDER BY order_id LIMIT 1",
        [horizonStart()],
      )
    )[0];
    await pool().query("UPDATE sales_flat_order SET order_status = 'payment_confirmed' WHERE order_id = ?", [row!.order_id]);
    const positions = async () => JSON.stringify((await stateItems()).filter((i) => String(i.pk).startsWith('CURSOR#')).map((i) => i.positions));
    const cursorBefore = await positions();
    const at = Number(row!.created_at) * 1000;
    const windowed = await handler({ from: new Date(at - 1000).toISOString(), to: new Date(at + 1000).toISOString() }, lambdaContext());
    expect(windowed).toMatchObject({ mode: 'manual', counts: { pushed: 1 }, cursor: { before: null, after: null } });
    expect(inErp(String(row!.increment_id))).toMatchObject({ uploads: 1 });
    expect(await positions()).toBe(cursorBefore);

    const named = await handler({ orders: [String(row!.increment_id), 'NO-SUCH-ORDER'] }, lambdaContext());
    expect(named.counts).toMatchObject({ unchanged: 1, unknownOrders: 1 });
    expect(named.failures).toEqual([{ key: 'NO-SUCH-ORDER', reason: 'no order with this increment id in the store' }]);
    const forced = await handler({ orders: [String(row!.increment_id)], force: true }, lambdaContext());
    expect(forced.counts.pushed).toBe(1);
    expect(inErp(String(row!.increment_id))).toMatchObject({ uploads: 2 });
  });
});
