import { GetCommand } from '@aws-sdk/lib-dynamodb';
import { CursorStore } from '../../../shared/state/cursor-store';
import { LeaseStore } from '../../../shared/state/lease';
import { nextRetryAt, OrderLedger, type LedgerEntry } from '../../../shared/state/order-ledger';
import { RunHistory } from '../../../shared/state/run-history';
import { createStateDocumentClient } from '../../../shared/state/state-table';
import { useDynalite } from '../../support/dynamo';
import { createStateTable } from '../../support/state-table';

describe('run state on DynamoDB (dynalite)', () => {
  useDynalite();
  let table: string;
  const doc = () => createStateDocumentClient();
  beforeEach(async () => {
    table = await createStateTable();
  });

  it('grants the lease to one run at a time, with a growing fence, and again after it expires or is released', async () => {
    const leases = new LeaseStore(doc(), table);
    const first = await leases.acquire('syncInventory', 'run-1', 60_000, 1_000);
    expect(first?.fence).toBe(1);
    expect(await leases.acquire('syncInventory', 'run-2', 60_000, 2_000)).toBeUndefined();
    expect(await leases.acquire('pushOrders', 'run-3', 60_000, 2_000)).toMatchObject({ fence: 1 });
    const afterExpiry = await leases.acquire('syncInventory', 'run-2', 60_000, 61_001);
    expect(afterExpiry?.fence).toBe(2);
    await leases.release(afterExpiry!);
    expect((await leases.acquire('syncInventory', 'run-4', 60_000, 62_000))?.fence).toBe(3);
  });

  it('lets only the current lease holder move the cursor', async () => {
    const leases = new LeaseStore(doc(), table);
    const cursors = new CursorStore(doc(), table);
    const old = (await leases.acquire('syncShipping', 'old', 1_000, 0))!;
    await cursors.advance('syncShipping', 'incremental', 100, old.fence, 10);
    const current = (await leases.acquire('syncShipping', 'new', 1_000, 5_000))!;
    await expect(cursors.advance('syncShipping', 'incremental', 999, old.fence, 5_001)).rejects.toMatchObject({ code: 'LEASE_LOST' });
    await expect(leases.renew(old, 1_000, 5_002)).rejects.toMatchObject({ code: 'LEASE_LOST' });
    expect((await cursors.read('syncShipping', 'incremental'))?.position).toBe(100);
    await cursors.advance('syncShipping', 'incremental', 200, current.fence, 5_003);
    expect((await cursors.read<number>('syncShipping', 'incremental'))?.position).toBe(200);
    expect(await cursors.read('syncShipping', 'full')).toBeUndefined();
    expect(await leases.stillHeld(current, 5_004)).toBe(true);
    expect(await leases.stillHeld(old, 5_004)).toBe(false);
  });

  it('keeps the order push ledger, read in batches of 100 and written with the fence', async () => {
    const ledger = new OrderLedger(doc(), table, 10001);
    const entries: LedgerEntry[] = Array.from({ length: 230 }, (_, i) => ({ incrementId: `11000${i}`, acceptedHash: `h${i}`, oId: i, state: 'accepted', attempts: 0, updatedAt: 1 }));
    await ledger.putMany(entries, 3, 'pushOrders');
    const got = await ledger.getMany([...entries.map((e) => e.incrementId), 'missing']);
    expect(got.size).toBe(230);
    expect(got.get('110007')).toEqual(entries[7]);
    await expect(ledger.putMany([{ ...entries[0]!, acceptedHash: 'stale' }], 2, 'pushOrders')).rejects.toMatchObject({ code: 'LEASE_LOST' });
    const raw = await doc().send(new GetCommand({ TableName: table, Key: { pk: 'ORDER#10001#110000', sk: 'LEDGER' } }));
    expect(raw.Item?.acceptedHash).toBe('h0');
  });

  it('backs off rejected orders exponentially, capped at 12 hours', () => {
    expect(nextRetryAt(1, 0)).toBe(5 * 60_000);
    expect(nextRetryAt(3, 0)).toBe(20 * 60_000);
    expect(nextRetryAt(20, 0)).toBe(12 * 3600_000);
  });

  it('keeps run history newest first, with a TTL', async () => {
    const history = new RunHistory(doc(), table, 30);
    await history.record('pushOrders', 'a', Date.UTC(2026, 0, 1), { n: 1 });
    await history.record('pushOrders', 'b', Date.UTC(2026, 0, 2), { n: 2 });
    expect(await history.latest('pushOrders', 5)).toEqual([{ n: 2 }, { n: 1 }]);
    const item = await doc().send(new GetCommand({ TableName: table, Key: { pk: 'RUNS#pushOrders', sk: `${new Date(Date.UTC(2026, 0, 2)).toISOString()}#b` } }));
    expect(item.Item?.expiresAt).toBe(Date.UTC(2026, 0, 2) / 1000 + 30 * 86400);
  });
});
