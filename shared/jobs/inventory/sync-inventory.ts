import type { InventoryRow } from '../../jst/reply-schemas';
import { chunkList } from '../../domain/chunk-list';
import { MetricNames } from '../../domain/metric-names';
import { NO_SAFETY_STOCK, type SafetyStock } from '../../domain/safety-stock';
import { IDENTITY_SKU_MAPPING, type SkuMapping } from '../../domain/sku-mapping';
import { mappedStockReader } from './mapped-stock';
import type { RunOutcome } from '../../domain/run-outcome';
import { walkTimeWindow } from '../walk-time-window';
import { HintDrain } from '../hint-drain';
import { combinedSkuMatcher } from './combined-skus';
import { continueFullPass, fetchSkuBatch, newFullPass, resumedPosition, SKU_BATCH, type CompletedFullPass, type FullPassPosition } from './full-pass';
import type { InventoryCtx, InventoryPorts } from './inventory-ports';
import { InventoryTally } from './inventory-tally';
import { StockApplier } from './stock-applier';
import { warehouseStock, type WarehouseStock } from './warehouse-stock';
import type { MissedWindow } from './stock-drift';
import { retryDueSkus, settleRetrySet } from './sku-retries';

export type { InventoryPorts } from './inventory-ports';

/** SKUs of push hints re-read per drain round (5 inventory queries of 100). */
export const INVENTORY_HINTS_PER_ROUND = 500;

type WindowResult = Pick<RunOutcome, 'window' | 'complete' | 'cursor' | 'cursorLagSeconds'>;

/**
 * syncInventory: ERP stock of the configured warehouses (STOCK_WAREHOUSES, warehouse-stock.ts) into the store.
 *
 * A scheduled or manual run: (0) drains the push hints (docs/design.md §18: the SKUs ERP pushes named,
 * re-read by SKU query like any other; again after the window, for hints that arrived meanwhile), (1)
 * retries due SKUs of the retry set, (2) walks the incremental window
 * from its cursor — or, on the very first run (no cursor), starts a full pass and sets the incremental
 * cursor to the moment the pass began, (3) spends the rest of its time on the pending full pass, if any
 * (`mode: "full"` or `"reconcile"` starts one when none is pending). A full pass is the stock reconcile:
 * it reports drift (stock-drift.ts); a `reconcile` run skips step 2 (it never moves the incremental cursor). An explicit `from`/`to` window or a `skus` list does only that;
 * a push-started run (`{"trigger":"push"}`) only step 0.
 * Writes are compare-and-set against fresh store data (stock-applier.ts), after the safety stock (docs/design.md §14, read once per
 * run); failed SKUs go to the retry set.
 */
export async function syncInventory(ports: InventoryPorts, ctx: InventoryCtx): Promise<RunOutcome> {
  // The SKU mapping, once per run (docs/design.md §19): from here on every SKU is the store's; the ERP is asked in its own codes.
  const mapping = ports.skuMap ? await ports.skuMap.mapping() : IDENTITY_SKU_MAPPING;
  const unmapped = { erpSkus: 0 };
  const mapped = mappedStockReader(ports.erp, mapping, () => void unmapped.erpSkus++);
  // Settled once per run, before anything is read: every step (retries, window, full pass) reads the same warehouses.
  const stock = await warehouseStock(mapped, ctx.env.STOCK_WAREHOUSES, ports.warehouseList);
  const erp = { ...stock.reader, warehouses: () => ports.erp.warehouses() };
  // The safety-stock rules, read once and validated before anything is written (docs/design.md §14).
  const safetyStock = ports.stockRules ? await ports.stockRules.safetyStock() : NO_SAFETY_STOCK;
  return new InventoryRun({ ...ports, erp }, ctx, stock, safetyStock, { mapping, unmapped }).execute();
}

class InventoryRun {
  private readonly tally = new InventoryTally();
  private readonly combined;
  private readonly applier;
  private readonly details: Record<string, unknown> = {};
  private passCounts: Record<string, number> = {};
  private readonly hints: HintDrain | undefined;

  constructor(
    private readonly ports: InventoryPorts,
    private readonly ctx: InventoryCtx,
    private readonly stock: WarehouseStock,
    safetyStock: SafetyStock,
    private readonly skus: { mapping: SkuMapping; unmapped: { erpSkus: number } } = { mapping: IDENTITY_SKU_MAPPING, unmapped: { erpSkus: 0 } },
  ) {
    this.details.stockWarehouses = stock.wmsCoIds;
    if (!skus.mapping.isIdentity) this.details.skuMapping = skus.mapping.describe();
    if (safetyStock.size > 0) this.details.safetyStock = safetyStock.describe();
    this.combined = combinedSkuMatcher(ctx.env.INVENTORY_COMBINED_SKUS);
    this.applier = new StockApplier(ports, ctx.env, this.tally, this.combined, ctx.request.dryRun, safetyStock);
    this.hints = ports.hints ? new HintDrain(ports.hints, INVENTORY_HINTS_PER_ROUND, ctx) : undefined;
  }

  async execute(): Promise<RunOutcome> {
    const { request } = this.ctx;
    const inRetrySet = new Map(request.dryRun ? [] : (await this.ports.retries.all()).map((item) => [item.key, item] as const));
    let result: WindowResult;
    try {
      if (request.trigger === 'push') {
        result = await this.pushStarted();
      } else if (request.skus || request.window) {
        result = request.skus ? await this.bySkuList(request.skus) : await this.incremental();
        const completed = await this.ctx.cursors.read<CompletedFullPass>('fullCompleted');
        const pending = await this.ctx.cursors.read<Partial<FullPassPosition>>('full');
        this.publishPassAge(completed?.completedAtMs ?? pending?.startedAtMs);
      } else {
        await this.drainHints();
        await retryDueSkus(this.ports, this.ctx, this.tally, (skus) => this.syncSkus(skus));
        result = await this.windowAndFullPass();
        await this.drainHints();
      }
    } catch (error) {
      // A run-level failure: the item failures seen so far still go to the retry set (a cursor may
      // already have moved past them), best effort; the run then fails.
      await settleRetrySet(this.ports, this.ctx, this.tally, inRetrySet).catch(() => undefined);
      throw error;
    }
    const retrySet = await settleRetrySet(this.ports, this.ctx, this.tally, inRetrySet);
    const { metrics } = this.ctx;
    metrics.count(MetricNames.skusUpdated, this.tally.counts.updated);
    metrics.count(MetricNames.skusFailed, this.tally.counts.failed);
    metrics.count(MetricNames.stockDrift, this.tally.drift.count);
    metrics.count(MetricNames.stockDriftMissed, this.tally.drift.missed);
    if (this.tally.unknownToErp.length > 0) this.details.storeSkusUnknownToErp = this.tally.unknownToErp;
    if (this.tally.combined.length > 0) this.details.combinedSkus = this.tally.combined;
    if (retrySet.abandoned.length > 0) this.details.abandonedSkus = retrySet.abandoned;
    if (request.dryRun) this.details.plannedChanges = this.tally.planned;
    if (request.trigger === 'push') this.details.trigger = 'push';
    if (this.hints?.oldestClearedAgeMs !== undefined) metrics.gauge(MetricNames.hintAgeSeconds, this.hints.oldestClearedAgeMs / 1000, 'Seconds');
    return {
      ...result,
      counts: {
        ...this.tally.counts,
        ...this.passCounts,
        ...this.tally.heldBackCounts(),
        ...(this.skus.mapping.isIdentity ? {} : { erpSkusUnmapped: this.skus.unmapped.erpSkus }),
        ...(this.hints ? this.hints.counts : {}),
        retrySetSize: retrySet.pending,
        retrySetAbandoned: retrySet.abandonedTotal,
        abandoned: retrySet.abandoned.length,
      },
      failures: this.tally.failures,
      details: this.details,
    };
  }

  private async bySkuList(skus: string[]): Promise<WindowResult> {
    const complete = await this.syncSkus(skus);
    return { window: { from: null, to: null }, complete, cursor: { before: null, after: null } };
  }

  /**
   * A run erpNotify started: the hints only, twice (the second round takes what was pushed during the
   * first). The window, the retry set's due SKUs and the full pass are the schedule's: a short run
   * holds the lease briefly, so the next push finds the job idle and starts it again at once.
   */
  private async pushStarted(): Promise<WindowResult> {
    await this.drainHints();
    await this.drainHints();
    return { window: { from: null, to: null }, complete: !this.ctx.deadline.expired(), cursor: { before: null, after: null } };
  }

  /** The SKUs of push hints, through the same SKU query and writes as a retry; cleared as each batch is applied. */
  private async drainHints(): Promise<void> {
    await this.hints?.drain(this.hintHandler);
  }

  /** Between the pages of a long window or full pass: the hints that arrived meanwhile (every 5 s at most). */
  private async drainHintsIfDue(): Promise<void> {
    await this.hints?.drainIfDue(this.hintHandler);
  }

  /**
   * A push names the ERP's codes: each is re-read under its store SKU (docs/design.md §19) and cleared when
   * that SKU was applied; a code no store SKU maps to has nothing to re-read (cleared, counted unmapped).
   */
  private readonly hintHandler = async (erpSkus: readonly string[]): Promise<ReadonlySet<string>> => {
    const { mapping, unmapped } = this.skus;
    const storeOf = new Map<string, string>();
    const cleared = new Set<string>();
    for (const erpSku of erpSkus) {
      const store = mapping.toStore(erpSku);
      if (store === undefined) {
        unmapped.erpSkus++;
        cleared.add(erpSku);
      } else storeOf.set(erpSku, store);
    }
    const done = new Set<string>();
    await this.syncSkus([...storeOf.values()], done);
    for (const [erpSku, store] of storeOf) if (done.has(store)) cleared.add(erpSku);
    return cleared;
  };

  /** Queries and applies the given SKUs in batches of 100 (adding each applied batch to `done`); false when the deadline stopped it. */
  private async syncSkus(skus: readonly string[], done?: Set<string>): Promise<boolean> {
    for (const batch of chunkList([...new Set(skus)], SKU_BATCH)) {
      if (this.ctx.deadline.expired()) return false;
      const wanted = batch.filter((sku) => !this.combined.has(sku));
      for (const sku of batch) if (this.combined.has(sku)) this.tally.combinedSku(sku);
      if (wanted.length === 0) {
        for (const sku of batch) done?.add(sku);
        continue;
      }
      const fetched = await fetchSkuBatch(this.ports, this.ctx, this.tally, wanted);
      const returned = new Set<string | undefined>([...fetched.rows.map((r) => r.sku_id), ...fetched.invalid.map((i) => i.key)]);
      for (const sku of wanted.filter((s) => !returned.has(s))) {
        this.tally.unknownToTheErp(sku);
        this.tally.applied.add(sku);
      }
      await this.applier.apply(fetched.rows, fetched.invalid, { erpReadAtMs: fetched.readAtMs });
      for (const sku of batch) done?.add(sku);
    }
    return true;
  }

  private incremental(): Promise<WindowResult> {
    const { env, clock } = this.ctx;
    const query = { pageSize: SKU_BATCH };
    // When each page was asked for: orders the ERP accepted after that still count as pending.
    const askedAt = new WeakMap<object, number>();
    return walkTimeWindow<InventoryRow>(this.ctx, {
      initialLookbackMs: env.INVENTORY_INITIAL_LOOKBACK_HOURS * 3600_000,
      source: {
        readPage: async (modified, pageIndex) => {
          const at = clock.now();
          const page = await this.ports.erp.inventoryPage({ ...query, modified }, pageIndex);
          askedAt.set(page, at);
          return page;
        },
        keyOf: (row) => row.sku_id,
        modifiedOf: (row) => row.modified,
        pageSize: SKU_BATCH,
      },
      applyPage: async (page) => {
        this.tally.counts.duplicateRows += page.duplicates ?? 0;
        const rows = await this.stock.rowsOf(page);
        const applied = await this.applier.apply(rows.rows, rows.invalid, { erpReadAtMs: askedAt.get(page) ?? 0 });
        await this.drainHintsIfDue();
        return applied;
      },
    });
  }

  private async windowAndFullPass(): Promise<WindowResult> {
    const { request, cursors, clock } = this.ctx;
    const nowMs = clock.now();
    const incremental = await cursors.read<number>('incremental');
    const saved = request.dryRun ? undefined : await cursors.read<Partial<FullPassPosition>>('full');
    let pass = saved ? resumedPosition(saved, nowMs) : undefined;
    let result: WindowResult;
    if (incremental === undefined) {
      // First run: a full pass, and incremental windows from the moment it began (docs/design.md §3).
      pass ??= await newFullPass(this.ports, nowMs);
      if (!request.dryRun) await cursors.advance('incremental', pass.startedAtMs);
      const after = request.dryRun ? null : pass.startedAtMs;
      result = {
        window: { from: null, to: null },
        complete: true,
        cursor: { before: null, after },
        cursorLagSeconds: after === null ? undefined : (nowMs - after) / 1000,
      };
    } else if (request.mode === 'reconcile') {
      // A reconcile never moves the incremental cursor (docs/design.md §10): the pass only.
      result = {
        window: { from: null, to: null },
        complete: true,
        cursor: { before: incremental, after: incremental },
        cursorLagSeconds: (nowMs - incremental) / 1000,
      };
    } else {
      result = await this.incremental();
    }
    if (!pass && (request.mode === 'full' || request.mode === 'reconcile')) pass = await newFullPass(this.ports, clock.now());
    const completed = await cursors.read<CompletedFullPass>('fullCompleted');
    if (pass) {
      const walkedUntil = typeof result.cursor.after === 'number' ? result.cursor.after : undefined;
      const missed: MissedWindow | undefined =
        walkedUntil === undefined
          ? undefined
          : { sinceMs: completed?.startedAtMs ?? pass.startedAtMs, untilMs: walkedUntil - this.ctx.env.SETTLE_LAG_SECONDS * 1000 };
      const outcome = this.ctx.deadline.expired()
        ? { position: pass, complete: false }
        : await continueFullPass(
            this.ports,
            this.ctx,
            { applier: this.applier, tally: this.tally, combined: this.combined, missed, betweenWaves: () => this.drainHintsIfDue() },
            pass,
          );
      this.details.fullPass = {
        startedAt: new Date(outcome.position.startedAtMs).toISOString(),
        done: outcome.position.done,
        total: outcome.position.total,
        complete: outcome.complete,
        drift: outcome.position.drift,
      };
      this.details.drift = this.tally.drift;
      this.passCounts = {
        fullPassSkusDone: outcome.position.done,
        fullPassSkusTotal: outcome.position.total,
        stockDrift: this.tally.drift.count,
        stockDriftMissed: this.tally.drift.missed,
      };
      if (outcome.complete && !request.dryRun) await this.finishPass(outcome.position);
      result = { ...result, complete: result.complete && outcome.complete };
      this.publishPassAge(outcome.complete ? clock.now() : (completed?.completedAtMs ?? outcome.position.startedAtMs));
    } else {
      this.publishPassAge(completed?.completedAtMs);
    }
    return result;
  }

  private async finishPass(position: FullPassPosition): Promise<void> {
    const { examples: _examples, ...drift } = position.drift;
    const completed: CompletedFullPass = { startedAtMs: position.startedAtMs, completedAtMs: this.ctx.clock.now(), skus: position.done, drift };
    await this.ctx.cursors.advance('full', null);
    await this.ctx.cursors.advance('fullCompleted', completed);
  }

  /** FullPassAgeHours: hours since the last completed pass (or since the pending first pass began). */
  private publishPassAge(sinceMs: number | undefined): void {
    if (sinceMs === undefined) return;
    this.ctx.metrics.gauge(MetricNames.fullPassAgeHours, Math.max(0, (this.ctx.clock.now() - sinceMs) / 3600_000), 'Count');
  }
}
