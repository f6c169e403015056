import { readFile } from 'node:fs/promises';
import { parseSkuTransform, SkuMapping, SkuTransform, type SkuRule } from '../../shared/domain/sku-mapping';
import { humanTime } from '../../shared/domain/human-time';
import { StockRepository } from '../../shared/fecmall/stock-repository';
import { LIMITS } from '../../shared/jst/client';
import { SkuMapImportRefusedError, SkuMapStore } from '../../shared/state/sku-map';
import { OpsUsageError, type OpsIo, type OpsTarget } from './ops-target';
import { parseSkuMapCsv } from './sku-map-csv';

export interface SkuMapRequest {
  action: string | undefined;
  flags: Record<string, string>;
  switches: ReadonlySet<string>;
  file?: string;
  yes: boolean;
}

type Target = Pick<OpsTarget, 'stage' | 'table' | 'doc' | 'clock' | 'operator' | 'erp' | 'budgetedErp' | 'store' | 'skuTransform'>;

const USAGE = 'sku-map import FILE.csv [--replace] | list | check [--transform SPEC]';
const LISTED_CHANGES = 20;
/** Store SKUs read per catalogue page by check. */
const CATALOGUE_PAGE = 1000;
const EXAMPLES = 10;

/** What check found for one rule. */
export interface SkuCheckLine {
  rule: SkuRule | 'unmapped';
  skus: number;
  matched: number;
}

/**
 * `sku-map import FILE.csv [--replace] | list | check`: the shop's SKU mapping table in the state table
 * (docs/design.md §19), changed without a deploy; the next run of each job uses it. `import` checks the whole
 * file first (bad lines, two rows claiming one SKU: each named with its lines, nothing written), then, unless
 * `--replace`, refuses a row that conflicts with a row kept; `--replace` makes the file the whole table.
 * `check` reads the whole store catalogue and asks the ERP for every mapped code (the inventory query by
 * sku_ids, 100 a call, at 10 calls/min drawn from the stage's shared ERP budget as job `manual`): how many
 * the ERP knows, per rule.
 */
export async function skuMapCommand(t: Target, io: OpsIo, request: SkuMapRequest): Promise<string[] | SkuCheckLine[]> {
  const store = new SkuMapStore(t.doc, t.table);
  switch (request.action) {
    case 'list':
      return listRows(t, io, store);
    case 'import':
      if (!request.file) throw new OpsUsageError(`sku-map import needs a CSV file: ${USAGE}`);
      return importRows(t, io, store, request.file, request.switches.has('replace'), request.yes);
    case 'check':
      return checkCatalogue(t, io, store, request.flags.transform);
    default:
      throw new OpsUsageError(`usage: npm run ops -- ${USAGE} --stage <stage>${request.action ? ` (got "${request.action}")` : ''}`);
  }
}

async function listRows(t: Target, io: OpsIo, store: SkuMapStore): Promise<string[]> {
  const [meta, rows] = await Promise.all([store.meta(), store.list()]);
  if (rows.length === 0) {
    io.out(`${t.stage}: the SKU mapping table is empty — store SKUs map through SKU_TRANSFORM, else as they are`);
    return [];
  }
  const imported = meta.importedAt ? `, imported ${humanTime(meta.importedAt, t.clock.now())} by ${meta.importedBy ?? '?'}` : '';
  io.out(`${t.stage}: ${rows.length} SKU mapping row(s) (version ${meta.version}${imported}); store SKU → ERP sku_id:`);
  for (const r of rows) io.out(`  ${r.storeSku.padEnd(32)} → ${r.erpSku}`);
  return rows.map((r) => `${r.storeSku},${r.erpSku}`);
}

async function importRows(t: Target, io: OpsIo, store: SkuMapStore, file: string, replace: boolean, yes: boolean): Promise<string[]> {
  const text = await readFile(file, 'utf8').catch((error: NodeJS.ErrnoException) => {
    throw new OpsUsageError(`cannot read ${file}: ${error.code ?? error.message}`);
  });
  const parsed = parseSkuMapCsv(text);
  if (parsed.problems.length > 0)
    throw new OpsUsageError(
      `${file}: ${parsed.problems.length} problem(s), nothing written:\n${parsed.problems
        .slice(0, 50)
        .map((p) => `  ${p}`)
        .join('\n')}${parsed.problems.length > 50 ? `\n  … and ${parsed.problems.length - 50} more` : ''}`,
    );
  let plan;
  try {
    plan = await store.plan(parsed.rows, replace);
  } catch (error) {
    if (error instanceof SkuMapImportRefusedError)
      throw new OpsUsageError(
        `${file}: ${error.message}${replace ? '' : '\n  (a row the table already holds differently changes only with --replace, which makes the file the whole table)'}`,
      );
    throw error;
  }
  const totals = `${plan.added} added, ${plan.changed} changed, ${replace ? plan.changes.length - plan.added - plan.changed : 0} removed, ${plan.unchanged} unchanged${replace ? '' : `, ${plan.kept} not in the file kept`}`;
  if (plan.changes.length === 0) {
    io.out(`${file}: ${parsed.rows.length} row(s), all already in place: nothing changed`);
    return [];
  }
  if (!(yes || (await io.confirm(`${t.stage}: import ${file}: ${totals}? Go on?`)))) {
    io.out('nothing changed');
    return [];
  }
  await store.apply(plan, t.clock.now(), t.operator);
  for (const c of plan.changes.slice(0, LISTED_CHANGES)) io.out(`changed: ${c}`);
  if (plan.changes.length > LISTED_CHANGES) io.out(`changed: … and ${plan.changes.length - LISTED_CHANGES} more`);
  io.out(`imported ${file}: ${totals}; the next run of syncInventory and pushOrders uses it`);
  return plan.changes;
}

async function checkCatalogue(t: Target, io: OpsIo, table: SkuMapStore, transformFlag: string | undefined): Promise<SkuCheckLine[]> {
  if (!t.erp || !t.store) throw new OpsUsageError(`stage ${t.stage}: this target has no ERP or store access for sku-map check`);
  const spec = transformFlag ?? (await t.skuTransform?.());
  let transform: SkuTransform | undefined;
  if (spec?.trim()) {
    const parsed = parseSkuTransform(spec);
    if (!(parsed instanceof SkuTransform)) throw new OpsUsageError(`SKU_TRANSFORM ${spec}: ${parsed.problem}`);
    transform = parsed;
  }
  const mapping = new SkuMapping(
    (await table.list()).map(({ storeSku, erpSku }) => ({ storeSku, erpSku })),
    transform,
  );
  // One call per 100 SKUs: drawn from the shared ERP budget where the stage has one, so the jobs keep theirs.
  const erp = t.budgetedErp ? await t.budgetedErp() : await t.erp();
  const { pool, close } = await t.store();
  const lines = new Map<SkuRule | 'unmapped', SkuCheckLine>(
    (['table', 'transform', 'identity', 'unmapped'] as const).map((rule) => [rule, { rule, skus: 0, matched: 0 }]),
  );
  const notMatched: string[] = [];
  const unmapped: string[] = [];
  const inCatalogue = new Set<string>();
  let total = 0;
  try {
    const catalogue = new StockRepository(pool);
    let after: string | undefined;
    for (;;) {
      const page = await catalogue.listSkus(after, CATALOGUE_PAGE);
      if (page.length === 0) break;
      after = page.at(-1)!.sku;
      total += page.length;
      const asked: Array<{ storeSku: string; erpSku: string; rule: SkuRule }> = [];
      for (const { sku } of page) {
        inCatalogue.add(sku);
        const r = mapping.resolve(sku);
        lines.get(r.rule)!.skus++;
        if (r.rule === 'unmapped') {
          if (unmapped.length < EXAMPLES) unmapped.push(`${sku} (${r.reason})`);
        } else asked.push({ storeSku: sku, erpSku: r.erpSku, rule: r.rule });
      }
      for (let i = 0; i < asked.length; i += LIMITS.skuIds) {
        const chunk = asked.slice(i, i + LIMITS.skuIds);
        const known = new Set<string>();
        for (let pageIndex = 1; ; pageIndex++) {
          const reply = await erp.inventoryPage({ skuIds: chunk.map((a) => a.erpSku), pageSize: LIMITS.skuIds }, pageIndex);
          for (const row of reply.rows) known.add(row.sku_id);
          if (!reply.hasNext) break;
        }
        for (const a of chunk) {
          if (known.has(a.erpSku)) lines.get(a.rule)!.matched++;
          else if (notMatched.length < EXAMPLES) notMatched.push(`${a.storeSku} (${a.rule} → ${a.erpSku})`);
        }
      }
    }
  } finally {
    await close();
  }
  const n = (v: number) => v.toLocaleString('en-US');
  const matched = [...lines.values()].reduce((sum, l) => sum + l.matched, 0);
  io.out(
    `${t.stage}: ${n(total)} store SKU(s) looked up in the ERP (SKU_TRANSFORM ${transform ? transform.spec : 'not set'}; ${n(mapping.tableSize)} table row(s)):`,
  );
  for (const l of lines.values())
    io.out(
      l.rule === 'unmapped'
        ? `  unmapped   ${n(l.skus)} (no ERP code: not synced, their order lines refused; a table row gives one)`
        : `  ${l.rule.padEnd(10)} ${n(l.matched)} of ${n(l.skus)} matched`,
    );
  io.out(`  all        ${n(matched)} of ${n(total)} matched`);
  if (notMatched.length > 0) io.out(`  not known to the ERP, e.g.: ${notMatched.join(', ')}`);
  if (unmapped.length > 0) io.out(`  unmapped, e.g.: ${unmapped.join(', ')}`);
  const orphans = (await table.list()).filter((r) => !inCatalogue.has(r.storeSku)).length;
  if (orphans > 0) io.out(`  ${n(orphans)} table row(s) name a store SKU the store does not have`);
  return [...lines.values()];
}
