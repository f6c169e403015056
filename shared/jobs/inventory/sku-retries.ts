import { MetricNames } from '../../domain/metric-names';
import type { InventoryCtx, InventoryPorts } from './inventory-ports';
import type { InventoryTally } from './inventory-tally';

/** Due SKUs retried per run at most (5 ERP queries). */
export const RETRIES_PER_RUN = 500;

/**
 * Retries the retry set's due SKUs by SKU query, before the run's window (docs/design.md §5). Their
 * outcome goes through the same tally: applied ones are cleared, failed ones recorded again by
 * `settleRetrySet`. Dry runs leave the set alone.
 */
export async function retryDueSkus(
  ports: Pick<InventoryPorts, 'retries'>,
  ctx: InventoryCtx,
  tally: InventoryTally,
  syncSkus: (skus: readonly string[]) => Promise<boolean>,
): Promise<void> {
  if (ctx.request.dryRun) return;
  const due = await ports.retries.due(ctx.clock.now(), RETRIES_PER_RUN);
  if (due.length === 0) return;
  tally.counts.retried += due.length;
  await syncSkus(due.map((item) => item.key));
}

/**
 * After the run: records this run's SKU failures in the retry set (one more attempt each; those past
 * the attempt limit are given up on, counted in ItemsAbandoned and listed), and clears the SKUs of the
 * set this run applied by any route. Returns the set's size for the summary.
 */
export async function settleRetrySet(
  ports: Pick<InventoryPorts, 'retries'>,
  ctx: InventoryCtx,
  tally: InventoryTally,
  inRetrySet: ReadonlyMap<string, { abandoned: boolean }>,
): Promise<{ pending: number; abandonedTotal: number; abandoned: string[] }> {
  let abandoned: string[] = [];
  if (!ctx.request.dryRun) {
    // Rows without a SKU cannot be queried again (they stay in the summary's failures only); SKUs
    // already given up on stay so, without counting into ItemsAbandoned again on every full pass.
    const retriable = tally.failures.filter((f) => !f.key.startsWith('(') && !inRetrySet.get(f.key)?.abandoned);
    abandoned = (await ports.retries.record(retriable, ctx.clock.now(), ctx.fence)).map((item) => item.key);
    const failed = new Set(tally.failures.map((f) => f.key));
    const cleared = [...inRetrySet.keys()].filter((sku) => tally.applied.has(sku) && !failed.has(sku));
    await ports.retries.clear(cleared, ctx.fence);
  }
  ctx.metrics.count(MetricNames.itemsAbandoned, abandoned.length);
  if (abandoned.length > 0) ctx.logger.warn('SKUs given up on after their last retry', { skus: abandoned.slice(0, 50), count: abandoned.length });
  const size = await ports.retries.size();
  return { pending: size.pending, abandonedTotal: size.abandoned, abandoned };
}
