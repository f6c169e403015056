import type { WarehouseRow } from '../../shared/jst/reply-schemas';
import { OpsUsageError, type OpsIo, type OpsTarget } from './ops-target';

/**
 * `warehouses`: the ERP's warehouses (分仓查询, docs/erp-api.md §3e) with their ids, names and which one is
 * main, to choose STOCK_WAREHOUSES from. Read-only: one paged ERP query.
 */
export async function warehousesCommand(t: Pick<OpsTarget, 'stage' | 'erp'>, io: OpsIo): Promise<WarehouseRow[]> {
  if (!t.erp) throw new OpsUsageError(`stage ${t.stage}: this target has no ERP access for the warehouses command`);
  const warehouses = await (await t.erp()).warehouses();
  io.out(`${warehouses.length} warehouse(s) in the ERP (STOCK_WAREHOUSES: main, all, or ids from this list):`);
  for (const w of warehouses) io.out(`  ${String(w.wms_co_id).padEnd(12)} ${w.is_main ? 'main ' : '     '} ${w.name ?? ''}${w.status ? ` (${w.status})` : ''}`);
  if (!warehouses.some((w) => w.is_main)) io.out('  no warehouse is flagged as main: STOCK_WAREHOUSES=main will fail; name the ids to read');
  return warehouses;
}
