import { FecjstError } from '../errors';

/**
 * Which ERP warehouses (分仓, wms_co_id) the stock sync reads (docs/design.md "Warehouses"):
 * - `main` (the default): the warehouse the ERP's warehouse query flags as main, found at run start;
 * - `all`: one query without wms_co_id, which the ERP answers summed over every warehouse;
 * - `list`: the named warehouses, each queried and summed per SKU.
 */
export type StockWarehouses = { kind: 'main' } | { kind: 'all' } | { kind: 'list'; ids: readonly number[] };

/** One warehouse as the ERP lists it. */
export interface ErpWarehouse {
  id: number;
  name: string;
  isMain: boolean;
}

/** The warehouse query's answer does not fit the configured selection: the run must not guess. */
export class StockWarehouseError extends FecjstError {}

/** `wms_co_id` 0: the inventory query is sent without one (every warehouse summed by the ERP). */
export const ALL_WAREHOUSES = 0;

/** Whether the selection needs the ERP's warehouse list (everything but `all`). */
export function needsWarehouseList(selection: StockWarehouses): boolean {
  return selection.kind !== 'all';
}

/**
 * The wms_co_ids to query for `selection`, checked against the warehouses the ERP knows. A configured id the
 * ERP does not list fails naming it; `main` fails when the ERP flags no warehouse (or several) as main.
 */
export function warehousesToQuery(selection: StockWarehouses, known: readonly ErpWarehouse[]): number[] {
  if (selection.kind === 'all') return [ALL_WAREHOUSES];
  const listed = known.map((w) => `${w.id} (${w.name}${w.isMain ? ', main' : ''})`).join(', ') || 'none';
  if (selection.kind === 'main') {
    const main = known.filter((w) => w.isMain);
    if (main.length !== 1)
      throw new StockWarehouseError(
        'STOCK_WAREHOUSE_MAIN_UNKNOWN',
        `the ERP flags ${main.length === 0 ? 'no' : main.length} warehouse${main.length > 1 ? 's' : ''} as main; set STOCK_WAREHOUSES to the warehouse ids to read (the ERP lists: ${listed})`,
        { mainWarehouses: main.map((w) => w.id), known: known.map((w) => w.id) },
      );
    return [main[0]!.id];
  }
  const ids = new Set(known.map((w) => w.id));
  const unknown = selection.ids.filter((id) => !ids.has(id));
  if (unknown.length > 0)
    throw new StockWarehouseError(
      'STOCK_WAREHOUSE_UNKNOWN',
      `STOCK_WAREHOUSES names warehouse${unknown.length > 1 ? 's' : ''} ${unknown.join(', ')} the ERP does not know (the ERP lists: ${listed})`,
      { unknown, known: known.map((w) => w.id) },
    );
  return [...new Set(selection.ids)];
}
