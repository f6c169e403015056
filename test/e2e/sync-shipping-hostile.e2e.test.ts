import { UpdateCommand } from '@aws-sdk/lib-dynamodb';
import type { RowDataPacket } from 'mysql2/promise';
import { DEMO_SHOP_ID } from '../../dev/jst-sandbox/server';
import { createStateDocumentClient } from '../../shared/state/state-table';
import { captureStdout, lambdaContext } from '../support/capture-stdout';
import { useE2EWorld } from '../support/e2e-world';
import { describeWithMoto } from '../support/moto';

type Handler = (event: unknown, context: unknown) => Promise<any>;
const scheduled = { source: 'aws.events', 'detail-type': 'Scheduled Event', detail: {} };
const SF = (l_id: string) => [{ lc_id: 'SF', l_id, logistics_company: '顺丰速运' }];

/**
 * syncShipping against a hostile ERP sandbox (issue #13 part A, #20): rows modified between pages,
 * windows bigger than one invocation, orders that cannot take a shipment yet, malformed and
 * inconsistent replies, merged orders, tracking numbers longer than the store column.
 */
describeWithMoto('syncShipping against a hostile ERP', () => {
  // Every run re-reads the lookback here (LOOKBACK_EVERY_SECONDS 0): the scenarios stamp shipments
  // minutes back, inside the 600 s lookback, and are about the walk, not about when it re-reads.
  const world = useE2EWorld({ products: 40, orders: 700, env: { SHIPPING_RETRY_MAX_ATTEMPTS: '2', LOOKBACK_EVERY_SECONDS: '0' } });
  let handler: Handler;
  let ready: string[];
  let next = 0;
  const take = (n: number) => ready.slice(next, (next += n));

  beforeAll(async () => {
    handler = (await import('../../functions/sync-shipping/handler')).handler as unknown as Handler;
    const { pool } = world().db;
    await pool.query("UPDATE sales_flat_order SET order_status = 'payment_confirmed', tracking_number = NULL, tracking_company = NULL");
    ready = (await pool.query<RowDataPacket[]>('SELECT increment_id FROM sales_flat_order ORDER BY order_id'))[0].map((r) => String(r.increment_id));
    for (const so of ready) world().sandbox.state.upsertOrder(DEMO_SHOP_ID, { so_id: so, shop_status: 'WAIT_SELLER_SEND_GOODS' });
  });
  afterEach(() => world().sandbox.setFaults({}));

  const order = async (incrementId: string) =>
    (await world().db.pool.query<RowDataPacket[]>('SELECT order_status, tracking_number FROM sales_flat_order WHERE increment_id = ?', [incrementId]))[0][0]!;
  const dispatched = async (ids: string[]) => {
    const [rows] = await world().db.pool.query<RowDataPacket[]>(
      "SELECT increment_id FROM sales_flat_order WHERE increment_id IN (?) AND order_status = 'dispatched'",
      [ids],
    );
    return rows.map((r) => String(r.increment_id));
  };

  it('loses no shipment when shipments are modified between pages (scenario 1)', async () => {
    const ids = take(150);
    const start = Date.now() - 2 * 3600_000; // older than the lookback: only the first run reads them
    ids.forEach((so, i) => world().sandbox.state.ship(DEMO_SHOP_ID, so, SF(`C1-${i}`), start + i * 1000));
    world().sandbox.setFaults({ churn: { endpoint: 'logistics', afterPage: 1, rows: 1, times: 1 } });
    const first = await handler(scheduled, lambdaContext());
    expect(first.complete).toBe(true);
    world().sandbox.setFaults({});
    await handler(scheduled, lambdaContext());
    expect((await dispatched(ids)).length).toBe(150);
  });

  it('finishes a window bigger than one invocation over several runs, each committing progress (scenario 2)', async () => {
    const ids = take(300);
    const start = Date.now() - 400_000;
    ids.forEach((so, i) => world().sandbox.state.ship(DEMO_SHOP_ID, so, SF(`C2-${i}`), start + i * 1000));
    const summaries: any[] = [];
    for (let run = 0; run < 40; run++) {
      const calls = world().sandbox.stats.calls;
      // A Lambda that reaches its soft deadline after 3 ERP calls (DEADLINE_MARGIN_MS is 20 s).
      const context = { ...lambdaContext(), getRemainingTimeInMillis: () => (world().sandbox.stats.calls - calls < 3 ? 60_000 : 0) };
      const summary = await handler(scheduled, context);
      summaries.push(summary);
      if (summary.complete) break;
    }
    expect(summaries.length).toBeGreaterThan(2);
    expect(summaries[0].complete).toBe(false);
    for (let i = 1; i < summaries.length; i++) expect(summaries[i].cursor.after).toBeGreaterThan(summaries[i - 1].cursor.after);
    expect(summaries.at(-1).complete).toBe(true);
    expect((await dispatched(ids)).length).toBe(300);
  });

  it('retries a shipment the order could not take yet, and abandons one that never can (scenario 5)', async () => {
    const [late, never] = take(2) as [string, string];
    const { pool } = world().db;
    await pool.query("UPDATE sales_flat_order SET order_status = 'payment_pending' WHERE increment_id IN (?)", [[late, never]]);
    const shippedAt = Date.now() - 3 * 3600_000; // outside every later window: only the retry set brings them back
    world().sandbox.state.ship(DEMO_SHOP_ID, late, SF('R-LATE'), shippedAt);
    world().sandbox.state.ship(DEMO_SHOP_ID, never, SF('R-NEVER'), shippedAt);
    const first = await handler({ orders: [late, never] }, lambdaContext());
    expect(first.failures.map((f: { key: string }) => f.key).sort()).toEqual([late, never].sort());
    expect(first.failures[0].reason).toMatch(/cannot take a shipment yet/);
    expect(first.counts).toMatchObject({ not_shippable: 2, retrySetPending: 2 });

    await pool.query("UPDATE sales_flat_order SET order_status = 'payment_confirmed' WHERE increment_id = ?", [late]);
    const doc = createStateDocumentClient();
    for (const key of [late, never]) {
      await doc.send(
        new UpdateCommand({
          TableName: world().table,
          Key: { pk: 'RETRY#syncShipping', sk: key },
          UpdateExpression: 'SET nextAttemptAt = :due',
          ExpressionAttributeValues: { ':due': 0 },
        }),
      );
    }
    const { result: second, lines } = await captureStdout(() => handler(scheduled, lambdaContext()));
    expect(await order(late)).toMatchObject({ order_status: 'dispatched', tracking_number: 'R-LATE' });
    expect(second.counts).toMatchObject({ retried: 2, abandoned: 1, retrySetPending: 0, retrySetAbandoned: 1 });
    const emf = lines.filter((l) => l.includes('"ItemsAbandoned"')).map((l) => JSON.parse(l) as Record<string, unknown>);
    expect(emf.some((m) => m.ItemsAbandoned === 1 && m.service === 'syncShipping')).toBe(true);
    expect((await order(never)).order_status).toBe('payment_pending');
  });

  it('fails the run, naming the endpoint, on code 0 without the orders list; the cursor stays (scenario 7)', async () => {
    const before = await handler(scheduled, lambdaContext());
    world().sandbox.setFaults({ omitList: 1 });
    await expect(handler(scheduled, lambdaContext())).rejects.toThrow(/logistic\.query.*has no "orders" list/);
    world().sandbox.setFaults({});
    const after = await handler(scheduled, lambdaContext());
    expect(after.cursor.before).toBe(before.cursor.after);
  });

  it('takes the latest row of two for one key, and refuses rows of another shop or with a bad send_date (scenario 7)', async () => {
    const [dup, bad] = take(2) as [string, string];
    world().sandbox.state.ship(DEMO_SHOP_ID, dup, SF('D-REAL'), Date.now() - 1000);
    world().sandbox.setFaults({ duplicateRow: 1 });
    await handler({ orders: [dup] }, lambdaContext());
    expect(await order(dup)).toMatchObject({ order_status: 'dispatched', tracking_number: 'D-REAL' });

    world().sandbox.state.ship(DEMO_SHOP_ID, bad, SF('B-REAL'), Date.now() - 1000);
    world().sandbox.setFaults({ foreignShopRow: 1, badSendDate: 1 });
    const summary = await handler({ orders: [bad] }, lambdaContext());
    const reasons = summary.failures
      .filter((f: { key: string }) => f.key === bad)
      .map((f: { reason: string }) => f.reason)
      .join('\n');
    expect(reasons).toMatch(/unreadable send_date/);
    expect(reasons).toMatch(/of shop 10002, not of this shop 10001/);
    expect(await order(bad)).toMatchObject({ order_status: 'payment_confirmed', tracking_number: null });
  });

  it('ships every store order an ERP order merged (#20)', async () => {
    const merged = take(3);
    world().sandbox.state.shipMerged(DEMO_SHOP_ID, merged, SF('M-1'), Date.now() - 1000);
    await handler(scheduled, lambdaContext());
    for (const so of merged) expect(await order(so)).toMatchObject({ order_status: 'dispatched', tracking_number: 'M-1' });
  });

  it('never cuts a tracking number longer than the store column: an item failure with a warning (#20)', async () => {
    const [long] = take(1) as [string];
    world().sandbox.state.ship(DEMO_SHOP_ID, long, SF(`L${'0'.repeat(119)}`), Date.now() - 1000);
    const { result, lines } = await captureStdout(() => handler(scheduled, lambdaContext()));
    expect(result.failures).toContainEqual({ key: long, reason: expect.stringMatching(/100-character column/) });
    expect(lines.some((l) => l.includes('tracking number too long'))).toBe(true);
    expect(await order(long)).toMatchObject({ order_status: 'payment_confirmed', tracking_number: null });
  });
});
