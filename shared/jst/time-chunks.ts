/** The ERP's longest modified-time range per query (jst-api.md §3a, §3c, §3d). */
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
