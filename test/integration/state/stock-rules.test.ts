import { PutCommand } from '@aws-sdk/lib-dynamodb';
import { createStateDocumentClient } from '../../../shared/state/state-table';
import { StockRulesStore } from '../../../shared/state/stock-rules';
import type { StockRule } from '../../../shared/domain/safety-stock';
import { useDynalite } from '../../support/dynamo';
import { createStateTable } from '../../support/state-table';

const units = (n: number) => ({ type: 'units', units: n }) as const;
const percent = (p: number) => ({ type: 'percent', percent: p }) as const;

describe('safety-stock rules in the state table (dynalite)', () => {
  useDynalite();
  const doc = createStateDocumentClient();
  let table: string;
  let rules: StockRulesStore;
  beforeEach(async () => {
    table = await createStateTable();
    rules = new StockRulesStore(doc, table);
  });
  afterAll(() => doc.destroy());

  it('keeps global, prefix and SKU rules and lists them global first, then prefixes, then SKUs', async () => {
    await rules.set({ kind: 'sku', key: 'TS-1', buffer: units(1) }, 1_000, 'ops:test');
    await rules.set({ kind: 'prefix', key: 'TS-', buffer: percent(12.5) }, 1_000, 'ops:test');
    await rules.set({ kind: 'global', key: '', buffer: units(2) }, 2_000, 'ops:alice');
    const listed = await rules.list();
    expect(listed).toEqual([
      { kind: 'global', key: '', buffer: units(2), changedAt: 2_000, changedBy: 'ops:alice' },
      { kind: 'prefix', key: 'TS-', buffer: percent(12.5), changedAt: 1_000, changedBy: 'ops:test' },
      { kind: 'sku', key: 'TS-1', buffer: units(1), changedAt: 1_000, changedBy: 'ops:test' },
    ]);
    const stock = await rules.safetyStock();
    expect(stock.bufferFor('TS-1')).toEqual(units(1));
    expect(stock.bufferFor('TS-2')).toEqual(percent(12.5));
    expect(stock.bufferFor('X')).toEqual(units(2));
  });

  it('set replaces a rule; remove says whether there was one', async () => {
    await rules.set({ kind: 'prefix', key: 'A', buffer: units(1) }, 1, 'x');
    await rules.set({ kind: 'prefix', key: 'A', buffer: percent(5) }, 2, 'x');
    expect(await rules.inspect('prefix', 'A')).toEqual({ ok: true, rule: { kind: 'prefix', key: 'A', buffer: percent(5), changedAt: 2, changedBy: 'x' } });
    expect(await rules.remove('prefix', 'A')).toBe(true);
    expect(await rules.remove('prefix', 'A')).toBe(false);
    expect(await rules.inspect('prefix', 'A')).toBeUndefined();
    expect(await rules.list()).toEqual([]);
  });

  it('refuses to keep an invalid rule', async () => {
    await expect(rules.set({ kind: 'sku', key: 'A', buffer: percent(120) }, 1, 'x')).rejects.toMatchObject({ code: 'STOCK_RULE_INVALID' });
    await expect(
      rules.write(
        [
          { kind: 'sku', key: 'B', buffer: units(1) },
          { kind: 'prefix', key: '', buffer: units(1) },
        ],
        [],
        1,
        'x',
      ),
    ).rejects.toMatchObject({
      code: 'STOCK_RULE_INVALID',
    });
    expect(await rules.list()).toEqual([]);
  });

  it('writes and removes many rules in batches, and reads them back over several Query pages (1.2 MB: more than one page holds)', async () => {
    const many: StockRule[] = Array.from({ length: 1_200 }, (_, i) => ({
      kind: 'sku',
      key: `SKU-${String(i).padStart(5, '0')}-${'x'.repeat(1_000)}`,
      buffer: units(i % 7),
    }));
    await rules.write(many, [], 5, 'import');
    expect((await rules.list()).length).toBe(1_200);
    await rules.write(
      [],
      many.slice(0, 200).map((r) => `sku#${r.key}`),
      6,
      'import',
    );
    const left = await rules.list();
    expect(left.length).toBe(1_000);
    expect(left[0]!.key).toBe(many[200]!.key);
  });

  it('a corrupt item fails the read naming it', async () => {
    await rules.set({ kind: 'global', key: '', buffer: units(1) }, 1, 'x');
    await doc.send(new PutCommand({ TableName: table, Item: { pk: 'STOCK_RULES', sk: 'prefix#TS-', kind: 'prefix', key: 'TS-', percent: 'ten' } }));
    await expect(rules.safetyStock()).rejects.toMatchObject({
      code: 'STOCK_RULE_CORRUPT',
      message: expect.stringMatching(/rule prefix#TS- .*percent "ten" is not a number/) as unknown,
    });
    await doc.send(new PutCommand({ TableName: table, Item: { pk: 'STOCK_RULES', sk: 'prefix#TS-', kind: 'prefix', key: 'TS-', units: 3, percent: 5 } }));
    await expect(rules.list()).rejects.toThrow(/prefix#TS- .*both units and percent/);
    await doc.send(new PutCommand({ TableName: table, Item: { pk: 'STOCK_RULES', sk: 'prefix#TS-', kind: 'sku', key: 'TS-', units: 3 } }));
    await expect(rules.list()).rejects.toThrow(/do not match its sort key/);
    await doc.send(new PutCommand({ TableName: table, Item: { pk: 'STOCK_RULES', sk: 'prefix#TS-', kind: 'prefix', key: 'TS-', units: -3 } }));
    await expect(rules.list()).rejects.toThrow(/units -3 is not a whole number/);
  });

  it('operators see corrupt items beside the valid rules, and can overwrite or remove them', async () => {
    await rules.set({ kind: 'global', key: '', buffer: units(1) }, 1, 'x');
    await doc.send(new PutCommand({ TableName: table, Item: { pk: 'STOCK_RULES', sk: 'prefix#TS-', kind: 'prefix', key: 'TS-', percent: 'ten' } }));
    const seen = await rules.inspectAll();
    expect(seen.rules.map((r) => r.kind)).toEqual(['global']);
    expect(seen.corrupt).toEqual([{ sk: 'prefix#TS-', problem: 'percent "ten" is not a number' }]);
    expect(await rules.inspect('prefix', 'TS-')).toEqual({ ok: false, sk: 'prefix#TS-', problem: 'percent "ten" is not a number' });
    await rules.set({ kind: 'prefix', key: 'TS-', buffer: percent(10) }, 2, 'x');
    expect((await rules.safetyStock()).bufferFor('TS-1')).toEqual(percent(10));
    await doc.send(new PutCommand({ TableName: table, Item: { pk: 'STOCK_RULES', sk: 'sku#A', kind: 'sku', key: 'A' } }));
    expect(await rules.remove('sku', 'A')).toBe(true);
    expect((await rules.list()).length).toBe(2);
  });
});
