import type { SkuPair } from '../../shared/domain/sku-mapping';
import { skuOf } from '../fecmall/generator';

/**
 * The SKU mapping of the `inventory` bench's mapping variant (docs/design.md §19): every generated store SKU
 * (skuOf(i), `SKU-000042`) has a table row to an ERP code of its own (`J42-A`), so every lookup goes through the table.
 */
export function benchErpCode(i: number): string {
  return `J${i}-A`;
}

export function benchSkuMapRows(n: number): SkuPair[] {
  return Array.from({ length: n }, (_, k) => ({ storeSku: skuOf(k + 1), erpSku: benchErpCode(k + 1) }));
}
