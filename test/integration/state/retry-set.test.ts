import { LeaseStore } from '../../../shared/state/lease';
import { RetrySet } from '../../../shared/state/retry-set';
import { RETRY_BASE_MS } from '../../../shared/domain/retry-backoff';
import { LeaseLostError } from '../../../shared/state/state-errors';
import { createStateDocumentClient } from '../../../shared/state/state-table';
import { useDynalite } from '../../support/dynamo';
import { createStateTable } from '../../support/state-table';

describe("a job's retry set (dynalite)", () => {
  useDynalite();
  let table: string;
  let leases: LeaseStore;
  const doc = createStateDocumentClient();
  beforeEach(async () => {
    table = await createStateTable();
    leases = new LeaseStore(doc, table);
  });
  afterAll(() => doc.destroy());

  it('keeps a failed item with its reason and hands it out again only once its backoff has passed', async () => {
    const lease = (await leases.acquire('syncShipping', 'run', 60_000, 0))!;
    const set = new RetrySet(doc, table, 'syncShipping');
    await set.record([{ key: 'SO-1', reason: 'order is pending', context: { oId: 7 } }], 1_000, lease.fence);

    expect(await set.due(1_000)).toEqual([]);
    const [item] = await set.due(1_000 + RETRY_BASE_MS);
    expect(item).toMatchObject({ key: 'SO-1', reason: 'order is pending', attempts: 1, abandoned: false, context: { oId: 7 }, firstFailedAt: 1_000 });
    expect(await set.size()).toEqual({ pending: 1, abandoned: 0 });
  });

  it('counts attempts, doubles the wait, and abandons an item after the last attempt (returned once, never due again)', async () => {
    const lease = (await leases.acquire('syncInventory', 'run', 60_000, 0))!;
    const set = new RetrySet(doc, table, 'syncInventory', { maxAttempts: 3 });
    expect(await set.record([{ key: 'SKU-1', reason: 'bad row' }], 0, lease.fence)).toEqual([]);
    await set.record([{ key: 'SKU-1', reason: 'bad row again' }], 10, lease.fence);
    const [second] = await set.all();
    expect(second).toMatchObject({ attempts: 2, nextAttemptAt: 10 + 2 * RETRY_BASE_MS, firstFailedAt: 0, lastFailedAt: 10 });

    const abandoned = await set.record([{ key: 'SKU-1', reason: 'still bad' }], 20, lease.fence);
    expect(abandoned.map((i) => [i.key, i.attempts, i.abandoned])).toEqual([['SKU-1', 3, true]]);
    expect(await set.due(Number.MAX_SAFE_INTEGER)).toEqual([]);
    expect(await set.size()).toEqual({ pending: 0, abandoned: 1 });
  });

  it("forgets items that succeeded, and keeps each job's set apart", async () => {
    const inv = (await leases.acquire('syncInventory', 'run', 60_000, 0))!;
    const ship = (await leases.acquire('syncShipping', 'run', 60_000, 0))!;
    const stock = new RetrySet(doc, table, 'syncInventory');
    const shipping = new RetrySet(doc, table, 'syncShipping');
    await stock.record(
      [
        { key: 'A', reason: 'x' },
        { key: 'B', reason: 'y' },
      ],
      0,
      inv.fence,
    );
    await shipping.record([{ key: 'A', reason: 'z' }], 0, ship.fence);
    await stock.clear(['A'], inv.fence);
    expect((await stock.all()).map((i) => i.key)).toEqual(['B']);
    expect((await shipping.all()).map((i) => i.reason)).toEqual(['z']);
  });

  it('refuses to write for a run that lost its lease', async () => {
    const old = (await leases.acquire('syncShipping', 'old', 1, 0))!;
    await leases.acquire('syncShipping', 'new', 60_000, 10);
    const set = new RetrySet(doc, table, 'syncShipping');
    await expect(set.record([{ key: 'SO-1', reason: 'x' }], 20, old.fence)).rejects.toBeInstanceOf(LeaseLostError);
    await expect(set.clear(['SO-1'], old.fence)).rejects.toBeInstanceOf(LeaseLostError);
    expect(await set.all()).toEqual([]);
  });

  it('pages through a large set with a Query', async () => {
    const lease = (await leases.acquire('syncInventory', 'run', 60_000, 0))!;
    const set = new RetrySet(doc, table, 'syncInventory', { writeConcurrency: 16 });
    // 120 items of ~10 KB: more than one 1 MB Query page.
    const reason = 'x'.repeat(10_000);
    await set.record(
      Array.from({ length: 120 }, (_, i) => ({ key: `SKU-${String(i).padStart(4, '0')}`, reason })),
      0,
      lease.fence,
    );
    expect((await set.all()).length).toBe(120);
    expect((await set.due(RETRY_BASE_MS, 100)).length).toBe(100);
  });
});
