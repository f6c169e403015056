import { FecjstError } from '../errors';

/**
 * SKU mapping (docs/design.md §19): the store's SKU (`product_flat.sku`) and the ERP's `sku_id` of the same
 * article, resolved in order through (1) the shop's mapping table (state table, `SKU_MAP`), (2) the
 * configured transform (`SKU_TRANSFORM`), (3) identity. One `SkuMapping` serves every job: stock read from
 * the ERP is written to `toStore(sku_id)`, order lines are uploaded with `toErp(sku)`.
 *
 * The two directions always agree: `toStore(toErp(s)) === s` and `toErp(toStore(e)) === e` wherever they
 * are defined. A SKU for which no answer keeps that true is **unmapped** (undefined) rather than guessed:
 * - the transform counts for a SKU only when it round-trips (`inverse(forward(s)) === s`); where it does
 *   not apply (the prefix to strip is missing) or does not round-trip (`upper` of a mixed-case code),
 *   identity is tried instead;
 * - identity counts only when no table row and no transform claims the same code for another SKU (with
 *   `strip-prefix:SHOP-`, the ERP's `X1` is the store's `SHOP-X1`, so a store SKU `X1` has no ERP code);
 * - a table row wins over both, and a transform or identity result that a table row holds for another
 *   SKU is unmapped (the operator sees it in `npm run ops -- sku-map check`).
 */
export type SkuRule = 'table' | 'transform' | 'identity';

/** One row of the mapping table. */
export interface SkuPair {
  storeSku: string;
  erpSku: string;
}

/** The store column's length (docs/store-schema.md, product_flat.sku varchar(150)) and the ERP's sku_id limit (docs/erp-api.md §3b). */
export const STORE_SKU_MAX = 150;
export const ERP_SKU_MAX = 40;

/** A mapping table that is not one-to-one, or a bad SKU in it. */
export class SkuMappingError extends FecjstError {}

/** What is wrong with one SKU of a mapping row, or undefined when it can be kept. */
export function skuKeyProblem(what: 'store SKU' | 'ERP SKU', sku: unknown): string | undefined {
  if (typeof sku !== 'string' || sku === '') return `the ${what} is empty`;
  if (sku.trim() !== sku) return `the ${what} "${sku}" has leading or trailing white space`;
  const max = what === 'store SKU' ? STORE_SKU_MAX : ERP_SKU_MAX;
  if (Array.from(sku).length > max) return `the ${what} "${sku}" is longer than ${max} characters`;
  return undefined;
}

// ---------------------------------------------------------------------------------------------------------
// The transform

type Step =
  | { kind: 'strip-prefix' | 'add-prefix' | 'strip-suffix' | 'add-suffix'; text: string }
  | { kind: 'upper' | 'lower' }
  | { kind: 'pad' | 'strip-zeros'; width: number };

export const SKU_TRANSFORM_STEPS =
  'strip-prefix:P, add-prefix:P, strip-suffix:S, add-suffix:S, upper, lower, pad:N (zero-pad digits to N), strip-zeros:N (store codes zero-padded to N)';

/**
 * A chain of steps from the store's code to the ERP's (`strip-prefix:SHOP-,upper`: `SHOP-ab1` → `AB1`),
 * applied left to right; `inverse` undoes them right to left. A step that does not apply to a code
 * (a missing prefix, a non-digit code for pad) yields undefined.
 */
export class SkuTransform {
  constructor(
    private readonly steps: readonly Step[],
    readonly spec: string,
  ) {}

  forward(storeSku: string): string | undefined {
    let s: string | undefined = storeSku;
    for (const step of this.steps) {
      if (s === undefined) return undefined;
      s = apply(step, s, 'forward');
    }
    return s === '' ? undefined : s;
  }

  inverse(erpSku: string): string | undefined {
    let s: string | undefined = erpSku;
    for (let i = this.steps.length - 1; i >= 0; i--) {
      if (s === undefined) return undefined;
      s = apply(this.steps[i]!, s, 'inverse');
    }
    return s === '' ? undefined : s;
  }
}

function apply(step: Step, s: string, direction: 'forward' | 'inverse'): string | undefined {
  const adds = (step.kind === 'add-prefix' || step.kind === 'add-suffix') === (direction === 'forward');
  switch (step.kind) {
    case 'strip-prefix':
    case 'add-prefix':
      if (adds) return step.text + s;
      return s.startsWith(step.text) ? s.slice(step.text.length) : undefined;
    case 'strip-suffix':
    case 'add-suffix':
      if (adds) return s + step.text;
      return s.endsWith(step.text) ? s.slice(0, s.length - step.text.length) : undefined;
    case 'upper':
      return direction === 'forward' ? s.toUpperCase() : s.toLowerCase();
    case 'lower':
      return direction === 'forward' ? s.toLowerCase() : s.toUpperCase();
    case 'pad':
    case 'strip-zeros': {
      if (!/^\d+$/.test(s)) return undefined;
      const pads = (step.kind === 'pad') === (direction === 'forward');
      return pads ? s.padStart(step.width, '0') : s.replace(/^0+(?=\d)/, '');
    }
  }
}

/** Parses SKU_TRANSFORM (comma-separated steps); returns the transform or what is wrong, for an operator. */
export function parseSkuTransform(spec: string): SkuTransform | { problem: string } {
  const parts = spec.split(',').map((p) => p.trim());
  if (parts.length > 8) return { problem: `at most 8 steps (got ${parts.length})` };
  const steps: Step[] = [];
  for (const part of parts) {
    const colon = part.indexOf(':');
    const name = (colon < 0 ? part : part.slice(0, colon)).toLowerCase();
    const arg = colon < 0 ? undefined : part.slice(colon + 1);
    const bad = (why: string) => ({ problem: `step "${part}": ${why}; the steps are ${SKU_TRANSFORM_STEPS}, comma-separated, e.g. strip-prefix:SHOP-,upper` });
    switch (name) {
      case 'strip-prefix':
      case 'add-prefix':
      case 'strip-suffix':
      case 'add-suffix':
        if (!arg || /\s/.test(arg)) return bad('needs the text after the colon (no spaces, no commas)');
        steps.push({ kind: name, text: arg });
        break;
      case 'upper':
      case 'lower':
        if (arg !== undefined) return bad('takes no argument');
        steps.push({ kind: name });
        break;
      case 'pad':
      case 'strip-zeros': {
        const width = Number(arg);
        if (!arg || !/^\d+$/.test(arg) || width < 1 || width > ERP_SKU_MAX) return bad(`needs a width from 1 to ${ERP_SKU_MAX}`);
        steps.push({ kind: name, width });
        break;
      }
      default:
        return bad('unknown step');
    }
  }
  return new SkuTransform(steps, parts.join(','));
}

// ---------------------------------------------------------------------------------------------------------
// The mapping

/** How one store SKU resolves: its ERP code and the rule that gave it, or why it has none. */
export type SkuResolution = { rule: SkuRule; erpSku: string } | { rule: 'unmapped'; reason: string };

/** Two rows that claim the same SKU: one of them must go before the table can be kept. */
export interface SkuConflict {
  /** The SKU claimed twice and on which side. */
  side: 'store' | 'erp';
  sku: string;
  first: SkuPair & { line?: number };
  second: SkuPair & { line?: number };
}

/** `line 4 (SHOP-A1 → A1) and line 9 (SHOP-B1 → A1) both claim ERP SKU A1`. */
export function conflictText(c: SkuConflict): string {
  const row = (r: SkuPair & { line?: number }) => `${r.line !== undefined ? `line ${r.line}` : 'the table'} (${r.storeSku} → ${r.erpSku})`;
  return `${row(c.first)} and ${row(c.second)} both claim ${c.side === 'erp' ? 'ERP' : 'store'} SKU ${c.sku}`;
}

/** Every pair of rows that breaks one-to-one (exact duplicates are not conflicts). */
export function skuMapConflicts(rows: ReadonlyArray<SkuPair & { line?: number }>): SkuConflict[] {
  const byStore = new Map<string, SkuPair & { line?: number }>();
  const byErp = new Map<string, SkuPair & { line?: number }>();
  const conflicts: SkuConflict[] = [];
  for (const row of rows) {
    const sameStore = byStore.get(row.storeSku);
    const sameErp = byErp.get(row.erpSku);
    if (sameStore && sameStore.erpSku !== row.erpSku) conflicts.push({ side: 'store', sku: row.storeSku, first: sameStore, second: row });
    if (sameErp && sameErp.storeSku !== row.storeSku) conflicts.push({ side: 'erp', sku: row.erpSku, first: sameErp, second: row });
    if (!sameStore) byStore.set(row.storeSku, row);
    if (!sameErp) byErp.set(row.erpSku, row);
  }
  return conflicts;
}

/**
 * The run's mapping between store SKUs and ERP `sku_id`s: the table (one-to-one, checked here), then the
 * transform, then identity, with the guards described at the top of this file. Lookups are map probes
 * and a few string operations; built once per run (the table is cached per warm container, state/sku-map.ts).
 */
export class SkuMapping {
  private readonly toErpTable = new Map<string, string>();
  private readonly toStoreTable = new Map<string, string>();

  constructor(
    table: Iterable<SkuPair>,
    readonly transform?: SkuTransform,
  ) {
    const rows: SkuPair[] = [];
    for (const row of table) {
      const problem = skuKeyProblem('store SKU', row.storeSku) ?? skuKeyProblem('ERP SKU', row.erpSku);
      if (problem) throw new SkuMappingError('SKU_MAP_INVALID', `SKU mapping row ${row.storeSku} → ${row.erpSku}: ${problem}`, { storeSku: row.storeSku });
      rows.push(row);
      const erp = this.toErpTable.get(row.storeSku);
      const store = this.toStoreTable.get(row.erpSku);
      if ((erp !== undefined && erp !== row.erpSku) || (store !== undefined && store !== row.storeSku)) {
        const conflict = skuMapConflicts(rows)[0]!;
        throw new SkuMappingError('SKU_MAP_CONFLICT', `the SKU mapping table is not one-to-one: ${conflictText(conflict)}`, {
          side: conflict.side,
          sku: conflict.sku,
        });
      }
      this.toErpTable.set(row.storeSku, row.erpSku);
      this.toStoreTable.set(row.erpSku, row.storeSku);
    }
  }

  /** Rows of the mapping table. */
  get tableSize(): number {
    return this.toErpTable.size;
  }

  /** Whether anything but identity can apply. */
  get isIdentity(): boolean {
    return this.tableSize === 0 && !this.transform;
  }

  /** The ERP's sku_id of a store SKU; undefined when it has none (see the file comment). */
  toErp(storeSku: string): string | undefined {
    const r = this.resolve(storeSku);
    return r.rule === 'unmapped' ? undefined : r.erpSku;
  }

  /** The store SKU of an ERP sku_id; undefined when it has none. */
  toStore(erpSku: string): string | undefined {
    const table = this.toStoreTable.get(erpSku);
    if (table !== undefined) return table;
    const back = this.untransformed(erpSku);
    if (back !== undefined && back !== erpSku) return this.toErpTable.has(back) ? undefined : back;
    if (this.toErpTable.has(erpSku)) return undefined;
    const forward = this.transformed(erpSku);
    if (forward !== undefined && forward !== erpSku) return undefined;
    return erpSku;
  }

  /** How a store SKU resolves, with the rule (for `sku-map check`) or the reason it has no ERP code. */
  resolve(storeSku: string): SkuResolution {
    const table = this.toErpTable.get(storeSku);
    if (table !== undefined) return { rule: 'table', erpSku: table };
    const forward = this.transformed(storeSku);
    if (forward !== undefined && forward !== storeSku) {
      const holder = this.toStoreTable.get(forward);
      return holder === undefined
        ? { rule: 'transform', erpSku: forward }
        : { rule: 'unmapped', reason: `its transformed code ${forward} is mapped to ${holder} by the table` };
    }
    const holder = this.toStoreTable.get(storeSku);
    if (holder !== undefined) return { rule: 'unmapped', reason: `its own code is mapped to ${holder} by the table` };
    const back = this.untransformed(storeSku);
    if (back !== undefined && back !== storeSku) return { rule: 'unmapped', reason: `the transform makes ERP SKU ${storeSku} the store's ${back}` };
    return { rule: 'identity', erpSku: storeSku };
  }

  /** Table, transform and identity, for the run summary. */
  describe(): { tableRows: number; transform: string | null } {
    return { tableRows: this.tableSize, transform: this.transform?.spec ?? null };
  }

  /** The transform's code for a store SKU when it round-trips. */
  private transformed(storeSku: string): string | undefined {
    if (!this.transform) return undefined;
    const erp = this.transform.forward(storeSku);
    return erp !== undefined && this.transform.inverse(erp) === storeSku ? erp : undefined;
  }

  /** The store SKU the transform gives an ERP code when it round-trips. */
  private untransformed(erpSku: string): string | undefined {
    if (!this.transform) return undefined;
    const store = this.transform.inverse(erpSku);
    return store !== undefined && this.transform.forward(store) === erpSku ? store : undefined;
  }
}

/** No table, no transform: every SKU is its own ERP code. */
export const IDENTITY_SKU_MAPPING = new SkuMapping([]);

/** What a job asks for its mapping at the start of a run (state/sku-map.ts; absent: identity). */
export interface SkuMappingSource {
  mapping(): Promise<SkuMapping>;
}
