// Splitting requests into pieces the ERP accepts: lists into batches, time ranges into ≤ 7-day chunks.

/** The ERP's longest modified-time range per query (docs/erp-api.md §3a, §3c, §3d). */
export const MAX_RANGE_MS = 7 * 24 * 3600 * 1000;

/** Splits [fromMs, toMs] into consecutive ranges no longer than `maxMs` (whole seconds). */
export function chunkTimeRange(fromMs: number, toMs: number, maxMs = MAX_RANGE_MS): Array<{ fromMs: number; toMs: number }> {
  const chunks: Array<{ fromMs: number; toMs: number }> = [];
  const start = Math.floor(fromMs / 1000) * 1000;
  const end = Math.ceil(toMs / 1000) * 1000;
  for (let begin = start; begin < end; begin += maxMs) chunks.push({ fromMs: begin, toMs: Math.min(begin + maxMs, end) });
  return chunks;
}

/** Splits a list into batches of at most `size`. */
export function chunkList<T>(items: readonly T[], size: number): T[][] {
  const batches: T[][] = [];
  for (let i = 0; i < items.length; i += size) batches.push(items.slice(i, i + size));
  return batches;
}

/** The most sku_ids one inventory query takes (docs/erp-api.md §3a). */
export const MAX_SKU_IDS_PER_QUERY = 100;

/** Any SKU list as inventory-query-sized batches: blanks dropped, duplicates removed, order kept. */
export function skuIdBatches(skuIds: Iterable<string>, size = MAX_SKU_IDS_PER_QUERY): string[][] {
  const unique = [...new Set([...skuIds].map((s) => s.trim()).filter((s) => s !== ''))];
  return chunkList(unique, size);
}

/** Any modified-time range as ≤ 7-day ranges for the `modified` field of the client's queries. */
export function modifiedRangeChunks(range: { fromMs: number; toMs: number }): Array<{ fromMs: number; toMs: number }> {
  return chunkTimeRange(range.fromMs, range.toMs);
}
