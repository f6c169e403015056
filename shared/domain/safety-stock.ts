import { FecjstError } from '../errors';
import { STORE_QTY_MAX } from './store-stock';

/**
 * Safety stock (docs/design.md §14): units held back from what the store offers, so that a busy SKU does
 * not oversell between two syncs. Applied after the stock formula:
 *
 *   sellable = max(0, formula − units)                       (an absolute buffer)
 *   sellable = floor(formula × (100 − percent) / 100)        (a percentage buffer)
 *
 * The sellable figure is rounded down (the store never promises a fraction of a unit), so a percentage
 * buffer holds back the fraction too: 7 units at 10 % offer 6. Never negative.
 *
 * Which rule applies to a SKU: its exact `sku` rule, else the longest `prefix` rule its SKU starts with,
 * else the `global` rule, else none. SKUs and prefixes compare exactly (case-sensitive, no trimming).
 */
export type StockRuleKind = 'global' | 'prefix' | 'sku';

export type StockBuffer = { type: 'units'; units: number } | { type: 'percent'; percent: number };

export interface StockRule {
  kind: StockRuleKind;
  /** The SKU (`sku`), the SKU prefix (`prefix`), or '' (`global`). */
  key: string;
  buffer: StockBuffer;
}

/** A rule that cannot be kept or applied (bad value, duplicate, empty key). */
export class StockRuleError extends FecjstError {}

export const STOCK_RULE_KINDS: readonly StockRuleKind[] = ['global', 'prefix', 'sku'];
/** Percentages carry at most two decimals (computed in hundredths of a percent, exactly). */
const PERCENT_SCALE = 100;

/** `prefix TS-`, `sku TS-001`, `global`: how a rule is named in messages. */
export function ruleName(rule: Pick<StockRule, 'kind' | 'key'>): string {
  return rule.kind === 'global' ? 'global' : `${rule.kind} ${rule.key}`;
}

/** `3 units`, `12.5 %`. */
export function bufferText(buffer: StockBuffer): string {
  return buffer.type === 'units' ? `${buffer.units} unit${buffer.units === 1 ? '' : 's'}` : `${buffer.percent} %`;
}

/** What is wrong with one rule, or undefined when it is valid. */
export function stockRuleProblem(rule: StockRule): string | undefined {
  if (!STOCK_RULE_KINDS.includes(rule.kind)) return `kind "${String(rule.kind)}" is not one of ${STOCK_RULE_KINDS.join(', ')}`;
  if (rule.kind === 'global' && rule.key !== '') return `a global rule has no key (got "${rule.key}")`;
  if (rule.kind !== 'global') {
    if (typeof rule.key !== 'string' || rule.key === '') return `a ${rule.kind} rule needs a non-empty ${rule.kind === 'sku' ? 'SKU' : 'prefix'}`;
    if (rule.key.trim() !== rule.key) return `${rule.kind} "${rule.key}" starts or ends with white space`;
  }
  const { buffer } = rule;
  if (buffer.type === 'units') {
    if (!Number.isInteger(buffer.units) || buffer.units < 0 || buffer.units > STORE_QTY_MAX)
      return `units ${String(buffer.units)} is not a whole number from 0 to ${STORE_QTY_MAX}`;
    return undefined;
  }
  if (buffer.type === 'percent') {
    if (typeof buffer.percent !== 'number' || !Number.isFinite(buffer.percent) || buffer.percent < 0 || buffer.percent > 100)
      return `percent ${String(buffer.percent)} is not between 0 and 100`;
    if (!Number.isInteger(Math.round(buffer.percent * PERCENT_SCALE * 1e6) / 1e6)) return `percent ${buffer.percent} has more than two decimals`;
    return undefined;
  }
  return `buffer type "${String((buffer as { type: unknown }).type)}" is not units or percent`;
}

/** Throws StockRuleError (STOCK_RULE_INVALID) naming the rule when it is not valid. */
export function assertValidStockRule(rule: StockRule): void {
  const problem = stockRuleProblem(rule);
  if (problem) throw new StockRuleError('STOCK_RULE_INVALID', `stock rule ${ruleName(rule)}: ${problem}`, { rule: ruleName(rule), problem });
}

/** The units of `available` a buffer holds back (so that the sellable figure is rounded down, floor 0). */
export function heldBackUnits(available: number, buffer: StockBuffer | undefined): number {
  if (!buffer || available <= 0) return 0;
  if (buffer.type === 'units') return Math.min(available, buffer.units);
  // Integer arithmetic in hundredths of a percent: exact for every value the store column holds.
  const hundredths = Math.round(buffer.percent * PERCENT_SCALE);
  const sellable = Math.floor((available * (100 * PERCENT_SCALE - hundredths)) / (100 * PERCENT_SCALE));
  return available - sellable;
}

/** What the store offers of `available` under `buffer`: max(0, available − held back). */
export function sellableUnits(available: number, buffer: StockBuffer | undefined): number {
  return Math.max(0, available - heldBackUnits(available, buffer));
}

/** A validated rule set, ready to answer which buffer a SKU gets (exact SKU > longest prefix > global). */
export class SafetyStock {
  private readonly global: StockBuffer | undefined;
  private readonly skus = new Map<string, StockBuffer>();
  /** Prefix rules by prefix length, longest first. */
  private readonly prefixes: Array<{ length: number; rules: Map<string, StockBuffer> }> = [];
  readonly size: number;

  /** Validates every rule (StockRuleError STOCK_RULE_INVALID / STOCK_RULE_DUPLICATE naming the first bad one). */
  constructor(rules: readonly StockRule[]) {
    let global: StockBuffer | undefined;
    const byLength = new Map<number, Map<string, StockBuffer>>();
    for (const rule of rules) {
      assertValidStockRule(rule);
      const duplicate = () => new StockRuleError('STOCK_RULE_DUPLICATE', `stock rule ${ruleName(rule)} is given twice`, { rule: ruleName(rule) });
      if (rule.kind === 'global') {
        if (global) throw duplicate();
        global = rule.buffer;
      } else if (rule.kind === 'sku') {
        if (this.skus.has(rule.key)) throw duplicate();
        this.skus.set(rule.key, rule.buffer);
      } else {
        const sameLength = byLength.get(rule.key.length) ?? new Map<string, StockBuffer>();
        if (sameLength.has(rule.key)) throw duplicate();
        sameLength.set(rule.key, rule.buffer);
        byLength.set(rule.key.length, sameLength);
      }
    }
    this.global = global;
    for (const [length, map] of [...byLength].sort((a, b) => b[0] - a[0])) this.prefixes.push({ length, rules: map });
    this.size = rules.length;
  }

  /** The buffer that applies to `sku`: its own rule, else the longest matching prefix, else the global one. */
  bufferFor(sku: string): StockBuffer | undefined {
    const own = this.skus.get(sku);
    if (own) return own;
    for (const { length, rules } of this.prefixes) {
      if (length > sku.length) continue;
      const byPrefix = rules.get(sku.slice(0, length));
      if (byPrefix) return byPrefix;
    }
    return this.global;
  }

  /** The rule counts, for the run summary. */
  describe(): { global: string | null; prefixRules: number; skuRules: number } {
    return {
      global: this.global ? bufferText(this.global) : null,
      prefixRules: this.prefixes.reduce((n, p) => n + p.rules.size, 0),
      skuRules: this.skus.size,
    };
  }
}

/** No rules: every unit is offered. */
export const NO_SAFETY_STOCK = new SafetyStock([]);
