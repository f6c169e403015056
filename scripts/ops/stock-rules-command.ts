import { readFile } from 'node:fs/promises';
import { bufferText, ruleName, stockRuleProblem, type StockBuffer, type StockRule } from '../../shared/domain/safety-stock';
import { stateKeys } from '../../shared/state/state-keys';
import { StockRulesStore, type StoredStockRule } from '../../shared/state/stock-rules';
import { OpsUsageError, type OpsIo, type OpsTarget } from './ops-target';
import { parseBuffer, parseStockRulesCsv } from './stock-rules-csv';

/** What `stock-rules` was asked to do, from the command line. */
export interface StockRulesRequest {
  action: string | undefined;
  flags: Record<string, string>;
  switches: ReadonlySet<string>;
  /** The CSV file of `import`. */
  file?: string;
  yes: boolean;
}

type Target = Pick<OpsTarget, 'stage' | 'table' | 'doc' | 'clock' | 'operator'>;

const USAGE =
  'stock-rules list | set (--sku S | --prefix P | --global) (--units N | --percent P) | remove (--sku S | --prefix P | --global) | import FILE.csv [--replace]';
/** Changed rules printed one by one after an import (the counts hold the totals). */
const LISTED_CHANGES = 20;

/**
 * `stock-rules list|set|remove|import FILE.csv`: the shop's safety-stock rules in the state table
 * (docs/design.md §14), changed without a deploy; the next syncInventory run applies them. Mutating
 * commands show the change and ask unless --yes, then print what they changed. `import` checks the whole
 * file first (every problem with its line number, nothing written), then writes the new and changed
 * rules; with `--replace` it also removes the rules the file does not list.
 */
export async function stockRulesCommand(t: Target, io: OpsIo, request: StockRulesRequest): Promise<string[]> {
  const store = new StockRulesStore(t.doc, t.table);
  switch (request.action) {
    case 'list':
      return listRules(t, io, store);
    case 'set':
      return setRule(t, io, store, { ...selectedRule(request), buffer: selectedBuffer(request) }, request.yes);
    case 'remove':
      return removeRule(t, io, store, selectedRule(request), request.yes);
    case 'import':
      if (!request.file) throw new OpsUsageError(`stock-rules import needs a CSV file: ${USAGE}`);
      return importRules(t, io, store, request.file, request.switches.has('replace'), request.yes);
    default:
      throw new OpsUsageError(`usage: npm run ops -- ${USAGE} --stage <stage>${request.action ? ` (got "${request.action}")` : ''}`);
  }
}

async function listRules(t: Target, io: OpsIo, store: StockRulesStore): Promise<string[]> {
  const { rules, corrupt } = await store.inspectAll();
  for (const c of corrupt) io.out(`  CORRUPT ${c.sk}: ${c.problem} — syncInventory runs fail until it is set again or removed`);
  if (rules.length === 0) {
    io.out(`${t.stage}: no safety-stock rules — every unit the stock formula yields is offered`);
    return [];
  }
  io.out(`${t.stage}: ${rules.length} safety-stock rule(s); a SKU gets its own rule, else the longest matching prefix, else the global one:`);
  for (const r of rules)
    io.out(`  ${ruleName(r).padEnd(32)} ${bufferText(r.buffer).padEnd(12)} ${r.changedBy}${r.changedAt ? `, ${new Date(r.changedAt).toISOString()}` : ''}`);
  return [];
}

async function setRule(t: Target, io: OpsIo, store: StockRulesStore, rule: StockRule, yes: boolean): Promise<string[]> {
  const problem = stockRuleProblem(rule);
  if (problem) throw new OpsUsageError(`${ruleName(rule)}: ${problem}`);
  const current = await store.inspect(rule.kind, rule.key);
  if (current?.ok && sameBuffer(current.rule.buffer, rule.buffer)) {
    io.out(`${ruleName(rule)} already holds back ${bufferText(rule.buffer)}: nothing changed`);
    return [];
  }
  const change = `${ruleName(rule)}: ${storedText(current)} → ${bufferText(rule.buffer)}`;
  if (!(await confirmed(t, io, `set ${change}`, yes))) return [];
  await store.set(rule, t.clock.now(), t.operator);
  io.out(`changed: ${change}`);
  return [change];
}

async function removeRule(t: Target, io: OpsIo, store: StockRulesStore, rule: Pick<StockRule, 'kind' | 'key'>, yes: boolean): Promise<string[]> {
  const current = await store.inspect(rule.kind, rule.key);
  if (!current) {
    io.out(`there is no rule ${ruleName(rule)}: nothing changed`);
    return [];
  }
  const change = `${ruleName(rule)}: ${storedText(current)} → no rule`;
  if (!(await confirmed(t, io, `remove ${change}`, yes))) return [];
  await store.remove(rule.kind, rule.key);
  io.out(`changed: ${change}`);
  return [change];
}

async function importRules(t: Target, io: OpsIo, store: StockRulesStore, file: string, replace: boolean, yes: boolean): Promise<string[]> {
  const text = await readFile(file, 'utf8').catch((error: NodeJS.ErrnoException) => {
    throw new OpsUsageError(`cannot read ${file}: ${error.code ?? error.message}`);
  });
  const parsed = parseStockRulesCsv(text);
  if (parsed.problems.length > 0)
    throw new OpsUsageError(
      `${file}: ${parsed.problems.length} problem(s), nothing written:\n${parsed.problems
        .slice(0, 50)
        .map((p) => `  ${p}`)
        .join('\n')}${parsed.problems.length > 50 ? `\n  … and ${parsed.problems.length - 50} more` : ''}`,
    );
  // What the table holds now, by sort key: valid rules and corrupt items alike (an import may mend the latter).
  const { rules: valid, corrupt } = await store.inspectAll();
  const current = new Map<string, StoredStockRule>([
    ...valid.map((rule) => [stateKeys.stockRule(rule.kind, rule.key).sk, { ok: true, rule }] as const),
    ...corrupt.map((c) => [c.sk, { ok: false, ...c }] as const),
  ]);
  const changes: string[] = [];
  const put: StockRule[] = [];
  let added = 0;
  let changed = 0;
  for (const rule of parsed.rules) {
    const sk = stateKeys.stockRule(rule.kind, rule.key).sk;
    const before = current.get(sk);
    current.delete(sk);
    if (before?.ok && sameBuffer(before.rule.buffer, rule.buffer)) continue;
    put.push(rule);
    if (before) changed++;
    else added++;
    changes.push(`${ruleName(rule)}: ${storedText(before)} → ${bufferText(rule.buffer)}`);
  }
  const removed = replace ? [...current.entries()] : [];
  for (const [sk, stored] of removed) changes.push(`${stored.ok ? ruleName(stored.rule) : sk}: ${storedText(stored)} → no rule`);
  const unchanged = parsed.rules.length - put.length;
  const totals = `${added} added, ${changed} changed, ${removed.length} removed, ${unchanged} unchanged${replace ? '' : `, ${current.size} not in the file kept`}`;
  if (changes.length === 0) {
    io.out(`${file}: ${parsed.rules.length} rule(s), all already in place: nothing changed`);
    return [];
  }
  if (!(await confirmed(t, io, `import ${file}: ${totals}`, yes))) return [];
  await store.write(
    put,
    removed.map(([sk]) => sk),
    t.clock.now(),
    t.operator,
  );
  for (const c of changes.slice(0, LISTED_CHANGES)) io.out(`changed: ${c}`);
  if (changes.length > LISTED_CHANGES) io.out(`changed: … and ${changes.length - LISTED_CHANGES} more`);
  io.out(`imported ${file}: ${totals}`);
  return changes;
}

/** Exactly one of --sku, --prefix, --global. */
function selectedRule(request: StockRulesRequest): Pick<StockRule, 'kind' | 'key'> {
  const chosen: Array<Pick<StockRule, 'kind' | 'key'>> = [];
  if (request.flags.sku !== undefined) chosen.push({ kind: 'sku', key: request.flags.sku });
  if (request.flags.prefix !== undefined) chosen.push({ kind: 'prefix', key: request.flags.prefix });
  if (request.switches.has('global')) chosen.push({ kind: 'global', key: '' });
  if (chosen.length !== 1) throw new OpsUsageError(`stock-rules ${request.action} needs exactly one of --sku S, --prefix P or --global (${USAGE})`);
  return chosen[0]!;
}

/** Exactly one of --units N, --percent P. */
function selectedBuffer(request: StockRulesRequest): StockBuffer {
  const { units, percent } = request.flags;
  if ((units === undefined) === (percent === undefined)) throw new OpsUsageError(`stock-rules set needs exactly one of --units N or --percent P (${USAGE})`);
  const buffer = units !== undefined ? parseBuffer(units) : parseBuffer(percent!.endsWith('%') ? percent! : `${percent}%`);
  if (typeof buffer === 'string') throw new OpsUsageError(buffer);
  if (units !== undefined && buffer.type !== 'units') throw new OpsUsageError(`--units ${units} is not a whole number`);
  return buffer;
}

/** `3 units`, `no rule`, or `corrupt (why)`. */
function storedText(stored: StoredStockRule | undefined): string {
  if (!stored) return 'no rule';
  return stored.ok ? bufferText(stored.rule.buffer) : `corrupt (${stored.problem})`;
}

function sameBuffer(a: StockBuffer, b: StockBuffer): boolean {
  return a.type === 'units' ? b.type === 'units' && a.units === b.units : b.type === 'percent' && a.percent === b.percent;
}

async function confirmed(t: Target, io: OpsIo, what: string, yes: boolean): Promise<boolean> {
  if (yes || (await io.confirm(`${t.stage}: ${what}? Go on?`))) return true;
  io.out('nothing changed');
  return false;
}
