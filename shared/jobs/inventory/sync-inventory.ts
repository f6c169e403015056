import type { Environment } from '../../config/environment';
import type { StockChange, StockRepository, StoreStock } from '../../fecmall/stock-repository';
import type { OrderRepository } from '../../fecmall/order-repository';
import type { JstClient } from '../../jst/client';
import type { InventoryRow } from '../../jst/reply-schemas';
import { chunkList } from '../../jst/time-chunks';
import type { RunContext } from '../../runtime/run-context';
import { MetricNames } from '../../runtime/metric-names';
import type { ItemFailure, RunOutcome } from '../../runtime/run-summary';
import type { OrderLedger } from '../../state/order-ledger';
import { walkTimeWindow } from '../walk-time-window';
import { readAhead } from '../read-ahead';
import { pendingUnitsBySku } from './pending-units';
import { storeQuantity } from './stock-formula';

export interface InventoryPorts {
  erp: Pick<JstClient, 'inventoryPages'>;
  stock: Pick<StockRepository, 'listSkus' | 'readStock' | 'writeStock'>;
  orders: Pick<OrderRepository, 'databaseNow' | 'horizonStartOrderId' | 'unitsHeldByOpenOrders'>;
  ledger: Pick<OrderLedger, 'getMany'>;
}

type Ctx = Pick<RunContext, 'request' | 'env' | 'cursors' | 'clock' | 'logger' | 'metrics' | 'deadline'>;

const SKU_BATCH = 100;
/** SKU batches queried at once in full mode (the rate limiter paces them). */
const PARALLEL_BATCHES = 4;
const CONFLICT_RETRIES = 2;
const LISTED = 50;

interface Tally {
  erpRows: number;
  updated: number;
  unchanged: number;
  conflictsRetried: number;
  failed: number;
  erpSkusUnknownToStore: number;
  storeSkusUnknownToErp: number;
}

/**
 * syncInventory: ERP main-warehouse stock into the store. Incremental (stock modified since the
 * cursor, ≤7-day chunks, every page), full (every store SKU in keyset order, 100 per query, resumable
 * across invocations), or a manual SKU list. Writes are compare-and-set; conflicts are re-read and
 * retried. Bad ERP rows are failures and never written.
 */
export async function syncInventory(ports: InventoryPorts, ctx: Ctx): Promise<RunOutcome> {
  const run = new InventoryRun(ports, ctx);
  return run.execute();
}

class InventoryRun {
  private readonly tally: Tally = { erpRows: 0, updated: 0, unchanged: 0, conflictsRetried: 0, failed: 0, erpSkusUnknownToStore: 0, storeSkusUnknownToErp: 0 };
  private readonly failures: ItemFailure[] = [];
  private readonly unknownToErp: string[] = [];
  private readonly planned: Array<{ sku: string; from: number | null; to: number }> = [];
  private pending = new Map<string, number>();
  private readonly env: Environment;

  constructor(private readonly ports: InventoryPorts, private readonly ctx: Ctx) {
    this.env = ctx.env;
  }

  async execute(): Promise<RunOutcome> {
    const { request } = this.ctx;
    if (this.env.STOCK_FORMULA === 'available') this.pending = await this.loadPendingUnits();
    let result: Pick<RunOutcome, 'window' | 'complete' | 'cursor' | 'cursorLagSeconds'>;
    if (request.skus) result = await this.bySkuList(request.skus);
    else if (request.mode === 'full' && !request.window) result = await this.full();
    else result = await this.incremental();
    this.ctx.metrics.count(MetricNames.skusUpdated, this.tally.updated);
    this.ctx.metrics.count(MetricNames.skusFailed, this.tally.failed);
    const details: Record<string, unknown> = {};
    if (this.unknownToErp.length > 0) details.storeSkusUnknownToErp = this.unknownToErp;
    if (request.dryRun) details.plannedChanges = this.planned;
    return { ...result, counts: { ...this.tally, pendingSkus: this.pending.size }, failures: this.failures, details };
  }

  private async loadPendingUnits(): Promise<Map<string, number>> {
    const now = await this.ports.orders.databaseNow();
    const start = await this.ports.orders.horizonStartOrderId(now - this.env.ORDER_HORIZON_DAYS * 86400);
    if (start === undefined) return new Map();
    const held = await this.ports.orders.unitsHeldByOpenOrders(start);
    const ledger = await this.ports.ledger.getMany(held.map((h) => h.incrementId));
    return pendingUnitsBySku(held, ledger);
  }

  private async bySkuList(skus: string[]) {
    for (const batch of chunkList([...new Set(skus)], SKU_BATCH)) {
      if (this.ctx.deadline.expired()) return { window: { from: null, to: null }, complete: false, cursor: { before: null, after: null } };
      await this.syncSkuBatch(batch);
    }
    return { window: { from: null, to: null }, complete: true, cursor: { before: null, after: null } };
  }

  private async full() {
    const saved = await this.ctx.cursors.read<{ afterSku: string }>('full');
    const before = saved ?? null;
    const wave = SKU_BATCH * PARALLEL_BATCHES;
    let afterSku = saved?.afterSku;
    let page = await this.ports.stock.listSkus(afterSku, wave);
    let fetching = page.length > 0 ? this.fetchWave(page.map((s) => s.sku)) : undefined;
    while (page.length > 0 && fetching) {
      const fetched = await fetching;
      // Fetch the next wave from the ERP while this one is written to the store.
      const next = page.length < wave || this.ctx.deadline.expired() ? [] : await this.ports.stock.listSkus(page.at(-1)!.sku, wave);
      fetching = next.length > 0 ? this.fetchWave(next.map((s) => s.sku)) : undefined;
      fetching?.catch(() => undefined);
      for (const batch of fetched) await this.applyFetchedBatch(batch);
      afterSku = page.at(-1)!.sku;
      if (!this.ctx.request.dryRun) await this.ctx.cursors.advance('full', { afterSku });
      if (next.length === 0 && page.length === wave && this.ctx.deadline.expired()) {
        return { window: { from: null, to: null }, complete: false, cursor: { before, after: { afterSku } } };
      }
      page = next;
    }
    // A finished pass starts the next full run from the beginning.
    if (!this.ctx.request.dryRun) await this.ctx.cursors.advance('full', null);
    return { window: { from: null, to: null }, complete: true, cursor: { before, after: null } };
  }

  private incremental() {
    return walkTimeWindow(this.ctx, this.env.INVENTORY_INITIAL_LOOKBACK_HOURS * 3600_000, async (chunk) => {
      for await (const page of readAhead(this.ports.erp.inventoryPages({ modified: chunk, wmsCoId: this.env.STOCK_WAREHOUSE_ID, pageSize: SKU_BATCH }))) {
        await this.applyErpRows(page.rows, page.invalid);
      }
    });
  }

  private async syncSkuBatch(skus: string[]): Promise<void> {
    await this.applyFetchedBatch(await this.fetchBatch(skus));
  }

  private fetchWave(skus: string[]): Promise<FetchedBatch[]> {
    return Promise.all(chunkList(skus, SKU_BATCH).map((batch) => this.fetchBatch(batch)));
  }

  private async fetchBatch(skus: string[]): Promise<FetchedBatch> {
    const rows: InventoryRow[] = [];
    const invalid: Array<{ key: string | undefined; problem: string }> = [];
    for await (const page of this.ports.erp.inventoryPages({ skuIds: skus, wmsCoId: this.env.STOCK_WAREHOUSE_ID, pageSize: SKU_BATCH })) {
      rows.push(...page.rows);
      invalid.push(...page.invalid);
    }
    return { skus, rows, invalid };
  }

  private async applyFetchedBatch({ skus, rows, invalid }: FetchedBatch): Promise<void> {
    const returned = new Set([...rows.map((r) => r.sku_id), ...invalid.map((i) => i.key)]);
    for (const sku of skus) {
      if (!returned.has(sku)) {
        this.tally.storeSkusUnknownToErp++;
        if (this.unknownToErp.length < LISTED) this.unknownToErp.push(sku);
      }
    }
    await this.applyErpRows(rows, invalid);
  }

  /** Validates ERP rows, computes the store quantity, and writes the changes with compare-and-set. */
  private async applyErpRows(rows: InventoryRow[], invalid: Array<{ key: string | undefined; problem: string }>): Promise<void> {
    this.tally.erpRows += rows.length + invalid.length;
    for (const bad of invalid) this.fail(bad.key ?? '(no sku_id)', `ERP row does not have the documented shape: ${bad.problem}`);
    const targets = new Map<string, number>();
    for (const row of rows) {
      if (row.qty < 0 || row.order_lock < 0) {
        this.fail(row.sku_id, `ERP row has negative stock (qty ${row.qty}, order_lock ${row.order_lock})`);
        continue;
      }
      targets.set(row.sku_id, storeQuantity(this.env.STOCK_FORMULA, { qty: row.qty, orderLock: row.order_lock, pendingUnits: this.pending.get(row.sku_id) ?? 0 }));
    }
    let remaining = [...targets.keys()];
    for (let attempt = 0; remaining.length > 0; attempt++) {
      const current = await this.ports.stock.readStock(remaining);
      const changes: StockChange[] = [];
      for (const sku of remaining) {
        const store = current.get(sku);
        if (!store) {
          if (attempt === 0) this.tally.erpSkusUnknownToStore++;
          continue;
        }
        const qty = targets.get(sku)!;
        if (store.qty === qty) {
          this.tally.unchanged++;
          continue;
        }
        changes.push(change(store, qty));
      }
      if (changes.length === 0) return;
      if (this.ctx.request.dryRun) {
        for (const c of changes) if (this.planned.length < 100) this.planned.push({ sku: c.sku, from: c.expected, to: c.qty });
        this.tally.updated += changes.length;
        return;
      }
      const result = await this.ports.stock.writeStock(changes);
      this.tally.updated += result.written.length;
      this.tally.unchanged += result.unchanged.length;
      remaining = result.conflicts.map((c) => c.sku);
      if (remaining.length === 0) return;
      if (attempt >= CONFLICT_RETRIES) {
        for (const c of result.conflicts) this.fail(c.sku, `stock changed in the store during every write attempt (last seen ${c.actual}); retried next run`);
        return;
      }
      this.tally.conflictsRetried += remaining.length;
    }
  }

  private fail(key: string, reason: string): void {
    this.tally.failed++;
    this.failures.push({ key, reason });
  }
}

interface FetchedBatch {
  skus: string[];
  rows: InventoryRow[];
  invalid: Array<{ key: string | undefined; problem: string }>;
}

function change(store: StoreStock, qty: number): StockChange {
  return { sku: store.sku, productId: store.productId, expected: store.qty, qty };
}
