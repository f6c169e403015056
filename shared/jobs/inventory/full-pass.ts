import type { StoreSku } from '../../fecmall/stock-repository';
import type { InventoryRow } from '../../jst/reply-schemas';
import { chunkList } from '../../domain/chunk-list';
import type { CombinedSkus } from './combined-skus';
import type { InventoryCtx, InventoryPorts } from './inventory-ports';
import type { InventoryTally } from './inventory-tally';
import type { InvalidRow, StockApplier } from './stock-applier';
import { addDrift, emptyDrift, recordDrift, type DriftTotals, type MissedWindow } from './stock-drift';

/**
 * The `full` cursor position: a pass over every store SKU in keyset order, in progress. It is kept
 * across invocations, so a pass that does not finish in one run is continued by the following ones.
 */
export interface FullPassPosition {
  /** The last SKU done (keyset position); null before the first wave. */
  afterSku: string | null;
  startedAtMs: number;
  /** SKUs done so far, of `total` (counted when the pass began). */
  done: number;
  total: number;
  /** Drift found so far by this pass (stock-drift.ts). */
  drift: DriftTotals;
}

/** The `fullCompleted` cursor position: the last pass that reached the end of the catalogue. */
export interface CompletedFullPass {
  startedAtMs: number;
  completedAtMs: number;
  skus: number;
  drift: Omit<DriftTotals, 'examples'>;
}

export const SKU_BATCH = 100;
/** SKU batches queried at once (the rate limiter paces them). */
const PARALLEL_BATCHES = 4;
const WAVE = SKU_BATCH * PARALLEL_BATCHES;

export async function newFullPass(ports: Pick<InventoryPorts, 'stock'>, nowMs: number): Promise<FullPassPosition> {
  return { afterSku: null, startedAtMs: nowMs, done: 0, total: await ports.stock.countSkus(), drift: emptyDrift() };
}

/** Reads a saved position; an older `{ afterSku }` one (before passes were resumed) is taken up as is. */
export function resumedPosition(saved: Partial<FullPassPosition> & { afterSku?: string | null }, nowMs: number): FullPassPosition {
  return {
    afterSku: saved.afterSku ?? null,
    startedAtMs: saved.startedAtMs ?? nowMs,
    done: saved.done ?? 0,
    total: saved.total ?? 0,
    drift: saved.drift ?? emptyDrift(),
  };
}

interface FetchedBatch {
  skus: string[];
  rows: InventoryRow[];
  invalid: InvalidRow[];
  readAtMs: number;
}

/**
 * Continues a full pass until it reaches the end of the catalogue or the soft deadline: waves of 400
 * store SKUs, each queried from the ERP in 4 batches of 100 while the previous wave is written, the
 * position committed after each written wave (never in a dry run). Returns the position reached and
 * whether the pass is complete.
 */
export async function continueFullPass(
  ports: InventoryPorts,
  ctx: InventoryCtx,
  deps: {
    applier: StockApplier;
    tally: InventoryTally;
    combined: CombinedSkus;
    missed: MissedWindow | undefined;
    /** Called after each committed wave (the run drains its push hints there, docs/design.md §18). */
    betweenWaves?: () => Promise<unknown>;
  },
  start: FullPassPosition,
): Promise<{ position: FullPassPosition; complete: boolean }> {
  const { tally, combined } = deps;
  const save = ctx.request.dryRun ? async () => undefined : (p: FullPassPosition) => ctx.cursors.advance('full', p);

  const fetchWave = (page: StoreSku[]): Promise<FetchedBatch[]> => {
    const skus: string[] = [];
    for (const s of page) {
      if (combined.has(s.sku)) tally.combinedSku(s.sku);
      else skus.push(s.sku);
    }
    return Promise.all(chunkList(skus, SKU_BATCH).map((batch) => fetchBatch(ports, ctx, tally, batch)));
  };

  let position = start;
  let page = await ports.stock.listSkus(position.afterSku ?? undefined, WAVE);
  let fetching = page.length > 0 ? fetchWave(page) : undefined;
  try {
    while (fetching) {
      const fetched = await fetching;
      const stop = page.length < WAVE || ctx.deadline.expired();
      // Fetch the next wave from the ERP while this one is written to the store.
      const next = stop ? [] : await ports.stock.listSkus(page.at(-1)!.sku, WAVE);
      fetching = next.length > 0 ? fetchWave(next) : undefined;
      fetching?.catch(() => undefined);
      const waveDrift = emptyDrift();
      for (const batch of fetched) {
        const returned = new Set<string | undefined>([...batch.rows.map((r) => r.sku_id), ...batch.invalid.map((i) => i.key)]);
        for (const sku of batch.skus) if (!returned.has(sku)) tally.unknownToTheErp(sku);
        await deps.applier.apply(batch.rows, batch.invalid, {
          erpReadAtMs: batch.readAtMs,
          drift: {
            window: deps.missed,
            record: (example) => {
              tally.drifted(example);
              recordDrift(waveDrift, example);
            },
          },
        });
      }
      position = { ...position, afterSku: page.at(-1)!.sku, done: position.done + page.length, drift: addDrift(position.drift, waveDrift) };
      if (next.length === 0 && !(stop && page.length === WAVE)) return { position, complete: true };
      await save(position);
      // A "run progress" line at most every 30 s on long passes (the handler throttles it).
      ctx.progress?.({ fullPassSkusDone: position.done, fullPassSkusTotal: position.total });
      if (stop) return { position, complete: false };
      await deps.betweenWaves?.();
      page = next;
    }
  } catch (error) {
    // The wave fetched ahead is not used: let its ERP calls finish before the run reports the failure,
    // so that no call of this run outlives it.
    await fetching?.catch(() => undefined);
    throw error;
  }
  return { position, complete: true };
}

/** One SKU batch (≤ 100) from the ERP, every page; `readAtMs` is taken before the first call. */
async function fetchBatch(ports: Pick<InventoryPorts, 'erp'>, ctx: InventoryCtx, tally: InventoryTally, skus: string[]): Promise<FetchedBatch> {
  const readAtMs = ctx.clock.now();
  const rows: InventoryRow[] = [];
  const invalid: InvalidRow[] = [];
  for await (const page of ports.erp.inventoryPages({ skuIds: skus, pageSize: SKU_BATCH })) {
    rows.push(...page.rows);
    invalid.push(...page.invalid);
    tally.counts.duplicateRows += page.duplicates ?? 0;
  }
  return { skus, rows, invalid, readAtMs };
}

export { fetchBatch as fetchSkuBatch };
