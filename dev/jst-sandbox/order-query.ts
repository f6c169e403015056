import { formatBeijing } from '../../shared/domain/beijing-time';
import { bizObject, list, pageOf, paging, range, type EndpointContext } from './erp-endpoints';
import type { SandboxOrder } from './sandbox-state';
import { invalidParameter } from './sandbox-error';

/**
 * The order query, `/open/orders/single/query` and `orders.single.query` (docs/erp-api.md §3d): by so_ids
 * (≤ 20), o_ids (≤ 50) or a ≤ 7-day modified range, optionally one shop. Each order carries what the
 * reconcile reads: the ERP `status` and `shop_status`, `shop_id`, `pay_amount`, and its lines with
 * `raw_so_id` (the store order a line came from; the sandbox never merges, so it is the order's own
 * so_id). `status` (one ERP status, §3d) keeps only the orders in that status.
 */
export function orderQuery(ctx: EndpointContext, biz: unknown, maxPageSize: number): unknown {
  const b = bizObject(biz);
  const p = paging(b, 30, maxPageSize);
  const soIds = list(b.so_ids, 20, 'so_ids');
  const oIds = list(b.o_ids, 50, 'o_ids')?.map(Number);
  const r = range(b);
  if (!soIds && !oIds && !r) throw invalidParameter('so_ids, o_ids or modified range required');
  const shopId = b.shop_id === undefined ? undefined : Number(b.shop_id);
  if (shopId !== undefined && !Number.isInteger(shopId)) throw invalidParameter('shop_id');
  const status = b.status === undefined ? undefined : String(b.status);
  const { state } = ctx;
  let candidates: SandboxOrder[];
  if (oIds) candidates = oIds.map((id) => state.ordersByOId.get(id)).filter((o) => o !== undefined);
  else if (soIds && shopId !== undefined) candidates = soIds.map((so) => state.order(shopId, so)).filter((o) => o !== undefined);
  else candidates = [...state.orders.values()];
  const hits = candidates
    .filter(
      (o) =>
        (shopId === undefined || o.shop_id === shopId) &&
        (!soIds || soIds.includes(o.so_id)) &&
        (!r || (o.modifiedMs >= r.fromMs && o.modifiedMs <= r.toMs)) &&
        (status === undefined || o.status === status),
    )
    .sort((a, c) => a.o_id - c.o_id);
  const { rows, meta } = pageOf(hits, p);
  return { ...meta, orders: rows.map(toQueriedOrder) };
}

function toQueriedOrder(o: SandboxOrder): Record<string, unknown> {
  const items = Array.isArray(o.payload.items) ? (o.payload.items as Array<Record<string, unknown>>) : [];
  return {
    o_id: o.o_id,
    so_id: o.so_id,
    shop_id: o.shop_id,
    status: o.status,
    shop_status: o.shop_status,
    order_date: o.payload.order_date,
    modified: formatBeijing(o.modifiedMs),
    created: formatBeijing(o.createdMs),
    pay_amount: o.payload.pay_amount,
    freight: o.payload.freight,
    items: items.map((item, i) => ({
      oi_id: o.o_id * 100 + i,
      sku_id: item.sku_id,
      shop_sku_id: item.shop_sku_id,
      name: item.name,
      qty: item.qty,
      price: item.price,
      base_price: item.base_price,
      amount: item.amount,
      outer_oi_id: item.outer_oi_id,
      raw_so_id: o.so_id,
    })),
  };
}
