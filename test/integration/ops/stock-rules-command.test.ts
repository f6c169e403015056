import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { PutCommand } from '@aws-sdk/lib-dynamodb';
import { runOps } from '../../../scripts/ops/main';
import { OpsUsageError, type OpsTarget } from '../../../scripts/ops/ops-target';
import { createStateDocumentClient } from '../../../shared/state/state-table';
import { StockRulesStore } from '../../../shared/state/stock-rules';
import { useDynalite } from '../../support/dynamo';
import { createStateTable } from '../../support/state-table';

/** `npm run ops -- stock-rules …` (#24) against a dynalite state table, through the CLI's own argument parsing. */
describe('npm run ops -- stock-rules (#24)', () => {
  useDynalite();
  const doc = createStateDocumentClient();
  const dir = mkdtempSync(join(tmpdir(), 'stock-rules-'));
  let table: string;
  let rules: StockRulesStore;
  let lines: string[];
  let answers: boolean[];
  let asked: string[];
  const io = {
    out: (line: string) => void lines.push(line),
    confirm: (question: string) => {
      asked.push(question);
      return Promise.resolve(answers.shift() ?? false);
    },
  };
  const target = (): OpsTarget => ({
    stage: 'test',
    table,
    doc,
    clock: { now: () => Date.UTC(2026, 11, 6, 12) },
    operator: 'ops:tester',
    invoker: { invokeAsync: () => Promise.reject(new Error('no runs in this test')) },
    schedules: { setEnabled: () => Promise.reject(new Error('no schedules in this test')) },
    shopId: () => Promise.resolve(1),
  });
  const ops = (command: string) => runOps([...command.split(' '), '--stage', 'test'], io, target);
  const csv = (name: string, text: string) => {
    const path = join(dir, name);
    writeFileSync(path, text);
    return path;
  };
  beforeEach(async () => {
    table = await createStateTable();
    rules = new StockRulesStore(doc, table);
    lines = [];
    answers = [];
    asked = [];
  });
  afterAll(() => doc.destroy());

  it('set writes a rule after confirmation and prints the change; the job reads it', async () => {
    answers = [true];
    await ops('stock-rules set --prefix TS- --percent 10');
    expect(asked).toEqual(['test: set prefix TS-: no rule → 10 %? Go on?']);
    expect(lines).toEqual(['changed: prefix TS-: no rule → 10 %']);
    expect(await rules.list()).toEqual([
      { kind: 'prefix', key: 'TS-', buffer: { type: 'percent', percent: 10 }, changedAt: Date.UTC(2026, 11, 6, 12), changedBy: 'ops:tester' },
    ]);
    expect((await rules.safetyStock()).bufferFor('TS-9')).toEqual({ type: 'percent', percent: 10 });
  });

  it('a refused confirmation changes nothing; --yes does not ask', async () => {
    await ops('stock-rules set --global --units 2');
    expect(lines).toEqual(['nothing changed']);
    expect(await rules.list()).toEqual([]);
    await ops('stock-rules set --global --units 2 --yes');
    expect(asked).toHaveLength(1);
    expect(lines.at(-1)).toBe('changed: global: no rule → 2 units');
    await ops('stock-rules set --global --units 3 --yes');
    expect(lines.at(-1)).toBe('changed: global: 2 units → 3 units');
    await ops('stock-rules set --global --units 3 --yes');
    expect(lines.at(-1)).toBe('global already holds back 3 units: nothing changed');
  });

  it('remove deletes one rule and says when there was none', async () => {
    await ops('stock-rules set --sku TS-1 --units 1 --yes');
    await ops('stock-rules remove --sku TS-1 --yes');
    expect(lines.at(-1)).toBe('changed: sku TS-1: 1 unit → no rule');
    await ops('stock-rules remove --sku TS-1 --yes');
    expect(lines.at(-1)).toBe('there is no rule sku TS-1: nothing changed');
    expect(await rules.list()).toEqual([]);
  });

  it('list shows every rule, global first, with who changed it', async () => {
    await ops('stock-rules list');
    expect(lines).toEqual(['test: no safety-stock rules — every unit the stock formula yields is offered']);
    await ops('stock-rules set --sku TS-1 --units 0 --yes');
    await ops('stock-rules set --global --percent 5% --yes');
    lines = [];
    await ops('stock-rules list');
    expect(lines[0]).toMatch(/^test: 2 safety-stock rule\(s\)/);
    expect(lines[1]).toMatch(/^ {2}global\s+5 %\s+ops:tester, 2026-12-06T12:00:00.000Z$/);
    expect(lines[2]).toMatch(/^ {2}sku TS-1\s+0 units\s+ops:tester/);
  });

  it.each([
    ['stock-rules set --prefix TS- --percent 120 --yes', /prefix TS-: percent 120 is not between 0 and 100/],
    ['stock-rules set --sku A --units 1.5 --yes', /buffer "1.5" is neither units/],
    ['stock-rules set --sku A --units -1 --yes', /buffer "-1" is neither units/],
    ['stock-rules set --sku A --global --units 1 --yes', /exactly one of --sku S, --prefix P or --global/],
    ['stock-rules set --sku A --yes', /exactly one of --units N or --percent P/],
    ['stock-rules set --sku A --units 1 --percent 5 --yes', /exactly one of --units N or --percent P/],
    ['stock-rules remove --yes', /exactly one of --sku S, --prefix P or --global/],
    ['stock-rules import', /needs a CSV file/],
    ['stock-rules drop', /usage: npm run ops -- stock-rules list/],
  ])('refuses %s with a usage error, writing nothing', async (command, message) => {
    const error = await ops(command).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(OpsUsageError);
    expect((error as Error).message).toMatch(message);
    expect(await rules.list()).toEqual([]);
  });

  it('import checks the whole file first: every problem with its line number, nothing written', async () => {
    const file = csv(
      'bad.csv',
      [
        'kind,key,buffer',
        'global,,2',
        'prefix,TS-,120%',
        '# a comment',
        'sku,TS-1,1',
        'prefix,TS-,5',
        'brand,X,1',
        'sku,TS-2,many',
        'sku,TS-1,2',
        'sku,"TS-3,1',
      ].join('\n'),
    );
    const error = (await ops(`stock-rules import ${file} --yes`).catch((e: unknown) => e)) as Error;
    expect(error).toBeInstanceOf(OpsUsageError);
    expect(error.message.split('\n')).toEqual([
      `${file}: 5 problem(s), nothing written:`,
      '  line 3: percent 120 is not between 0 and 100',
      '  line 7: kind "brand" is not one of global, prefix, sku',
      '  line 8: buffer "many" is neither units (a whole number, e.g. 3) nor a percentage (e.g. 10%)',
      '  line 9: sku TS-1 is given twice (first on line 5)',
      '  line 10: a quoted field is not closed',
    ]);
    expect(await rules.list()).toEqual([]);
    await expect(ops(`stock-rules import ${csv('noheader.csv', 'sku,TS-1,1\n')} --yes`)).rejects.toThrow(
      /line 1: the first line must be the header kind,key,buffer/,
    );
    await expect(ops(`stock-rules import ${join(dir, 'missing.csv')} --yes`)).rejects.toThrow(/cannot read .*missing.csv: ENOENT/);
  });

  it('import writes new and changed rules and keeps the others; --replace removes the rules the file does not list', async () => {
    await ops('stock-rules set --sku OLD-1 --units 4 --yes');
    await ops('stock-rules set --prefix TS- --units 1 --yes');
    const file = csv('rules.csv', '\uFEFFkind,key,buffer\r\nglobal,,2\r\nprefix,TS-,10%\r\n"sku","TS-1,big",0\r\n');
    lines = [];
    answers = [true];
    await ops(`stock-rules import ${file}`);
    expect(asked.at(-1)).toBe(`test: import ${file}: 2 added, 1 changed, 0 removed, 0 unchanged, 1 not in the file kept? Go on?`);
    expect(lines).toEqual([
      'changed: global: no rule → 2 units',
      'changed: prefix TS-: 1 unit → 10 %',
      'changed: sku TS-1,big: no rule → 0 units',
      `imported ${file}: 2 added, 1 changed, 0 removed, 0 unchanged, 1 not in the file kept`,
    ]);
    expect((await rules.list()).map((r) => `${r.kind}:${r.key}`)).toEqual(['global:', 'prefix:TS-', 'sku:OLD-1', 'sku:TS-1,big']);

    lines = [];
    await ops(`stock-rules import ${file} --yes`);
    expect(lines).toEqual([`${file}: 3 rule(s), all already in place: nothing changed`]);

    lines = [];
    await ops(`stock-rules import ${file} --replace --yes`);
    expect(lines).toEqual(['changed: sku OLD-1: 4 units → no rule', `imported ${file}: 0 added, 0 changed, 1 removed, 3 unchanged`]);
    expect((await rules.list()).map((r) => `${r.kind}:${r.key}`)).toEqual(['global:', 'prefix:TS-', 'sku:TS-1,big']);
  });

  it('imports a thousand rules in one go', async () => {
    const body = Array.from({ length: 1_000 }, (_, i) => (i % 2 ? `sku,S-${i},${i % 5}` : `prefix,P-${i}-,${i % 50}%`)).join('\n');
    await ops(`stock-rules import ${csv('many.csv', `kind,key,buffer\n${body}\n`)} --yes`);
    expect(lines.at(-1)).toMatch(/: 1000 added, 0 changed, 0 removed, 0 unchanged, 0 not in the file kept$/);
    expect(lines.filter((l) => l.startsWith('changed: '))).toHaveLength(21);
    expect((await rules.safetyStock()).size).toBe(1_000);
  });
  it('a corrupt rule (which fails every run) is listed, and set, remove or an import mend it', async () => {
    const corrupt = (sk: string, item: Record<string, unknown>) => doc.send(new PutCommand({ TableName: table, Item: { pk: 'STOCK_RULES', sk, ...item } }));
    await corrupt('prefix#TS-', { kind: 'prefix', key: 'TS-', percent: 'ten' });
    await corrupt('sku#A', { kind: 'sku', key: 'A', units: -2 });
    await ops('stock-rules list');
    expect(lines).toContain('  CORRUPT prefix#TS-: percent "ten" is not a number — syncInventory runs fail until it is set again or removed');
    await ops('stock-rules set --prefix TS- --percent 10 --yes');
    expect(lines.at(-1)).toBe('changed: prefix TS-: corrupt (percent "ten" is not a number) → 10 %');
    await ops('stock-rules remove --sku A --yes');
    expect(lines.at(-1)).toMatch(/^changed: sku A: corrupt \(units -2 is not a whole number.*\) → no rule$/);
    expect((await rules.safetyStock()).size).toBe(1);

    await corrupt('sku#B', { kind: 'sku', key: 'B' });
    await corrupt('sku#C', { kind: 'sku', key: 'C' });
    lines = [];
    await ops(`stock-rules import ${csv('mend.csv', 'kind,key,buffer\nprefix,TS-,10%\nsku,B,1\n')} --replace --yes`);
    expect(lines).toEqual([
      'changed: sku B: corrupt (it has neither units nor percent) → 1 unit',
      'changed: sku#C: corrupt (it has neither units nor percent) → no rule',
      expect.stringMatching(/: 0 added, 1 changed, 1 removed, 1 unchanged$/) as unknown as string,
    ]);
    expect((await rules.list()).map((r) => `${r.kind}:${r.key}`)).toEqual(['prefix:TS-', 'sku:B']);
  });
});
