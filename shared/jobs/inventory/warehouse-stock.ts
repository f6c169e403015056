import {
  ALL_WAREHOUSES,
  needsWarehouseList,
  StockWarehouseError,
  warehousesToQuery,
  type ErpWarehouse,
  type StockWarehouses,
} from '../../domain/stock-warehouses';
import type { InventoryQuery, JstClient, Page } from '../../jst/client';
import type { InventoryRow } from '../../jst/reply-schemas';
import { SKU_BATCH } from './full-pass';

/** The ERP's inventory reads a run makes. */
export type StockReader = Pick<JstClient, 'inventoryPages' | 'inventoryPage'>;

/** The counters of an inventory row that add up across warehouses (docs/erp-api.md §3a). */
const SUMMED = ['qty', 'order_lock', 'pick_lock', 'virtual_qty', 'purchase_qty', 'return_qty', 'in_qty', 'defective_qty'] as const;

/** The ERP's inventory as the configured warehouses see it, settled once per run. */
export interface WarehouseStock {
  /** The wms_co_ids read (0: none sent, the ERP's total over every warehouse). */
  wmsCoIds: number[];
  /** SKU lists and modified windows, scoped to the warehouses. */
  reader: StockReader;
  /** What to apply of one window page: its own rows, or (several warehouses) its SKUs read in each and summed. */
  rowsOf(page: Page<InventoryRow>): Promise<Page<InventoryRow>>;
}

/** How long a container trusts the warehouse list it read (docs/design.md §13): warehouses change rarely. */
export const WAREHOUSE_LIST_TTL_MS = 3_600_000;

/**
 * The ERP's warehouse list as last read by this container (a warm Lambda keeps it between runs), trusted
 * for `ttlMs` — so an idle syncInventory run costs one ERP call, not two (issue #23). Only a list that
 * satisfied the configured selection is kept.
 */
export class WarehouseListCache {
  private entry: { readAtMs: number; known: ErpWarehouse[] } | undefined;

  constructor(
    private readonly now: () => number = Date.now,
    readonly ttlMs = WAREHOUSE_LIST_TTL_MS,
  ) {}

  /** The list, if read less than `ttlMs` ago. */
  fresh(): ErpWarehouse[] | undefined {
    return this.entry && this.now() - this.entry.readAtMs < this.ttlMs ? this.entry.known : undefined;
  }

  keep(known: ErpWarehouse[]): void {
    this.entry = { readAtMs: this.now(), known };
  }

  forget(): void {
    this.entry = undefined;
  }
}

/**
 * Settles the warehouses of a run (docs/design.md "Warehouses"): `all` and a single warehouse are one
 * query each (wms_co_id omitted or sent); several are queried one by one and summed per SKU. A configured
 * warehouse the ERP does not list fails the run here, before anything is read or written.
 *
 * With `cache`, a list read within the last hour is used without asking the ERP; when it does not
 * satisfy the selection (a listed warehouse missing, no single main one) the ERP is asked once more
 * before the run fails with the same error.
 */
export async function warehouseStock(
  erp: StockReader & Pick<JstClient, 'warehouses'>,
  selection: StockWarehouses,
  cache?: WarehouseListCache,
): Promise<WarehouseStock> {
  const scoped = (wmsCoIds: number[]) => (wmsCoIds.length === 1 ? oneWarehouse(erp, wmsCoIds[0]!) : summedWarehouses(erp, wmsCoIds));
  if (!needsWarehouseList(selection)) return scoped(warehousesToQuery(selection, []));
  const cached = cache?.fresh();
  if (cached) {
    try {
      return scoped(warehousesToQuery(selection, cached));
    } catch (error) {
      if (!(error instanceof StockWarehouseError)) throw error;
      cache!.forget(); // the ERP's warehouses changed: read them again before failing
    }
  }
  const known = (await erp.warehouses()).map((w) => ({ id: w.wms_co_id, name: w.name ?? '', isMain: w.is_main }));
  const wmsCoIds = warehousesToQuery(selection, known);
  cache?.keep(known);
  return scoped(wmsCoIds);
}

function oneWarehouse(erp: StockReader, wmsCoId: number): WarehouseStock {
  const scoped = (query: InventoryQuery): InventoryQuery => ({ ...query, wmsCoId: wmsCoId === ALL_WAREHOUSES ? undefined : wmsCoId });
  return {
    wmsCoIds: [wmsCoId],
    reader: {
      inventoryPages: (query) => erp.inventoryPages(scoped(query)),
      inventoryPage: (query, pageIndex) => erp.inventoryPage(scoped(query), pageIndex),
    },
    rowsOf: (page) => Promise.resolve(page),
  };
}

/**
 * Several warehouses. A SKU list is read in each and summed. A modified window is walked over the ERP's
 * total view (no wms_co_id), so the walk sees the ERP's own pages and a change in any warehouse; the SKUs
 * of each page are then read in each configured warehouse and summed (`rowsOf`), so the figure applied is
 * the configured warehouses' alone. A SKU none of them holds has nothing to apply and is left out.
 */
function summedWarehouses(erp: StockReader, wmsCoIds: readonly number[]): WarehouseStock {
  async function bySkus(skuIds: readonly string[], pageIndex: number): Promise<Page<InventoryRow>> {
    const perSku = new Map<string, InventoryRow>();
    const invalid: Page<InventoryRow>['invalid'] = [];
    let duplicates = 0;
    for (const wmsCoId of wmsCoIds)
      for await (const page of erp.inventoryPages({ skuIds, wmsCoId, pageSize: SKU_BATCH })) {
        invalid.push(...page.invalid);
        duplicates += page.duplicates ?? 0;
        for (const row of page.rows) perSku.set(row.sku_id, add(perSku.get(row.sku_id), row));
      }
    return { pageIndex, rows: [...perSku.values()], invalid, hasNext: false, duplicates };
  }
  return {
    wmsCoIds: [...wmsCoIds],
    reader: {
      async *inventoryPages(query) {
        if (!query.skuIds?.length) {
          yield* erp.inventoryPages({ ...query, wmsCoId: undefined });
          return;
        }
        for (let i = 0; i < query.skuIds.length; i += SKU_BATCH) yield await bySkus(query.skuIds.slice(i, i + SKU_BATCH), 1);
      },
      inventoryPage: (query, pageIndex) => erp.inventoryPage({ ...query, wmsCoId: undefined }, pageIndex),
    },
    async rowsOf(page) {
      const skus = page.rows.map((r) => r.sku_id);
      const rows: InventoryRow[] = [];
      const invalid = [...page.invalid];
      for (let i = 0; i < skus.length; i += SKU_BATCH) {
        const summed = await bySkus(skus.slice(i, i + SKU_BATCH), page.pageIndex);
        rows.push(...summed.rows);
        invalid.push(...summed.invalid);
      }
      return { ...page, rows, invalid };
    },
  };
}

function add(sum: InventoryRow | undefined, row: InventoryRow): InventoryRow {
  if (!sum) return { ...row };
  const next: InventoryRow = { ...sum };
  for (const counter of SUMMED) next[counter] = sum[counter] + row[counter];
  // The latest change of any warehouse is the SKU's (Beijing-time strings sort as they read).
  if ((row.modified ?? '') > (sum.modified ?? '')) next.modified = row.modified;
  return next;
}
