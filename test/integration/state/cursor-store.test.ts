import { CursorStore } from '../../../shared/state/cursor-store';
import { LeaseStore } from '../../../shared/state/lease';
import { createStateDocumentClient } from '../../../shared/state/state-table';
import { useDynalite } from '../../support/dynamo';
import { createStateTable } from '../../support/state-table';

describe('job cursors (dynalite)', () => {
  useDynalite();
  let leases: LeaseStore;
  let cursors: CursorStore;
  const doc = createStateDocumentClient();
  beforeEach(async () => {
    const table = await createStateTable();
    leases = new LeaseStore(doc, table);
    cursors = new CursorStore(doc, table);
  });
  afterAll(() => doc.destroy());

  it('keeps several named positions of any JSON shape per job, each moved and reset independently', async () => {
    const lease = (await leases.acquire('syncInventory', 'run', 60_000, 0))!;
    expect(await cursors.read('syncInventory', 'incremental')).toBeUndefined();
    await cursors.advance('syncInventory', 'incremental', Date.UTC(2026, 10, 28), lease.fence, 10);
    await cursors.advance('syncInventory', 'full', { lastSku: 'SKU-0042' }, lease.fence, 20);

    expect(await cursors.read('syncInventory', 'incremental')).toEqual({ position: Date.UTC(2026, 10, 28), updatedAt: 10, version: 2 });
    expect((await cursors.read('syncInventory', 'full'))?.position).toEqual({ lastSku: 'SKU-0042' });
    await cursors.advance('syncInventory', 'full', null, lease.fence, 30);
    expect(await cursors.read('syncInventory', 'full')).toBeUndefined();
    expect(await cursors.read('syncShipping', 'incremental')).toBeUndefined();
  });

  it('moves only for the current lease holder: a run whose lease was taken gets LEASE_LOST and moves nothing', async () => {
    const old = (await leases.acquire('syncShipping', 'old', 1_000, 0))!;
    await cursors.advance('syncShipping', 'incremental', 100, old.fence, 10);
    const current = (await leases.acquire('syncShipping', 'new', 1_000, 5_000))!;

    await expect(cursors.advance('syncShipping', 'incremental', 999, old.fence, 5_001)).rejects.toMatchObject({
      code: 'LEASE_LOST',
      context: { job: 'syncShipping', fence: old.fence },
    });
    expect((await cursors.read('syncShipping', 'incremental'))?.position).toBe(100);
    await cursors.advance('syncShipping', 'incremental', 200, current.fence, 5_003);
    expect((await cursors.read<number>('syncShipping', 'incremental'))?.position).toBe(200);
  });

  it('refuses a write without any lease taken (no fence stamped yet)', async () => {
    await expect(cursors.advance('pushOrders', 'scan', { afterOrderId: 1 }, 1, 0)).rejects.toMatchObject({ code: 'LEASE_LOST' });
    expect(await cursors.read('pushOrders', 'scan')).toBeUndefined();
  });

  it('rejects a stale optimistic version with CURSOR_CONFLICT', async () => {
    const lease = (await leases.acquire('pushOrders', 'run', 60_000, 0))!;
    const { version } = await cursors.readAll('pushOrders');
    const next = await cursors.advance('pushOrders', 'scan', { afterOrderId: 10 }, lease.fence, 1, version);
    expect(next).toBe(version + 1);
    await expect(cursors.advance('pushOrders', 'scan', { afterOrderId: 20 }, lease.fence, 2, version)).rejects.toMatchObject({ code: 'CURSOR_CONFLICT' });
    expect((await cursors.read('pushOrders', 'scan'))?.position).toEqual({ afterOrderId: 10 });
  });
});
