import { cancellationsCommand, erpCancellationsOverview } from '../../../scripts/ops/cancellations-command';
import type { OpsTarget } from '../../../scripts/ops/ops-target';
import { statusCommand } from '../../../scripts/ops/status-command';
import type { ErpCancellationRecord } from '../../../shared/domain/erp-cancellation';
import { ErpCancellationLog } from '../../../shared/state/erp-cancellations';
import { createStateDocumentClient } from '../../../shared/state/state-table';
import { useDynalite } from '../../support/dynamo';
import { createStateTable } from '../../support/state-table';

const NOW = Date.UTC(2026, 11, 6, 12);
const SHOP = 10001;

describe('npm run ops -- status / cancellations: the ERP cancellations syncShipping recorded (dynalite)', () => {
  useDynalite();
  const doc = createStateDocumentClient();
  let target: OpsTarget;
  const lines: string[] = [];
  const io = { out: (line: string) => void lines.push(line), confirm: () => Promise.resolve(false) };
  const unused = () => {
    throw new Error('not used by these commands');
  };
  beforeAll(async () => {
    const table = await createStateTable();
    target = {
      stage: 'test',
      table,
      doc,
      invoker: { invokeAsync: unused },
      schedules: { setEnabled: unused },
      clock: { now: () => NOW },
      operator: 'ops:test',
      shopId: async () => SHOP,
    };
    const record = (incrementId: string, minutesAgo: number, extra: Partial<ErpCancellationRecord>): ErpCancellationRecord => ({
      incrementId,
      oId: 900 + minutesAgo,
      erpStatus: 'Cancelled',
      seenAt: NOW - minutesAgo * 60_000,
      outcome: 'recorded',
      applied: false,
      ...extra,
    });
    await new ErpCancellationLog(doc, table, SHOP).putMany(
      [
        record('1000000101', 50, { outcome: 'applied', applied: true, appliedAt: NOW - 49 * 60_000, storeStatus: 'payment_confirmed' }),
        record('1000000102', 40, {
          outcome: 'refused_shipped',
          refusedReason: 'store order is dispatched: never cancelled after dispatch',
          storeStatus: 'dispatched',
        }),
        record('1000000103', 30, { storeStatus: 'holded' }),
      ],
      1,
      NOW,
    );
    // Another shop's record is not this stage's.
    await new ErpCancellationLog(doc, table, 99).putMany([record('X-1', 1, {})], 1, NOW);
  });
  afterAll(() => doc.destroy());

  it('status counts them for syncShipping (recorded, applied, refused) and names the latest increment ids', async () => {
    lines.length = 0;
    await statusCommand(target, io, ['syncShipping']);
    expect(await erpCancellationsOverview(target)).toEqual({
      total: 3,
      applied: 1,
      refused: 1,
      recordedOnly: 1,
      alreadyCancelled: 0,
      unknownOrder: 0,
      latest: ['1000000103', '1000000102', '1000000101'],
    });
    expect(lines.find((l) => l.includes('ERP cancellations'))).toBe(
      '  ERP cancellations: 3 recorded (1 applied, 1 refused, 1 not applied, 0 already cancelled in the store, 0 unknown to the store); latest 1000000103, 1000000102, 1000000101 (npm run ops -- cancellations)',
    );
  });

  it('status still answers when the shop number cannot be read (the line says why)', async () => {
    lines.length = 0;
    await statusCommand({ ...target, shopId: () => Promise.reject(new Error('function fecjst-test-syncShipping not found')) }, io, ['syncShipping']);
    expect(lines).toContain('  ERP cancellations: not read (function fecjst-test-syncShipping not found)');
  });

  it('cancellations lists each, newest first, with its outcome and the reason of a refusal', async () => {
    lines.length = 0;
    const listed = await cancellationsCommand(target, io);
    expect(listed.map((r) => r.incrementId)).toEqual(['1000000103', '1000000102', '1000000101']);
    expect(lines[0]).toBe('3 ERP cancellation(s), newest first:');
    expect(lines[1]).toBe('  1000000103  o_id 930  recorded  seen 2026-12-06T19:30:00+08:00 (30 min ago)  store holded');
    expect(lines[2]).toBe(
      '  1000000102  o_id 940  refused_shipped  seen 2026-12-06T19:20:00+08:00 (40 min ago)  store dispatched  refused: store order is dispatched: never cancelled after dispatch',
    );
    expect(lines[3]).toBe(
      '  1000000101  o_id 950  applied  seen 2026-12-06T19:10:00+08:00 (50 min ago)  store payment_confirmed  applied 2026-12-06T19:11:00+08:00 (49 min ago)',
    );
  });
});
