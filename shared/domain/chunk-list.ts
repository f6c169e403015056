/** Splits a list into batches of at most `size` (ERP queries take a bounded number of ids). */
export function chunkList<T>(items: readonly T[], size: number): T[][] {
  const batches: T[][] = [];
  for (let i = 0; i < items.length; i += size) batches.push(items.slice(i, i + size));
  return batches;
}
