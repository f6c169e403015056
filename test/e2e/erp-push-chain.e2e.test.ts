import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import type { RowDataPacket } from 'mysql2/promise';
import { LeaseStore } from '../../shared/state/lease';
import { PushHints } from '../../shared/state/push-hints';
import { DEMO_SHOP_ID } from '../../dev/jst-sandbox/server';
import { startErpNotifyServer, type ErpNotifyServer } from '../../dev/local/erp-notify-server';
import { jobOfFunction } from '../../dev/local/job-of-function';
import { createErpNotifyHandler } from '../../shared/runtime/erp-notify-handler';
import { buildNotifyDependencies } from '../../shared/wiring/notify-dependencies';
import { lambdaContext } from '../support/capture-stdout';
import { useE2EWorld } from '../support/e2e-world';
import { describeWithMoto } from '../support/moto';

type Handler = (event: unknown, context: unknown) => Promise<any>;
const scheduled = { source: 'aws.events', 'detail-type': 'Scheduled Event', detail: {} };

/**
 * The whole chain, every part real: the sandbox ERP ships an order and pushes logistics.upload to
 * erpNotify (a local Function URL on the real handler), which records the hint and starts syncShipping
 * through its Lambda client; the started run (its handler, in this process, as Lambda's async invoke
 * would run it) writes the tracking number into the store database.
 */
describeWithMoto('ERP push → erpNotify → syncShipping → store, in one invocation chain', () => {
  const world = useE2EWorld({ products: 40, orders: 80 });
  let notify: ErpNotifyServer;
  let syncShipping: Handler;
  let syncInventory: Handler;
  const runs: Array<{ job: string; event: unknown; summary: Promise<any> }> = [];
  let ready: string[];
  const doc = DynamoDBDocumentClient.from(new DynamoDBClient({}));
  /** The time a push-started run has (its lease wait is at most this less DEADLINE_MARGIN_MS, 20 s). */
  let pushRemainingMs = 300_000;
  const storeQtyOf = async (sku: string) =>
    (
      await world().db.pool.query<RowDataPacket[]>('SELECT q.qty FROM product_flat p JOIN product_flat_qty q ON q.product_id = p.id WHERE p.sku = ?', [sku])
    )[0][0]?.qty;

  const order = async (incrementId: string) =>
    (await world().db.pool.query<RowDataPacket[]>('SELECT order_status, tracking_number FROM sales_flat_order WHERE increment_id = ?', [incrementId]))[0][0]!;

  beforeAll(async () => {
    syncShipping = (await import('../../functions/sync-shipping/handler')).handler as unknown as Handler;
    syncInventory = (await import('../../functions/sync-inventory/handler')).handler as unknown as Handler;
    const handler = createErpNotifyHandler({
      buildDependencies: buildNotifyDependencies,
      environment: { ...process.env, SYNC_INVENTORY_FUNCTION: 'e2e-syncInventory', SYNC_SHIPPING_FUNCTION: 'e2e-syncShipping', LOG_LEVEL: 'SILENT' },
    });
    notify = await startErpNotifyServer({
      handler,
      invoke: ({ functionName, event }) => {
        const job = jobOfFunction(functionName);
        if (job !== 'syncShipping' && job !== 'syncInventory') return;
        const run = job === 'syncShipping' ? syncShipping : syncInventory;
        runs.push({ job, event, summary: run(event, lambdaContext(pushRemainingMs)) });
      },
    });
    process.env.AWS_ENDPOINT_URL_LAMBDA = notify.lambdaEndpoint;
    const { sandbox } = world();
    sandbox.pushes.setTarget(notify.url);
    sandbox.pushes.setBehaviour({ generation: 'open' });
    ready = (
      await world().db.pool.query<RowDataPacket[]>(
        "SELECT increment_id FROM sales_flat_order WHERE order_status = 'payment_confirmed' ORDER BY order_id DESC LIMIT 3",
      )
    )[0].map((r) => String(r.increment_id));
    for (const so of ready) sandbox.state.upsertOrder(DEMO_SHOP_ID, { so_id: so, shop_status: 'WAIT_SELLER_SEND_GOODS', items: [] });
    // First polls set the cursors, as the deployed schedules would have long before (pushes off meanwhile).
    sandbox.pushes.setTarget(undefined);
    sandbox.seedInventory(world().seeded.skus.map((sku) => ({ sku_id: sku, qty: 10, modifiedMs: Date.now() - 3_600_000 })));
    await syncShipping(scheduled, lambdaContext());
    await syncInventory(scheduled, lambdaContext());
    sandbox.pushes.setTarget(notify.url);
  });
  afterAll(async () => {
    world().sandbox.pushes.setTarget(undefined);
    await notify.close();
    delete process.env.AWS_ENDPOINT_URL_LAMBDA;
  });
  beforeEach(() => {
    runs.length = 0;
    world().sandbox.pushes.clear();
  });

  it('applies a signed shipment push through the run erpNotify starts, with no poll', async () => {
    world().sandbox.state.ship(DEMO_SHOP_ID, ready[0]!, [{ lc_id: 'SF', l_id: 'SFPUSH01', logistics_company: '顺丰速运' }]);
    await world().sandbox.pushes.idle();

    expect(
      world()
        .sandbox.pushes.sent()
        .map((p) => [p.method, p.reply]),
    ).toEqual([['logistics.upload', { code: 0, msg: 'ok' }]]);
    expect(runs.map((r) => r.event)).toEqual([{ trigger: 'push' }]);
    const summary = await runs[0]!.summary;
    expect(summary).toMatchObject({
      job: 'syncShipping',
      complete: true,
      counts: { applied: 1, hints: 1, hintsCleared: 1, hintsKept: 0 },
      details: { trigger: 'push' },
    });
    expect(await order(ready[0]!)).toMatchObject({ order_status: 'dispatched', tracking_number: 'SFPUSH01' });
  });

  it('applies a signed stock push through the syncInventory run erpNotify starts', async () => {
    const sku = world().seeded.skus[3]!;
    const storeQty = async () =>
      (
        await world().db.pool.query<RowDataPacket[]>('SELECT q.qty FROM product_flat p JOIN product_flat_qty q ON q.product_id = p.id WHERE p.sku = ?', [sku])
      )[0][0]?.qty;
    const before = await storeQty();
    world().sandbox.state.setStock(sku, { qty: 321 });
    await world().sandbox.pushes.idle();

    expect(
      world()
        .sandbox.pushes.sent()
        .map((p) => [p.method, p.keys, p.reply]),
    ).toEqual([['inventory.upload', [sku], { code: 0, msg: 'ok' }]]);
    expect(runs.map((r) => [r.job, r.event])).toEqual([['syncInventory', { trigger: 'push' }]]);
    expect(await runs[0]!.summary).toMatchObject({ job: 'syncInventory', complete: true, counts: { hints: 1, hintsCleared: 1 }, details: { trigger: 'push' } });
    expect(await storeQty()).not.toBe(before);
    expect(Number(await storeQty())).toBeGreaterThan(300);
  });

  it('re-reads the SKU a push names even when the ERP stamps the change before the cursor (the window alone would miss it)', async () => {
    const sku = world().seeded.skus[5]!;
    // modified two hours back: behind the incremental cursor, so only the hint's SKU query sees it.
    world().sandbox.state.setStock(sku, { qty: 654 }, 0, Date.now() - 2 * 3_600_000);
    await world().sandbox.pushes.idle();

    expect(runs.map((r) => r.job)).toEqual(['syncInventory']);
    const summary = await runs[0]!.summary;
    expect(summary).toMatchObject({ complete: true, counts: { hints: 1, hintsCleared: 1, hintsKept: 0 } });
    expect(Number(await storeQtyOf(sku))).toBeGreaterThan(600);
    expect(await new PushHints(doc, world().table, 'syncInventory').take(10)).toEqual([]);
  });

  it('drains a hint that arrives while a run holds the lease by the run erpNotify starts behind it, once the lease is free', async () => {
    const sku = world().seeded.skus[6]!;
    const leases = new LeaseStore(doc, world().table);
    const held = await leases.acquire('syncInventory', 'a-run-ending', 60_000, Date.now());
    world().sandbox.state.setStock(sku, { qty: 777 }, 0, Date.now() - 2 * 3_600_000);
    await world().sandbox.pushes.idle();

    expect(world().sandbox.pushes.sent()[0]).toMatchObject({ method: 'inventory.upload', reply: { code: 0 } });
    // erpNotify started the job behind the running one: the started run waits for the lease.
    expect(runs.map((r) => r.job)).toEqual(['syncInventory']);
    expect((await new PushHints(doc, world().table, 'syncInventory').take(10)).map((h) => h.key)).toEqual([sku]);
    expect(Number(await storeQtyOf(sku))).toBeLessThan(700);

    await new Promise((resolve) => setTimeout(resolve, 1200));
    await leases.release(held!);
    expect(await runs[0]!.summary).toMatchObject({ complete: true, counts: { hints: 1, hintsCleared: 1 } });
    expect(Number(await storeQtyOf(sku))).toBeGreaterThan(700);
  });

  it('a push-started run that cannot get the lease within its wait is skipped, and the next run drains the hint', async () => {
    const sku = world().seeded.skus[9]!;
    const leases = new LeaseStore(doc, world().table);
    const held = await leases.acquire('syncInventory', 'a-stuck-run', 60_000, Date.now());
    pushRemainingMs = 22_000; // a lease wait of about 2 s
    world().sandbox.state.setStock(sku, { qty: 888 }, 0, Date.now() - 2 * 3_600_000);
    await world().sandbox.pushes.idle();
    expect(await runs[0]!.summary).toMatchObject({ skipped: 'already running' });
    pushRemainingMs = 300_000;

    await leases.release(held!);
    const next = await syncInventory(scheduled, lambdaContext());
    expect(next).toMatchObject({ complete: true, counts: { hints: 1, hintsCleared: 1 } });
    expect(Number(await storeQtyOf(sku))).toBeGreaterThan(800);
  });

  it('changes nothing the ERP would not on a push naming a SKU whose stock did not change, or one the ERP does not know', async () => {
    const sku = world().seeded.skus[7]!;
    const qty = await storeQtyOf(sku);
    await new PushHints(doc, world().table, 'syncInventory').add([sku, 'NO-SUCH-SKU'], 'inventory.upload', Date.now());

    const summary = await syncInventory(scheduled, lambdaContext());
    expect(summary).toMatchObject({ complete: true, counts: { hints: 2, hintsCleared: 2 } });
    expect(await storeQtyOf(sku)).toBe(qty);
  });

  it('writes the ERP query figure, not the figure a wrong push carries; a replayed and a malformed push start nothing', async () => {
    const sku = world().seeded.skus[8]!;
    world().sandbox.pushes.setBehaviour({ generation: 'open', enabled: false });
    world().sandbox.state.setStock(sku, { qty: 42 }, 0, Date.now() - 2 * 3_600_000);
    const [wrong] = await world().sandbox.pushes.sendOnRequest({ method: 'inventory.upload', skus: [sku], mode: 'wrong' });
    expect(wrong).toMatchObject({ mode: 'wrong', reply: { code: 0 } });
    expect(runs.map((r) => r.job)).toEqual(['syncInventory']);
    await runs[0]!.summary;
    const applied = await storeQtyOf(sku);
    expect(Number(applied)).toBeGreaterThanOrEqual(30);
    expect(Number(applied)).toBeLessThanOrEqual(42);

    runs.length = 0;
    const [replayed] = await world().sandbox.pushes.sendOnRequest({ method: 'inventory.upload', skus: [sku], mode: 'replayed' });
    const [malformed] = await world().sandbox.pushes.sendOnRequest({ method: 'inventory.upload', skus: [sku], mode: 'malformed' });
    expect(replayed).toMatchObject({ mode: 'replayed', reply: { code: -1 } });
    expect(malformed).toMatchObject({ mode: 'malformed', reply: { code: -1 } });
    expect(runs).toEqual([]);
    expect(await new PushHints(doc, world().table, 'syncInventory').take(10)).toEqual([]);
    expect(await storeQtyOf(sku)).toBe(applied);
  });

  it('changes nothing on a forged push: refused, no run, the order untouched', async () => {
    world().sandbox.pushes.setBehaviour({ generation: 'open', forged: 1 });
    world().sandbox.state.ship(DEMO_SHOP_ID, ready[1]!, [{ lc_id: 'SF', l_id: 'SFFORGED', logistics_company: '顺丰速运' }]);
    await world().sandbox.pushes.idle();

    expect(world().sandbox.pushes.sent()[0]).toMatchObject({ mode: 'forged', reply: { code: -1 } });
    expect(runs).toEqual([]);
    expect((await order(ready[1]!)).order_status).toBe('payment_confirmed');
  });

  it('catches a push that was never sent with the next poll', async () => {
    world().sandbox.pushes.setBehaviour({ generation: 'open', dropped: 1 });
    world().sandbox.state.ship(DEMO_SHOP_ID, ready[2]!, [{ lc_id: 'SF', l_id: 'SFLOST01', logistics_company: '顺丰速运' }]);
    await world().sandbox.pushes.idle();
    expect(runs).toEqual([]);
    expect((await order(ready[2]!)).tracking_number).toBeNull();

    const summary = await syncShipping(scheduled, lambdaContext());
    // The forged case's shipment (ready[1]) is in the ERP too: the poll applies both.
    expect(summary.counts.applied).toBe(2);
    expect(await order(ready[2]!)).toMatchObject({ order_status: 'dispatched', tracking_number: 'SFLOST01' });
    expect(await order(ready[1]!)).toMatchObject({ order_status: 'dispatched', tracking_number: 'SFFORGED' });
  });
});
