import type { ItemFailure } from '../../domain/run-outcome';
import { emptyDrift, recordDrift, type DriftExample, type DriftTotals } from './stock-drift';

/** SKUs listed per category in a summary (the counts hold the totals). */
const LISTED = 50;
const PLANNED = 100;

/** What one syncInventory run did, for its summary and metrics. */
export class InventoryTally {
  readonly counts = {
    erpRows: 0,
    duplicateRows: 0,
    updated: 0,
    unchanged: 0,
    /** SKUs whose product_flat_qty was right but whose product_flat.qty copy was not (the copy was set). */
    mirrorRepaired: 0,
    conflictsRetried: 0,
    failed: 0,
    erpSkusUnknownToStore: 0,
    storeSkusUnknownToErp: 0,
    combinedSkus: 0,
    retried: 0,
  };
  readonly failures: ItemFailure[] = [];
  readonly unknownToErp: string[] = [];
  readonly combined: string[] = [];
  readonly planned: Array<{ sku: string; from: number | null; to: number }> = [];
  /** SKUs this run applied (written or already right): cleared from the retry set. */
  readonly applied = new Set<string>();
  /** Drift seen by this run's share of a full pass. */
  readonly drift: DriftTotals = emptyDrift();
  private readonly failedKeys = new Set<string>();
  /** Units the safety stock held back per SKU this run (the last figure of a SKU applied twice). */
  private readonly heldBackBySku = new Map<string, number>();

  fail(key: string, reason: string): void {
    if (this.failedKeys.has(key)) return;
    this.failedKeys.add(key);
    this.counts.failed++;
    this.failures.push({ key, reason });
  }

  unknownToTheErp(sku: string): void {
    this.counts.storeSkusUnknownToErp++;
    if (this.unknownToErp.length < LISTED) this.unknownToErp.push(sku);
  }

  combinedSku(sku: string): void {
    this.counts.combinedSkus++;
    if (this.combined.length < LISTED) this.combined.push(sku);
  }

  plan(sku: string, from: number | null, to: number): void {
    if (this.planned.length < PLANNED) this.planned.push({ sku, from, to });
  }

  heldBack(sku: string, units: number): void {
    if (units > 0) this.heldBackBySku.set(sku, units);
    else this.heldBackBySku.delete(sku);
  }

  /** SKUs the safety stock held back from (each once) and the units held back, for the summary. */
  heldBackCounts(): { heldBackSkus: number; heldBackUnits: number } {
    let units = 0;
    for (const n of this.heldBackBySku.values()) units += n;
    return { heldBackSkus: this.heldBackBySku.size, heldBackUnits: units };
  }

  drifted(example: DriftExample): void {
    recordDrift(this.drift, example);
  }
}
