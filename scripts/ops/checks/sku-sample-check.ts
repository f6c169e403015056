import type { Pool, RowDataPacket } from 'mysql2/promise';
import type { JstClient } from '../../../shared/jst/client';
import { LIMITS } from '../../../shared/jst/client';
import { IDENTITY_SKU_MAPPING, type SkuMapping } from '../../../shared/domain/sku-mapping';
import { blocker, ok, warning, type Finding } from './finding';

/** How many store SKUs doctor looks up in the ERP. */
export const SKU_SAMPLE_SIZE = 200;

/**
 * A sample of store SKUs (the newest products, those most likely to be missing) looked up in the ERP by
 * the inventory query with `sku_ids` (docs/erp-api.md §3a), 100 per call: "182 of 200 known". A SKU the
 * ERP does not know gets no stock; none known at all means the store and the ERP do not share SKU codes
 * (or the account is the wrong one).
 */
export async function checkSkuSample(
  pool: Pool,
  erp: Pick<JstClient, 'inventoryPage'>,
  size = SKU_SAMPLE_SIZE,
  mapping: SkuMapping = IDENTITY_SKU_MAPPING,
): Promise<Finding> {
  const [rows] = await pool.query<RowDataPacket[]>("SELECT sku FROM product_flat WHERE sku IS NOT NULL AND sku <> '' ORDER BY id DESC LIMIT ?", [size]);
  const skus = rows.map((r) => String(r.sku));
  if (skus.length === 0) return warning('erp.skuSample', 'the store has no products with a SKU yet', 'nothing to look up: add products, then run doctor again');
  // Asked under the ERP codes the SKU mapping gives them (docs/design.md §19); an unmapped SKU counts as unknown.
  const asked = skus.flatMap((s) => {
    const erpSku = mapping.toErp(s);
    return erpSku === undefined ? [] : [erpSku];
  });
  const known = new Set<string>();
  for (let i = 0; i < asked.length; i += LIMITS.skuIds) {
    const page = await erp.inventoryPage({ skuIds: asked.slice(i, i + LIMITS.skuIds) }, 1);
    for (const row of page.rows) known.add(row.sku_id);
  }
  const unknown = skus.filter((s) => !known.has(mapping.toErp(s) ?? ''));
  const summary = `${skus.length - unknown.length} of ${skus.length} store SKUs known to the ERP`;
  if (unknown.length === 0) return ok('erp.skuSample', summary);
  const examples = `${unknown.slice(0, 5).join(', ')}${unknown.length > 5 ? ', …' : ''}`;
  if (unknown.length === skus.length && skus.length >= 10)
    return blocker(
      'erp.skuSample',
      `${summary} (e.g. ${examples})`,
      'the store and the ERP share no SKU code: check that this is the right ERP account and that product_flat.sku holds the ERP 商品编码 (sku_id), or map them (SKU_TRANSFORM, npm run ops -- sku-map; README "A shop whose codes differ")',
    );
  return warning(
    'erp.skuSample',
    `${summary}; unknown e.g. ${examples}`,
    'create these SKUs in the ERP (商品资料, same 商品编码) or correct product_flat.sku; the full inventory pass counts them (storeSkusUnknownToErp) and leaves their stock as it is; combined SKUs (组合装) are not in the inventory query and show as unknown here',
  );
}
