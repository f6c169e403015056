import { PushHints } from '../../../shared/state/push-hints';
import { createStateDocumentClient } from '../../../shared/state/state-table';
import { useDynalite } from '../../support/dynamo';
import { createStateTable } from '../../support/state-table';

describe('push hints: wake-ups left by ERP pushes (dynalite)', () => {
  useDynalite();
  let table: string;
  const doc = createStateDocumentClient();
  beforeEach(async () => {
    table = await createStateTable();
  });
  afterAll(() => doc.destroy());

  it('keeps one hint per key however often it is named, with how often and since when', async () => {
    const hints = new PushHints(doc, table, 'syncInventory');
    expect(await hints.add(['SKU-1', 'SKU-2', 'SKU-1', ''], 'inventory.upload', 1_000)).toBe(2);
    await hints.add(['SKU-1'], 'inventory.upload', 2_000);

    const taken = await hints.take(10);
    expect(taken.map((h) => [h.key, h.count, h.firstHintAt, h.lastHintAt, h.source])).toEqual([
      ['SKU-1', 2, 1_000, 2_000, 'inventory.upload'],
      ['SKU-2', 1, 1_000, 1_000, 'inventory.upload'],
    ]);
    expect(await hints.waiting()).toBe(2);
  });

  it('hands out a bounded batch, and what a drain clears is gone', async () => {
    const hints = new PushHints(doc, table, 'syncShipping');
    await hints.add(
      Array.from({ length: 25 }, (_, i) => `SO-${String(i).padStart(2, '0')}`),
      'logistics.upload',
      1_000,
    );
    const first = await hints.take(10);
    expect(first).toHaveLength(10);
    expect(await hints.clear(first)).toEqual({ cleared: first.map((h) => h.key), renamed: [] });
    const rest = await hints.take(100);
    expect(rest).toHaveLength(15);
    expect(rest.map((h) => h.key)).not.toContain(first[0]!.key);
  });

  it('keeps a hint named again after the job took it, so the next run reads the key once more', async () => {
    const hints = new PushHints(doc, table, 'syncShipping');
    await hints.add(['SO-1', 'SO-2'], 'logistics.upload', 1_000);
    const taken = await hints.take(10);
    await hints.add(['SO-2'], 'logistics.upload', 1_500);

    expect(await hints.clear(taken)).toEqual({ cleared: ['SO-1'], renamed: ['SO-2'] });
    const [left] = await hints.take(10);
    expect(left).toMatchObject({ key: 'SO-2', count: 2, lastHintAt: 1_500 });
  });

  it("keeps each job's hints apart", async () => {
    await new PushHints(doc, table, 'syncInventory').add(['X'], 'inventory.upload', 1);
    expect(await new PushHints(doc, table, 'syncShipping').take(10)).toEqual([]);
    expect(await new PushHints(doc, table, 'syncShipping').waiting()).toBe(0);
  });
});
