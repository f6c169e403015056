import type { Environment } from '../../config/environment';
import { STORE_QTY_MAX } from '../../domain/store-stock';
import { heldBackUnits, NO_SAFETY_STOCK, type SafetyStock } from '../../domain/safety-stock';
import type { StockChange, StoreStock } from '../../fecmall/stock-repository';
import { parseBeijing } from '../../domain/beijing-time';
import type { InventoryRow } from '../../jst/reply-schemas';
import type { CombinedSkus } from './combined-skus';
import type { InventoryPorts } from './inventory-ports';
import type { InventoryTally } from './inventory-tally';
import { pendingUnitsBySku } from './pending-units';
import { isMissed, type DriftExample, type MissedWindow } from './stock-drift';
import { storeQuantity } from './stock-formula';

/** Compare-and-set attempts after the first, each with freshly read store data. */
export const CONFLICT_RETRIES = 2;

export interface InvalidRow {
  key: string | undefined;
  problem: string;
}

export interface ApplyOptions {
  /** Epoch ms at or before which the ERP rows were read (orders the ERP accepted later count as pending). */
  erpReadAtMs: number;
  /** Full pass: report SKUs whose store value differed from the formula before the write. */
  drift?: { window: MissedWindow | undefined; record(example: DriftExample): void };
}

/**
 * Applies ERP inventory rows to the store: validates them (bad rows and values the store column cannot
 * hold are item failures naming the SKU), keeps one row per SKU (the latest `modified`), computes the
 * target and writes it with compare-and-set.
 *
 * Every attempt reads the store's stock first and then the units held by store orders for the same
 * SKUs, and computes the target from those fresh figures: a checkout commits its order and its stock
 * deduction together (docs/store-schema.md §1.6, §2.4), so one that commits before the stock read is in
 * both reads, and one that commits after it makes the compare-and-set fail, and the retry recomputes.
 * No checkout race leaves the store above the formula.
 */
export class StockApplier {
  private horizonStart: Promise<number | undefined> | undefined;

  constructor(
    private readonly ports: Pick<InventoryPorts, 'stock' | 'orders' | 'ledger'>,
    private readonly env: Pick<Environment, 'STOCK_FORMULA' | 'ORDER_HORIZON_DAYS'>,
    private readonly tally: InventoryTally,
    private readonly combined: CombinedSkus,
    private readonly dryRun: boolean,
    /** The run's safety-stock rules, applied after the formula (docs/design.md §14). */
    private readonly safetyStock: SafetyStock = NO_SAFETY_STOCK,
  ) {}

  async apply(rows: readonly InventoryRow[], invalid: readonly InvalidRow[], options: ApplyOptions): Promise<void> {
    const { tally } = this;
    tally.counts.erpRows += rows.length + invalid.length;
    for (const bad of invalid) tally.fail(bad.key ?? '(no sku_id)', `ERP row does not have the documented shape: ${bad.problem}`);
    const latest = latestRowPerSku(rows);
    tally.counts.duplicateRows += rows.length - latest.size;
    const wanted = new Map<string, InventoryRow>();
    for (const row of latest.values()) {
      if (this.combined.has(row.sku_id)) tally.combinedSku(row.sku_id);
      else if (row.qty < 0 || row.order_lock < 0) tally.fail(row.sku_id, `ERP row has negative stock (qty ${row.qty}, order_lock ${row.order_lock})`);
      else wanted.set(row.sku_id, row);
    }
    let remaining = [...wanted.keys()];
    for (let attempt = 0; remaining.length > 0; attempt++) {
      // Stock first, then held units (see the class comment): never the other way round.
      const current = await this.ports.stock.readStock(remaining);
      const present = remaining.filter((sku) => current.has(sku));
      if (attempt === 0) {
        tally.counts.erpSkusUnknownToStore += remaining.length - present.length;
        for (const sku of remaining) if (!current.has(sku)) tally.applied.add(sku);
      }
      const pending = await this.pendingUnits(present, options.erpReadAtMs);
      const changes: StockChange[] = [];
      for (const sku of present) {
        const store = current.get(sku)!;
        const row = wanted.get(sku)!;
        const formula = storeQuantity(this.env.STOCK_FORMULA, { qty: row.qty, orderLock: row.order_lock, pendingUnits: pending.get(sku) ?? 0 });
        // The buffer comes after the formula, here, so every mode (window, SKU list, retry, full pass) offers the same.
        const heldBack = heldBackUnits(formula, this.safetyStock.bufferFor(sku));
        const target = formula - heldBack;
        if (target > STORE_QTY_MAX) {
          tally.fail(sku, `stock ${target} is beyond what the store's qty column holds (int, at most ${STORE_QTY_MAX}); not written`);
          continue;
        }
        tally.heldBack(sku, heldBack);
        if (attempt === 0 && options.drift && (store.qty ?? 0) !== target) {
          const modifiedMs = row.modified ? parseBeijing(row.modified) : undefined;
          options.drift.record({ sku, store: store.qty, target, erpModified: row.modified ?? null, missed: isMissed(modifiedMs, options.drift.window) });
        }
        // Both tables at the target: nothing to write. The copy alone off (product_flat.qty) is written too.
        if (store.qty === target && (store.mirrorQty === undefined || store.mirrorQty === target)) {
          tally.counts.unchanged++;
          tally.applied.add(sku);
        } else changes.push(change(store, target));
      }
      if (changes.length === 0) return;
      if (this.dryRun) {
        for (const c of changes) tally.plan(c.sku, c.expected, c.qty);
        tally.counts.updated += changes.length;
        return;
      }
      const result = await this.ports.stock.writeStock(changes);
      tally.counts.updated += result.written.length;
      tally.counts.unchanged += result.unchanged.length - result.mirrored.length;
      tally.counts.mirrorRepaired += result.mirrored.length;
      for (const sku of [...result.written, ...result.unchanged]) tally.applied.add(sku);
      remaining = result.conflicts.map((c) => c.sku);
      if (remaining.length === 0) return;
      if (attempt >= CONFLICT_RETRIES) {
        for (const c of result.conflicts) {
          tally.heldBack(c.sku, 0); // not written: nothing held back this run
          tally.fail(c.sku, `stock changed in the store during every write attempt (last seen ${c.actual}); retried by a later run`);
        }
        return;
      }
      tally.counts.conflictsRetried += remaining.length;
    }
  }

  /** Units of these SKUs held by store orders the ERP had not accepted when its rows were read. */
  private async pendingUnits(skus: string[], erpReadAtMs: number): Promise<Map<string, number>> {
    if (this.env.STOCK_FORMULA !== 'available' || skus.length === 0) return new Map();
    // Found once per run; while the horizon holds no order yet, asked again (a checkout may add one).
    this.horizonStart ??= this.findHorizonStart();
    const start = await this.horizonStart.catch((error: unknown) => {
      this.horizonStart = undefined;
      throw error;
    });
    if (start === undefined) {
      this.horizonStart = undefined;
      return new Map();
    }
    const held = await this.ports.orders.unitsHeldByOpenOrders(start, skus);
    if (held.length === 0) return new Map();
    const ledger = await this.ports.ledger.getMany(held.map((h) => h.incrementId));
    return pendingUnitsBySku(held, ledger, erpReadAtMs);
  }

  private async findHorizonStart(): Promise<number | undefined> {
    const now = await this.ports.orders.databaseNow();
    return this.ports.orders.horizonStartOrderId(now - this.env.ORDER_HORIZON_DAYS * 86400);
  }
}

/** One row per SKU: the one with the latest `modified` (on a tie or without dates, the later one in the page). */
export function latestRowPerSku(rows: readonly InventoryRow[]): Map<string, InventoryRow> {
  const latest = new Map<string, InventoryRow>();
  for (const row of rows) {
    const seen = latest.get(row.sku_id);
    if (!seen || modifiedMs(row) >= modifiedMs(seen)) latest.set(row.sku_id, row);
  }
  return latest;
}

function modifiedMs(row: InventoryRow): number {
  return (row.modified ? parseBeijing(row.modified) : undefined) ?? Number.NEGATIVE_INFINITY;
}

function change(store: StoreStock, qty: number): StockChange {
  return { sku: store.sku, productId: store.productId, expected: store.qty, qty };
}
