import { GetCommand } from '@aws-sdk/lib-dynamodb';
import { LeaseStore } from '../../../shared/state/lease';
import { OrderLedger, type LedgerEntry } from '../../../shared/state/order-ledger';
import { stateKeys } from '../../../shared/state/state-keys';
import { createStateDocumentClient } from '../../../shared/state/state-table';
import { useDynalite } from '../../support/dynamo';
import { createStateTable } from '../../support/state-table';

const accepted = (incrementId: string, hash: string, updatedAt = Date.UTC(2026, 10, 28)): LedgerEntry => ({
  incrementId,
  acceptedHash: hash,
  oId: 7,
  state: 'accepted',
  attempts: 0,
  updatedAt,
});

describe('the order push ledger (dynalite)', () => {
  useDynalite();
  let table: string;
  let leases: LeaseStore;
  const doc = createStateDocumentClient();
  beforeEach(async () => {
    table = await createStateTable();
    leases = new LeaseStore(doc, table);
  });
  afterAll(() => doc.destroy());

  it('reads any number of orders (in calls of at most 100 keys) and returns only those it knows', async () => {
    const lease = (await leases.acquire('pushOrders', 'run', 60_000, 0))!;
    const ledger = new OrderLedger(doc, table, 10001);
    const entries = Array.from({ length: 230 }, (_, i) => accepted(`11000${i}`, `h${i}`));
    await ledger.putMany(entries, lease.fence, 'pushOrders');

    const got = await ledger.getMany([...entries.map((e) => e.incrementId), '110007', 'never-pushed']);
    expect(got.size).toBe(230);
    expect(got.get('110007')).toEqual(entries[7]);
    expect(got.has('never-pushed')).toBe(false);
  });

  it("keys entries by shop, so two shops never see each other's orders", async () => {
    const lease = (await leases.acquire('pushOrders', 'run', 60_000, 0))!;
    await new OrderLedger(doc, table, 1).putMany([accepted('1100000001', 'shop-1')], lease.fence, 'pushOrders');
    expect((await new OrderLedger(doc, table, 2).getMany(['1100000001'])).size).toBe(0);
  });

  it('keeps rejection details and expires entries by TTL long after the order horizon', async () => {
    const lease = (await leases.acquire('pushOrders', 'run', 60_000, 0))!;
    const rejected: LedgerEntry = {
      incrementId: '1100000009',
      state: 'rejected',
      rejectedHash: 'h',
      attempts: 2,
      nextRetryAt: 123,
      lastError: 'ERP code 140: invalid parameter',
      updatedAt: Date.UTC(2026, 0, 1),
    };
    await new OrderLedger(doc, table, 10001).putMany([rejected], lease.fence, 'pushOrders');
    const raw = await doc.send(new GetCommand({ TableName: table, Key: stateKeys.ledger(10001, '1100000009') }));
    expect(raw.Item).toMatchObject({ ...rejected, fence: lease.fence, expiresAt: Date.UTC(2026, 0, 1) / 1000 + 400 * 86400 });
    expect((await new OrderLedger(doc, table, 10001).getMany(['1100000009'])).get('1100000009')).toEqual(rejected);
  });

  it('refuses every write of a run that lost its lease, and writes nothing', async () => {
    const ledger = new OrderLedger(doc, table, 10001);
    const old = (await leases.acquire('pushOrders', 'old', 1_000, 0))!;
    await ledger.putMany([accepted('1100000001', 'v1')], old.fence, 'pushOrders');
    await leases.acquire('pushOrders', 'new', 60_000, 5_000);

    await expect(ledger.putMany([accepted('1100000001', 'stale'), accepted('1100000002', 'stale')], old.fence, 'pushOrders')).rejects.toMatchObject({
      code: 'LEASE_LOST',
    });
    const got = await ledger.getMany(['1100000001', '1100000002']);
    expect(got.get('1100000001')?.acceptedHash).toBe('v1');
    expect(got.has('1100000002')).toBe(false);
  });

  it('never lets an older fence overwrite an entry a newer run wrote', async () => {
    const ledger = new OrderLedger(doc, table, 10001);
    await leases.acquire('pushOrders', 'a', 1_000, 0);
    const newer = (await leases.acquire('pushOrders', 'b', 1_000, 5_000))!;
    await ledger.putMany([accepted('1100000003', 'newer')], newer.fence, 'pushOrders');
    // Another job's lease with a lower fence passes the lease check but not the entry's own fence.
    const other = (await leases.acquire('syncInventory', 'c', 60_000, 6_000))!;
    expect(other.fence).toBeLessThan(newer.fence);
    await expect(ledger.putMany([accepted('1100000003', 'older')], other.fence, 'syncInventory')).rejects.toMatchObject({ code: 'LEASE_LOST' });
    expect((await ledger.getMany(['1100000003'])).get('1100000003')?.acceptedHash).toBe('newer');
  });

  it("keeps a reconcile's fences (its own lease, pushOrders#reconcile) apart: it and the incremental runs never refuse each other, a stale run of either still is refused", async () => {
    const ledger = new OrderLedger(doc, table, 10001);
    await leases.acquire('pushOrders', 'a', 1_000, 0);
    await leases.acquire('pushOrders', 'b', 1_000, 5_000);
    const incremental = (await leases.acquire('pushOrders', 'c', 60_000, 10_000))!; // fence 3
    const reconcile = (await leases.acquire('pushOrders#reconcile', 'r', 60_000, 10_000))!; // fence 1
    expect(reconcile.fence).toBeLessThan(incremental.fence);
    await ledger.putMany([accepted('1100000004', 'incremental')], incremental.fence, 'pushOrders');
    await ledger.putMany([accepted('1100000004', 'repushed')], reconcile.fence, 'pushOrders#reconcile');
    expect((await ledger.getMany(['1100000004'])).get('1100000004')).toEqual(accepted('1100000004', 'repushed'));
    await ledger.putMany([accepted('1100000004', 'incremental again')], incremental.fence, 'pushOrders');
    expect((await ledger.getMany(['1100000004'])).get('1100000004')?.acceptedHash).toBe('incremental again');
    // A reconcile that lost its lease to a newer reconcile writes nothing.
    await leases.release(reconcile);
    const next = (await leases.acquire('pushOrders#reconcile', 'r2', 60_000, 20_000))!;
    await ledger.putMany([accepted('1100000004', 'newer reconcile')], next.fence, 'pushOrders#reconcile');
    await expect(ledger.putMany([accepted('1100000004', 'stale')], reconcile.fence, 'pushOrders#reconcile')).rejects.toMatchObject({ code: 'LEASE_LOST' });
    expect((await ledger.getMany(['1100000004'])).get('1100000004')?.acceptedHash).toBe('newer reconcile');
  });
});
