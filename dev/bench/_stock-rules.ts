import { SafetyStock, type StockRule } from '../../shared/domain/safety-stock';
import { skuOf } from '../fecmall/generator';

/**
 * The safety-stock rules of the `inventory` bench's "rules on" variant (docs/design.md §14): a global
 * rule, 500 prefix rules of two lengths (50 covering 100 SKUs each, 450 covering 10 each) and 500 SKU
 * rules, spread over the catalogue of `n` generated SKUs (skuOf), units and percentages mixed.
 */
export function benchStockRules(n: number): StockRule[] {
  const rules: StockRule[] = [{ kind: 'global', key: '', buffer: { type: 'units', units: 1 } }];
  const digits = (i: number, width: number) => String(i).padStart(width, '0');
  for (let k = 0; k < 50; k++)
    rules.push({ kind: 'prefix', key: `SKU-${digits((k * 7) % Math.max(1, Math.floor(n / 100)), 4)}`, buffer: { type: 'percent', percent: 10 } });
  for (let k = 0; k < 450; k++)
    rules.push({ kind: 'prefix', key: `SKU-${digits((k * 23) % Math.max(1, Math.floor(n / 10)), 5)}`, buffer: { type: 'units', units: 3 } });
  for (let k = 1; k <= 500; k++)
    rules.push({ kind: 'sku', key: skuOf(1 + ((k * 199) % n)), buffer: k % 2 ? { type: 'units', units: 2 } : { type: 'percent', percent: 25 } });
  // Distinct keys only (the spreading above may repeat one on a small catalogue).
  return [...new Map(rules.map((r) => [`${r.kind}#${r.key}`, r])).values()];
}

/** The same rules, in memory (for the process that measures the job's RSS alone). */
export function benchSafetyStockSource(n: number): { safetyStock(): Promise<SafetyStock> } {
  const stock = new SafetyStock(benchStockRules(n));
  return { safetyStock: async () => stock };
}
