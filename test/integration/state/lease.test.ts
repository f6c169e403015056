import { DeleteCommand, GetCommand } from '@aws-sdk/lib-dynamodb';
import { LeaseStore } from '../../../shared/state/lease';
import { stateKeys } from '../../../shared/state/state-keys';
import { createStateDocumentClient } from '../../../shared/state/state-table';
import { useDynalite } from '../../support/dynamo';
import { createStateTable } from '../../support/state-table';

describe('the job lease (dynalite)', () => {
  useDynalite();
  let table: string;
  let leases: LeaseStore;
  const doc = createStateDocumentClient();
  beforeEach(async () => {
    table = await createStateTable();
    leases = new LeaseStore(doc, table);
  });
  afterAll(() => doc.destroy());

  it('is granted to one run at a time, per job, with a fence that grows with every acquisition', async () => {
    const first = await leases.acquire('syncInventory', 'run-1', 60_000, 1_000);
    expect(first).toEqual({ job: 'syncInventory', owner: 'run-1', fence: 1, leaseUntil: 61_000 });
    expect(await leases.acquire('syncInventory', 'run-2', 60_000, 2_000)).toBeUndefined();
    expect(await leases.acquire('pushOrders', 'run-3', 60_000, 2_000)).toMatchObject({ fence: 1 });
  });

  it('lets exactly one of many simultaneous acquisitions win', async () => {
    const attempts = await Promise.all(Array.from({ length: 6 }, (_, i) => leases.acquire('pushOrders', `run-${i}`, 60_000, 1_000)));
    expect(attempts.filter(Boolean)).toHaveLength(1);
  });

  it('expires by its stored leaseUntil (the item carries no TTL attribute), and after a release', async () => {
    await leases.acquire('syncShipping', 'run-1', 60_000, 1_000);
    expect(await leases.acquire('syncShipping', 'run-2', 60_000, 61_000)).toBeUndefined();
    const afterExpiry = await leases.acquire('syncShipping', 'run-2', 60_000, 61_001);
    expect(afterExpiry?.fence).toBe(2);
    const item = await doc.send(new GetCommand({ TableName: table, Key: stateKeys.lease('syncShipping') }));
    expect(item.Item).not.toHaveProperty('expiresAt');

    await leases.release(afterExpiry!);
    expect((await leases.acquire('syncShipping', 'run-3', 60_000, 62_000))?.fence).toBe(3);
  });

  it('is renewed by its holder only; a run whose lease was taken can neither renew nor release it', async () => {
    const old = (await leases.acquire('syncShipping', 'old', 1_000, 0))!;
    await leases.renew(old, 10_000, 500);
    expect(await leases.acquire('syncShipping', 'early', 1_000, 5_000)).toBeUndefined();
    const current = (await leases.acquire('syncShipping', 'new', 60_000, 10_501))!;

    await expect(leases.renew(old, 10_000, 10_502)).rejects.toMatchObject({ code: 'LEASE_LOST' });
    await leases.release(old);
    expect(await leases.stillHeld(current, 10_503)).toBe(true);
    expect(await leases.stillHeld(old, 10_503)).toBe(false);
  });

  it("moves its fence past the cursor's when the lease item was deleted, so old fences stay dead", async () => {
    const first = (await leases.acquire('syncInventory', 'run-1', 1_000, 0))!;
    const second = (await leases.acquire('syncInventory', 'run-2', 1_000, 5_000))!;
    expect(second.fence).toBe(2);
    await doc.send(new DeleteCommand({ TableName: table, Key: stateKeys.lease('syncInventory') }));

    const afterDelete = (await leases.acquire('syncInventory', 'run-3', 1_000, 10_000))!;
    expect(afterDelete.fence).toBe(3);
    const cursor = await doc.send(new GetCommand({ TableName: table, Key: stateKeys.cursor('syncInventory') }));
    expect(cursor.Item?.fence).toBe(3);
    expect(first.fence).toBeLessThan(afterDelete.fence);
  });
});
