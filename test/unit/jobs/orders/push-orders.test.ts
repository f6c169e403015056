import { pushOrders } from '../../../../shared/jobs/orders/push-orders';
import { fakeContext, fakePorts, FakeErp, storeOrder } from '../../../support/push-orders-fakes';

const range = (n: number, from = 1) => Array.from({ length: n }, (_, i) => storeOrder(from + i));

describe('pushOrders decisions (in-memory ports)', () => {
  it('isolates the order that makes the ERP refuse a whole upload call; every other order goes through in the same run', async () => {
    const orders = range(120);
    const { ports, erp, entries } = fakePorts(orders);
    const poison = orders[37]!.incrementId;
    erp.refuseCallsWith.add(poison);
    const { ctx, positions } = fakeContext();
    const outcome = await pushOrders(ports, ctx);
    expect(outcome.complete).toBe(true);
    expect(erp.accepted.size).toBe(119);
    expect(outcome.counts).toMatchObject({ pushed: 119, rejected: 1, isolated: 1 });
    expect(outcome.failures).toEqual([{ key: poison, reason: expect.stringMatching(/refused the upload call whenever this order was in it \(code 140/) }]);
    expect(entries.get(poison)).toMatchObject({ state: 'rejected', attempts: 1, nextRetryAt: expect.any(Number) });
    expect(positions.get('scan')).toBeNull();
    // 3 batches of ≤50; the refused one costs 2 calls per halving level.
    expect(erp.calls.length).toBeLessThanOrEqual(3 + 2 * Math.ceil(Math.log2(50)));
  });

  it('treats an ERP that refuses every call as a run failure, not as every order being bad', async () => {
    const orders = range(60);
    const erp = new FakeErp();
    for (const o of orders) erp.refuseCallsWith.add(o.incrementId);
    const { ports, entries } = fakePorts(orders, erp);
    await expect(pushOrders(ports, fakeContext().ctx)).rejects.toMatchObject({ code: 'ERP_REFUSES_UPLOADS' });
    // 16 refusals in a row trip it; halves already in flight at that moment still count.
    expect(erp.calls.length).toBeLessThanOrEqual(32);
    expect(entries.size).toBeLessThanOrEqual(2);
  });

  it('isolates a batch that keeps failing after the client retries (code 150) like a refused one', async () => {
    const orders = range(50);
    const { ports, erp } = fakePorts(orders);
    erp.refuseCallsWith.add(orders[9]!.incrementId);
    erp.callCode = { code: 'JST_INTERNAL', jstCode: 150 };
    const outcome = await pushOrders(ports, fakeContext().ctx);
    expect(outcome.counts).toMatchObject({ pushed: 49, rejected: 1, isolated: 1 });
    expect(outcome.failures[0]).toMatchObject({ key: orders[9]!.incrementId, reason: expect.stringMatching(/code 150/) });
  });

  it.each([
    ['JST_NETWORK', 0],
    ['JST_RATE_LIMITED', 200],
    ['JST_TOKEN_EXPIRED', 100],
  ])('does not split on %s (the whole ERP): the run fails and the cursor stays', async (code, jstCode) => {
    const orders = range(10);
    const erp = new FakeErp();
    erp.refuseCallsWith.add(orders[0]!.incrementId);
    erp.callCode = { code, jstCode };
    const { ports } = fakePorts(orders, erp);
    const { ctx, positions } = fakeContext();
    await expect(pushOrders(ports, ctx)).rejects.toMatchObject({ code });
    expect(erp.calls).toHaveLength(1);
    expect(positions.size).toBe(0);
  });

  it('does not split on an authentication or network failure: the run fails', async () => {
    const orders = range(10);
    const erp = new FakeErp();
    erp.refuseCallsWith.add(orders[0]!.incrementId);
    erp.callCode = { code: 'JST_AUTH', jstCode: 10 };
    const { ports } = fakePorts(orders, erp);
    await expect(pushOrders(ports, fakeContext().ctx)).rejects.toMatchObject({ code: 'JST_AUTH' });
    expect(erp.calls).toHaveLength(1);
  });

  it('gives up after ORDER_MAX_ATTEMPTS loudly: a failure entry, OrdersAbandoned, the given-up list; a later acceptance clears it', async () => {
    const orders = range(3);
    const { ports, erp, givenUp } = fakePorts(orders);
    const bad = orders[1]!.incrementId;
    erp.rejectOrders.add(bad);
    const first = fakeContext({}, { ORDER_MAX_ATTEMPTS: '2' });
    await pushOrders(ports, first.ctx);
    const later = fakeContext({}, { ORDER_MAX_ATTEMPTS: '2' }, 1_764_100_000_000 + 86_400_000);
    const second = await pushOrders(ports, later.ctx);
    expect(second.counts).toMatchObject({ rejected: 1, givenUp: 1 });
    expect(second.failures).toEqual([{ key: bad, reason: expect.stringMatching(/^given up after 2 attempts/) }]);
    expect(later.metrics.get('OrdersAbandoned')).toBe(1);
    expect([...givenUp.keys()]).toEqual([bad]);
    const third = await pushOrders(ports, fakeContext({}, { ORDER_MAX_ATTEMPTS: '2' }, 1_764_100_000_000 + 10 * 86_400_000).ctx);
    expect(third.counts).toMatchObject({ abandoned: 1, rejected: 0 });
    erp.rejectOrders.clear();
    const manual = await pushOrders(ports, fakeContext({ orders: [bad] }, { ORDER_MAX_ATTEMPTS: '2' }).ctx);
    expect(manual.counts.pushed).toBe(1);
    expect(givenUp.size).toBe(0);
  });

  it('never cuts a key field: an over-long SKU is a local rejection naming the field and the limit, never sent', async () => {
    const long = storeOrder(2, {
      items: [{ itemId: 20, sku: `${'S'.repeat(40)}-XL`, name: 'Dress', qty: 1, price: '10.00', rowTotal: '10.00', basePrice: '10.00', baseRowTotal: '10.00' }],
    });
    const { ports, erp, entries } = fakePorts([storeOrder(1), long, storeOrder(3)]);
    const outcome = await pushOrders(ports, fakeContext().ctx);
    expect(outcome.counts).toMatchObject({ pushed: 2, rejectedLocally: 1 });
    expect(erp.calls.flat()).not.toContain(long.incrementId);
    expect(outcome.failures[0]!.reason).toMatch(/items\[0\]\.sku_id has 43 characters, the ERP allows 40/);
    expect(entries.get(long.incrementId)).toMatchObject({ state: 'rejected', attempts: 1 });
  });

  it('closes pushed orders that are refunded, and breaks notPushable down by reason', async () => {
    const orders = [
      storeOrder(1),
      storeOrder(2),
      storeOrder(3, { status: 'payment_pending', lifecycle: 'unpaid_or_other' }),
      storeOrder(4, { status: 'dispatched', lifecycle: 'shipped' }),
      storeOrder(5, { status: 'refunded', lifecycle: 'cancelled' }),
    ];
    const { ports, erp } = fakePorts(orders);
    await pushOrders(ports, fakeContext().ctx);
    orders[0] = storeOrder(1, { status: 'refunded', lifecycle: 'cancelled' });
    const outcome = await pushOrders(ports, fakeContext().ctx);
    expect(outcome.counts).toMatchObject({ closed: 1, notPushable: 3, unchanged: 1 });
    expect(outcome.details?.notPushableByReason).toEqual({ unpaid_or_other: 1, shipped: 1, closed_never_pushed: 1 });
    expect(erp.accepted.get(orders[0].incrementId)?.shop_status).toBe('TRADE_CLOSED');
  });

  it('names unknown order ids as failures, and re-sends unchanged named orders only with force', async () => {
    const orders = range(2);
    const { ports, erp } = fakePorts(orders);
    await pushOrders(ports, fakeContext().ctx);
    const named = await pushOrders(ports, fakeContext({ orders: [orders[0]!.incrementId, 'NOPE-1'] }).ctx);
    expect(named.counts).toMatchObject({ unchanged: 1, unknownOrders: 1, pushed: 0 });
    expect(named.failures).toEqual([{ key: 'NOPE-1', reason: 'no order with this increment id in the store' }]);
    expect(named.details?.skippedOrders).toEqual([{ key: orders[0]!.incrementId, outcome: 'unchanged (add "force": true to re-send)' }]);
    const forced = await pushOrders(ports, fakeContext({ orders: [orders[0]!.incrementId], force: true }).ctx);
    expect(forced.counts.pushed).toBe(1);
    expect(erp.calls.at(-1)).toEqual([orders[0]!.incrementId]);
  });

  it('pushes only the orders created in an explicit window, and leaves the cursor alone', async () => {
    const orders = range(30);
    const { ports, erp } = fakePorts(orders);
    const { ctx, positions } = fakeContext({ window: { fromMs: orders[10]!.createdAt * 1000, toMs: orders[20]!.createdAt * 1000 } });
    const outcome = await pushOrders(ports, ctx);
    expect(outcome.counts.pushed).toBe(10);
    expect([...erp.accepted.keys()]).toEqual(orders.slice(10, 20).map((o) => o.incrementId));
    expect(positions.size).toBe(0);
  });

  it('returns at most 5 dry-run payloads, masked like the logs, with a count of the rest', async () => {
    const { ports, erp } = fakePorts(range(12));
    const outcome = await pushOrders(ports, fakeContext({ dryRun: true }).ctx);
    const payloads = outcome.details?.payloads as Array<Record<string, unknown>>;
    expect(payloads).toHaveLength(5);
    expect(outcome.details?.payloadsOmitted).toBe(7);
    expect(payloads[0]).toMatchObject({
      receiver_name: '***',
      receiver_phone: '***',
      receiver_address: '***',
      shop_buyer_id: '***',
      so_id: expect.any(String),
    });
    expect(JSON.stringify(outcome)).not.toMatch(/13800000000|a@example\.com|Road 1/);
    expect(erp.calls).toHaveLength(0);
  });

  it('with ORDER_HOLD_AFTER_PUSH records the hash of the held order, so the next run does not re-send it', async () => {
    const orders = range(2);
    const { ports, erp, held } = fakePorts(orders);
    await pushOrders(ports, fakeContext({}, { ORDER_HOLD_AFTER_PUSH: 'true' }).ctx);
    expect(held).toEqual([1, 2]);
    orders.splice(0, 2, ...orders.map((o) => ({ ...o, status: 'holded', updatedAt: 1_764_100_000 })));
    const again = await pushOrders(ports, fakeContext({}, { ORDER_HOLD_AFTER_PUSH: 'true' }).ctx);
    expect(again.counts).toMatchObject({ unchanged: 2, pushed: 0 });
    expect(erp.calls).toHaveLength(1);
  });
});
