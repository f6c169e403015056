import { loadEnvironment } from '../../../shared/config/environment';
import type { OrderPage } from '../../../shared/fecmall/order-repository';
import { pushOrders, type PushOrdersPorts } from '../../../shared/jobs/orders/push-orders';
import { silentLogger, type Deadline } from '../../../shared/domain/ports';

/**
 * A run must not leave a store read running after it returned: under IS_LOCAL the handler closes the
 * pool right after the run, and the read then rejects unobserved ("Pool is closed", or "Connection lost"
 * when the soak drops connections) outside any run.
 */
type Deferred<T> = { promise: Promise<T>; resolve(value: T): void; reject(error: Error): void };
function deferred<T>(): Deferred<T> {
  let resolve!: (value: T) => void;
  let reject!: (error: Error) => void;
  const promise = new Promise<T>((res, rej) => ((resolve = res), (reject = rej)));
  return { promise, resolve, reject };
}
const tick = () => new Promise((resolve) => setImmediate(resolve));

function world(deadline: Deadline) {
  const reads: Array<Deferred<OrderPage>> = [];
  let pending = 0;
  const ports = {
    erp: { uploadOrders: async () => [] },
    orders: {
      databaseNow: async () => 1_800_000_000,
      horizonStartOrderId: async () => 1,
      readOrdersAfter: async () => {
        const read = deferred<OrderPage>();
        reads.push(read);
        pending++;
        try {
          return await read.promise;
        } finally {
          pending--;
        }
      },
      readOrdersByIncrementIds: async () => [],
      markHolded: async () => 0,
    },
    ledger: { getMany: async () => new Map(), putMany: async () => undefined },
  } as unknown as PushOrdersPorts;
  const ctx = {
    job: 'pushOrders' as const,
    request: { trigger: 'schedule' as const, dryRun: false, mode: 'incremental' as const },
    env: loadEnvironment({ STATE_TABLE: 't', JST_SECRET_ID: 'j', DB_SECRET_ID: 'd', JST_SHOP_ID: '1' }),
    cursors: { read: async () => undefined, advance: async () => undefined },
    clock: { now: () => 1_800_000_000_000 },
    logger: silentLogger,
    metrics: { count: () => undefined, gauge: () => undefined },
    deadline,
    fence: 1,
  };
  return { reads, pending: () => pending, run: () => pushOrders(ports, ctx as never) };
}

describe('pushOrders leaves no store read behind', () => {
  it('a run whose deadline has already passed returns only once the read it started has settled, and reports its failure', async () => {
    const w = world({ expired: () => true, remainingMs: () => 0 });
    let settled = false;
    const run = w.run().finally(() => (settled = true));
    run.catch(() => undefined);
    for (let i = 0; i < 5; i++) await tick();
    expect(w.reads).toHaveLength(1);
    expect(settled).toBe(false);
    w.reads[0]!.reject(new Error('Connection lost: The server closed the connection.'));
    await expect(run).rejects.toThrow('Connection lost');
    expect(w.pending()).toBe(0);
  });

  it('a run stopped by its deadline after a page waits for the page it read ahead', async () => {
    let checks = 0;
    const w = world({ expired: () => ++checks > 1, remainingMs: () => 0 });
    let settled = false;
    const run = w.run().finally(() => (settled = true));
    run.catch(() => undefined);
    await tick();
    w.reads[0]!.resolve({ orders: [], lastOrderId: 10, done: false });
    for (let i = 0; i < 5; i++) await tick();
    expect(w.reads).toHaveLength(2);
    expect(settled).toBe(false);
    w.reads[1]!.resolve({ orders: [], lastOrderId: 20, done: true });
    expect((await run).complete).toBe(false);
    expect(w.pending()).toBe(0);
  });
});
