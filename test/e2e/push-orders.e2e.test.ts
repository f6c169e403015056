import type { RowDataPacket } from 'mysql2/promise';
import { DEMO_SHOP_ID } from '../../dev/jst-sandbox/server';
import { pushOrders } from '../../shared/jobs/orders/push-orders';
import { buildConnectorDependencies, disposeConnectorDependencies } from '../../shared/wiring/connector-dependencies';
import { loadEnvironment } from '../../shared/config/environment';
import { SecretsLoader } from '../../shared/config/secrets-loader';
import { createStateDocumentClient } from '../../shared/state/state-table';
import { silentLogger, nullMetrics, noDeadline, systemClock } from '../../shared/domain/ports';
import { lambdaContext } from '../support/capture-stdout';
import { useE2EWorld } from '../support/e2e-world';
import { describeWithMoto } from '../support/moto';

type Handler = (event: unknown, context: unknown) => Promise<any>;
const scheduled = { source: 'aws.events', 'detail-type': 'Scheduled Event', detail: {} };

describeWithMoto('pushOrders end to end through its handler', () => {
  const world = useE2EWorld({ products: 100, orders: 200 });
  let handler: Handler;
  beforeAll(async () => {
    handler = (await import('../../functions/push-orders/handler')).handler as unknown as Handler;
  });

  const readyIds = async () => {
    const [rows] = await world().db.pool.query<RowDataPacket[]>(
      "SELECT increment_id FROM sales_flat_order WHERE order_status IN ('payment_confirmed', 'processing', 'holded') AND created_at >= ?",
      [world().nowUnix - 30 * 86400],
    );
    return rows.map((r) => String(r.increment_id)).sort();
  };
  const erpSoIds = () => [...world().sandbox.state.orders.values()].map((o) => o.so_id).sort();

  it('dry run returns the payloads and sends nothing', async () => {
    const summary = await handler({ dryRun: true }, lambdaContext());
    expect(summary.details.payloads.length).toBeGreaterThan(0);
    expect(summary.details.payloads[0]).toMatchObject({ shop_id: DEMO_SHOP_ID, shop_status: 'WAIT_SELLER_SEND_GOODS' });
    expect(world().sandbox.state.orders.size).toBe(0);
  });

  it('uploads every ready order in the horizon exactly once, and never an unpaid one', async () => {
    const summary = await handler(scheduled, lambdaContext());
    expect(summary).toMatchObject({ job: 'pushOrders', complete: true, failures: [] });
    expect(erpSoIds()).toEqual(await readyIds());
    expect([...world().sandbox.state.orders.values()].every((o) => o.uploads === 1)).toBe(true);
    const again = await handler(scheduled, lambdaContext());
    expect(again.counts.pushed).toBe(0);
    expect(again.counts.unchanged).toBe(summary.counts.pushed);
    expect([...world().sandbox.state.orders.values()].every((o) => o.uploads === 1)).toBe(true);
  });

  it('finds an order paid 20 days after it was placed, whose updated_at did not move', async () => {
    const [rows] = await world().db.pool.query<RowDataPacket[]>(
      "SELECT order_id, increment_id FROM sales_flat_order WHERE order_status = 'payment_pending' AND created_at < ? AND created_at > ? ORDER BY order_id LIMIT 1",
      [world().nowUnix - 20 * 86400, world().nowUnix - 29 * 86400],
    );
    const { order_id: id, increment_id: incrementId } = rows[0]!;
    await world().db.pool.query("UPDATE sales_flat_order SET order_status = 'payment_confirmed', txn_id = 'LATE-PAY' WHERE order_id = ?", [id]);
    const summary = await handler(scheduled, lambdaContext());
    expect(summary.counts.pushed).toBe(1);
    expect(world().sandbox.state.order(DEMO_SHOP_ID, String(incrementId))).toMatchObject({ status: 'WaitConfirm', uploads: 1 });
  });

  it('sends a cancellation of a pushed order as TRADE_CLOSED, once', async () => {
    const [incrementId] = erpSoIds();
    await world().db.pool.query("UPDATE sales_flat_order SET order_status = 'canceled' WHERE increment_id = ?", [incrementId]);
    const summary = await handler(scheduled, lambdaContext());
    expect(summary.counts.closed).toBe(1);
    expect(world().sandbox.state.order(DEMO_SHOP_ID, incrementId!)).toMatchObject({ status: 'Cancelled', uploads: 2 });
    expect((await handler(scheduled, lambdaContext())).counts.closed).toBe(0);
  });

  it('records an order the ERP rejects, counts it, goes on with the rest, and retries it after its backoff', async () => {
    const [row] = (
      await world().db.pool.query<RowDataPacket[]>(
        "SELECT order_id, increment_id FROM sales_flat_order WHERE order_status = 'payment_pending' AND created_at > ? ORDER BY order_id DESC LIMIT 2",
        [world().nowUnix - 10 * 86400],
      )
    )[0];
    await world().db.pool.query("UPDATE sales_flat_order SET order_status = 'payment_confirmed' WHERE order_id = ?", [row!.order_id]);
    world().sandbox.setFaults({ rejectOrder: 1 });
    const rejected = await handler(scheduled, lambdaContext());
    world().sandbox.setFaults({});
    expect(rejected.counts.rejected).toBe(1);
    expect(rejected.failures).toEqual([{ key: String(row!.increment_id), reason: expect.stringMatching(/attempt 1/) }]);
    const waiting = await handler(scheduled, lambdaContext());
    expect(waiting.counts.waitingRetry).toBe(1);
    expect(world().sandbox.state.order(DEMO_SHOP_ID, String(row!.increment_id))).toBeUndefined();
  });

  it('leaves no duplicate in the ERP when a run crashes between the upload and the ledger write', async () => {
    const [rows] = await world().db.pool.query<RowDataPacket[]>(
      "SELECT order_id, increment_id FROM sales_flat_order WHERE order_status = 'payment_pending' ORDER BY order_id DESC LIMIT 3",
    );
    await world().db.pool.query("UPDATE sales_flat_order SET order_status = 'payment_confirmed' WHERE order_id IN (?)", [rows.map((r) => r.order_id)]);
    const env = loadEnvironment();
    const deps = await buildConnectorDependencies(env, { secrets: new SecretsLoader(), logger: silentLogger, stateClient: createStateDocumentClient() });
    const crashing = {
      ...deps,
      ledger: {
        getMany: deps.ledger.getMany.bind(deps.ledger),
        givenUp: deps.ledger.givenUp,
        putMany: async () => {
          throw new Error('Lambda died here');
        },
      },
    };
    const cursors = { read: async () => undefined, advance: async () => undefined };
    await expect(
      pushOrders(crashing, {
        job: 'pushOrders',
        request: { trigger: 'manual', dryRun: false, mode: 'incremental' },
        env,
        cursors,
        clock: systemClock,
        logger: silentLogger,
        metrics: nullMetrics,
        deadline: noDeadline,
        fence: 0,
      }),
    ).rejects.toThrow('Lambda died here');
    await disposeConnectorDependencies(deps);
    const sizeAfterCrash = world().sandbox.state.orders.size;
    const summary = await handler(scheduled, lambdaContext());
    expect(summary.counts.pushed).toBe(3);
    expect(world().sandbox.state.orders.size).toBe(sizeAfterCrash);
    for (const r of rows) expect(world().sandbox.state.order(DEMO_SHOP_ID, String(r.increment_id))?.uploads).toBe(2);
  });
});
