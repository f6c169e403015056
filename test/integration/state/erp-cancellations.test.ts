import type { ErpCancellationRecord } from '../../../shared/domain/erp-cancellation';
import { ErpCancellationLog } from '../../../shared/state/erp-cancellations';
import { createStateDocumentClient } from '../../../shared/state/state-table';
import { useDynalite } from '../../support/dynamo';
import { createStateTable } from '../../support/state-table';

const record = (incrementId: string, extra: Partial<ErpCancellationRecord> = {}): ErpCancellationRecord => ({
  incrementId,
  oId: 7,
  erpStatus: 'Cancelled',
  seenAt: 1_000,
  outcome: 'recorded',
  applied: false,
  ...extra,
});

describe('ERP cancellation records: ERP_CANCEL#<shopId> / <increment_id> (dynalite)', () => {
  useDynalite();
  const doc = createStateDocumentClient();
  let table: string;
  beforeEach(async () => {
    table = await createStateTable();
  });
  afterAll(() => doc.destroy());

  it('keeps one record per order, its first sighting, and only the fields of its latest outcome', async () => {
    const log = new ErpCancellationLog(doc, table, 10001);
    await log.putMany([record('A', { outcome: 'refused_status', refusedReason: 'store order is x', storeStatus: 'x' })], 1, 1_000);
    await log.putMany([record('A', { seenAt: 5_000, outcome: 'applied', applied: true, appliedAt: 5_000, storeStatus: 'holded' })], 1, 5_000);
    expect((await log.getMany(['A', 'B'])).get('A')).toEqual(
      record('A', { seenAt: 1_000, outcome: 'applied', applied: true, appliedAt: 5_000, storeStatus: 'holded' }),
    );
    expect((await log.getMany(['B'])).size).toBe(0);
  });

  it('never lets an older run (lower fence) overwrite what a newer run wrote', async () => {
    const log = new ErpCancellationLog(doc, table, 10001);
    expect(await log.putMany([record('A', { outcome: 'applied', applied: true, appliedAt: 2_000 })], 5, 2_000)).toEqual(['A']);
    expect(await log.putMany([record('A')], 4, 3_000)).toEqual([]);
    expect((await log.getMany(['A'])).get('A')!.outcome).toBe('applied');
  });

  it('lists one shop only, and reads more than one BatchGetItem of keys', async () => {
    const log = new ErpCancellationLog(doc, table, 10001);
    const ids = Array.from({ length: 130 }, (_, i) => `SO-${String(i).padStart(3, '0')}`);
    await log.putMany(
      ids.map((id) => record(id)),
      1,
      1_000,
    );
    await new ErpCancellationLog(doc, table, 99).putMany([record('OTHER')], 1, 1_000);
    expect((await log.getMany(ids)).size).toBe(130);
    expect((await log.list()).map((r) => r.incrementId)).toEqual(ids);
  });
});
