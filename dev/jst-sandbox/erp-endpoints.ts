import { formatBeijing, parseBeijing } from '../../shared/domain/beijing-time';
import type { FaultInjector } from './fault-injector';
import { MAIN_WAREHOUSE_ID, type SandboxState } from './sandbox-state';
import { invalidParameter } from './sandbox-error';
import { checkUploadCall, isRejectedSoId, type UploadRules } from './upload-rules';

/**
 * The business endpoints the connector uses, shared by both generations (docs/erp-api.md §3): each takes
 * the parsed business parameters and returns the payload (open: `data`; legacy: top-level fields), or
 * throws SandboxError with the spec's validation code 140 (§4.6; the real code for these cases is [U]).
 */
export interface EndpointContext {
  state: SandboxState;
  /** Largest upload batch accepted (not documented; docs/erp-api.md §5 — 50 is the common guess). */
  maxUploadOrders: number;
  /** Whether fault injection rejects this order (per-order rejection). */
  rejectOrder: () => boolean;
  /** Deterministic so_id rules (upload-rules.ts); absent: none. */
  uploadRules?: () => UploadRules;
  /** Reply tampering and rows changed between pages (hostile mode); none when absent. */
  faults?: FaultInjector;
}

export const DAY_MS = 86_400_000;

/** The warehouse query (分仓查询, docs/erp-api.md §3e): every warehouse, main one flagged, paged. */
export function warehouseQuery(ctx: EndpointContext, biz: unknown): unknown {
  const p = paging(object(biz), 30, 50);
  const all = [...ctx.state.warehouses].map(([id, w]) => ({ wms_co_id: id, name: w.name, co_id: MAIN_WAREHOUSE_ID, is_main: w.isMain, status: '生效' }));
  const { rows, meta } = pageOf(all, p);
  return { ...meta, datas: rows };
}

/**
 * The shop query (店铺查询, docs/erp-api.md §3f): the account's shops, paged, optionally only `shop_ids`.
 * The list is `datas` (open, as one client reads it) or `shops` (legacy, [C2]).
 */
export function shopQuery(ctx: EndpointContext, biz: unknown, listKey: 'datas' | 'shops'): unknown {
  const b = object(biz);
  const p = paging(b, 100, 100);
  const wanted = b.shop_ids === undefined ? undefined : new Set(list(b.shop_ids, 100, 'shop_ids')!.map(Number));
  const all = [...ctx.state.shopDirectory]
    .filter(([id]) => !wanted || wanted.has(id))
    .map(([id, shop]) => ({
      shop_id: id,
      shop_name: shop.name,
      co_id: MAIN_WAREHOUSE_ID,
      shop_site: shop.site,
      shop_url: null,
      created: '2024-01-01 00:00:00',
    }));
  const { rows, meta } = pageOf(all, p);
  return { ...meta, [listKey]: rows };
}

export function inventoryQuery(ctx: EndpointContext, biz: unknown): unknown {
  const b = object(biz);
  const p = paging(b, 30, 100);
  const skus = list(b.sku_ids, 100, 'sku_ids');
  const r = range(b);
  if (!skus && !r) throw invalidParameter('sku_ids or modified range required');
  const wms = b.wms_co_id === undefined ? undefined : Number(b.wms_co_id);
  if (wms !== undefined && !Number.isInteger(wms)) throw invalidParameter('wms_co_id');
  // With sku_ids and a range, both must match (the range filters the listed SKUs).
  const wanted = skus
    ? r
      ? skus.filter((s) => inRange(ctx.state.stockView(s, wms)?.modified, r))
      : skus
    : ctx.state.skusModifiedBetween(r!.fromMs, r!.toMs, wms);
  const { rows, meta } = pageOf(wanted, p);
  const inventorys: Array<Record<string, unknown>> = rows.map((sku) => ctx.state.stockView(sku, wms)).filter((v) => v !== undefined);
  // Rows served on this page change now (after the answer was computed), when asked to.
  for (const sku of churned(ctx, 'inventory', p, wanted, rows, meta.has_next)) ctx.state.touchStock(sku, wms);
  return tamper(ctx, 'inventorys', { ...meta, inventorys });
}

/** Hostile replies on request: the list missing, a stale duplicate, a foreign shop's row, a bad date. */
function tamper(ctx: EndpointContext, listKey: string, reply: Record<string, unknown>): Record<string, unknown> {
  const f = ctx.faults;
  if (!f) return reply;
  const list = reply[listKey] as Array<Record<string, unknown>>;
  if (f.drawTamper('omitList')) {
    const { [listKey]: _omitted, ...rest } = reply;
    return rest;
  }
  if (list.length > 0 && f.drawTamper('duplicateRow'))
    list.push({ ...list[0], modified: formatBeijing((parseBeijing(String(list[0]!.modified)) ?? 0) - 3600_000), qty: 987654, l_id: 'STALE-COPY' });
  if (listKey === 'orders' && list.length > 0 && f.drawTamper('foreignShopRow'))
    list.push({ ...list[0], shop_id: Number(list[0]!.shop_id) + 1, o_id: 999_000_000 + list.length, l_id: 'FOREIGN-1' });
  if (listKey === 'orders' && list.length > 0 && f.drawTamper('badSendDate')) list[0] = { ...list[0], send_date: '2026-13-45 99:99:99' };
  return reply;
}

export function uploadOrders(ctx: EndpointContext, biz: unknown): unknown {
  if (!Array.isArray(biz) || biz.length === 0 || biz.length > ctx.maxUploadOrders) throw invalidParameter(`1..${ctx.maxUploadOrders} orders per upload`);
  const rules = ctx.uploadRules?.() ?? {};
  checkUploadCall(
    rules,
    biz.map((o) => String((o as { so_id?: unknown } | null)?.so_id ?? '')),
  );
  const datas = biz.map((raw) => {
    const o = (typeof raw === 'object' && raw && !Array.isArray(raw) ? raw : {}) as Record<string, unknown>;
    const soId = typeof o.so_id === 'string' ? o.so_id : '';
    const problem = orderProblem(ctx, o);
    if (problem) return { o_id: null, so_id: soId, issuccess: false, msg: problem };
    if (isRejectedSoId(rules, soId) || ctx.rejectOrder()) return { o_id: null, so_id: soId, issuccess: false, msg: '模拟拒绝: 订单校验失败' };
    const order = ctx.state.upsertOrder(Number(o.shop_id), o);
    return { o_id: order.o_id, so_id: soId, issuccess: true, msg: '' };
  });
  // docs/erp-api.md §3b [U]: top-level code stays 0 when some orders fail; results are per order.
  return { datas };
}

const SHOP_STATUSES = ['WAIT_BUYER_PAY', 'WAIT_SELLER_SEND_GOODS', 'WAIT_BUYER_CONFIRM_GOODS', 'TRADE_FINISHED', 'TRADE_CLOSED', 'TRADE_CLOSED_BY_TAOBAO'];
const MONEY = /^-?\d+(\.\d{1,2})?$/;

function orderProblem(ctx: EndpointContext, o: Record<string, unknown>): string | undefined {
  for (const field of [
    'shop_id',
    'so_id',
    'order_date',
    'shop_status',
    'shop_buyer_id',
    'receiver_name',
    'receiver_address',
    'pay_amount',
    'freight',
    'items',
  ]) {
    if (o[field] === undefined || o[field] === null || o[field] === '') return `${field} 不能为空`;
  }
  for (const [k, v] of Object.entries(o)) if (v === '' || v === null) return `${k} 不能为空值`;
  if (!ctx.state.shops.has(Number(o.shop_id))) return `店铺编号[${String(o.shop_id)}]不存在!`;
  if (typeof o.so_id !== 'string' || o.so_id.length > 50) return 'so_id 须为不超过50字符的字符串';
  if (!SHOP_STATUSES.includes(String(o.shop_status))) return 'shop_status 无效';
  if (parseBeijing(String(o.order_date)) === undefined) return 'order_date 格式错误';
  if (!Array.isArray(o.items) || o.items.length === 0) return 'items 不能为空';
  const outerIds = new Set<string>();
  for (const item of o.items as Array<Record<string, unknown>>) {
    if (typeof item !== 'object' || item === null || !item.sku_id || !item.outer_oi_id || !Number.isInteger(item.qty)) return 'items 字段缺失';
    if (outerIds.has(String(item.outer_oi_id))) return 'outer_oi_id 重复';
    outerIds.add(String(item.outer_oi_id));
    if (item.amount !== undefined && !MONEY.test(String(item.amount))) return 'items.amount 金额格式错误';
  }
  if (o.shop_status !== 'WAIT_BUYER_PAY' && (typeof o.pay !== 'object' || o.pay === null)) return 'pay 不能为空';
  for (const money of [o.pay_amount, o.freight]) if (!MONEY.test(String(money))) return '金额格式错误';
  return undefined;
}

export function logisticsQuery(ctx: EndpointContext, biz: unknown): unknown {
  const b = object(biz);
  const p = paging(b, 30, 50);
  const soIds = list(b.so_ids, 20, 'so_ids');
  const r = range(b);
  if (!soIds && !r) throw invalidParameter('so_ids or modified range required');
  const shopId = b.shop_id === undefined ? undefined : Number(b.shop_id);
  // date_type (0 modified, 1 created, 2 order date, 3 send date): the sandbox sends and modifies a
  // shipment at the same moment, so every type selects the same rows. Its default is [U]
  // (docs/erp-api.md §3c); the client always sends it.
  if (b.date_type !== undefined && ![0, 1, 2, 3].includes(Number(b.date_type))) throw invalidParameter('date_type');
  // "when querying by so_ids, no other condition except time applies" (§3c).
  const hits = soIds
    ? ctx.state.shipmentsOf(soIds, shopId).filter((s) => !r || (s.modifiedMs >= r.fromMs && s.modifiedMs <= r.toMs))
    : ctx.state.shipmentsBetween(r!.fromMs, r!.toMs, shopId);
  const { rows, meta } = pageOf(hits, p);
  const orders = rows.map((s) => ({
    o_id: s.o_id,
    shop_id: s.shop_id,
    so_id: s.so_id,
    send_date: formatBeijing(s.sendMs),
    lc_id: s.lc_id,
    l_id: s.l_id,
    logistics_company: s.logistics_company,
    modified: formatBeijing(s.modifiedMs),
    freight: 0,
    weight: 0,
    items: s.rawSoIds.map((raw, i) => ({ sku_id: `${raw}-SKU`, qty: 1, outer_oi_id: `${raw}-${i + 1}`, raw_so_id: raw, o_id: String(s.o_id) })),
  }));
  if (!soIds) for (const s of churned(ctx, 'logistics', p, hits, rows, meta.has_next)) ctx.state.touchShipment(s.o_id);
  return tamper(ctx, 'orders', { ...meta, orders });
}

export function cancelByOId(ctx: EndpointContext, biz: unknown): unknown {
  const b = object(biz);
  const oIds = list(b.o_ids, 50, 'o_ids');
  if (!oIds || typeof b.cancel_type !== 'string' || !b.cancel_type) throw invalidParameter('o_ids and cancel_type required');
  if (oIds.some((id) => !/^\d+$/.test(id))) throw invalidParameter('o_ids are integers');
  ctx.state.cancelByOId(oIds.map(Number));
  return '取消成功';
}

export function cancelBySoId(ctx: EndpointContext, biz: unknown): unknown {
  if (!Array.isArray(biz) || biz.length === 0 || biz.length > 50) throw invalidParameter('1..50 orders to cancel');
  const oIds: number[] = [];
  for (const entry of biz as unknown[]) {
    const e = (typeof entry === 'object' && entry ? entry : {}) as Record<string, unknown>;
    if (e.shop_id === undefined || typeof e.so_id !== 'string' || e.so_id === '') throw invalidParameter('shop_id and so_id required');
    const order = ctx.state.order(Number(e.shop_id), e.so_id);
    if (order) oIds.push(order.o_id);
  }
  ctx.state.cancelByOId(oIds);
  return {};
}

function object(biz: unknown): Record<string, unknown> {
  if (typeof biz !== 'object' || biz === null || Array.isArray(biz)) throw invalidParameter('biz must be a JSON object');
  return biz as Record<string, unknown>;
}

function paging(b: Record<string, unknown>, defaultSize: number, max: number): { index: number; size: number } {
  const index = b.page_index === undefined ? 1 : Number(b.page_index);
  const size = b.page_size === undefined ? defaultSize : Number(b.page_size);
  if (!Number.isInteger(index) || index < 1) throw invalidParameter('page_index from 1');
  if (!Number.isInteger(size) || size < 1 || size > max) throw invalidParameter(`page_size 1..${max}`);
  return { index, size };
}

function range(b: Record<string, unknown>): { fromMs: number; toMs: number } | undefined {
  const begin = b.modified_begin;
  const end = b.modified_end;
  if (begin === undefined && end === undefined) return undefined;
  if (typeof begin !== 'string' || typeof end !== 'string') throw invalidParameter('modified_begin and modified_end go together');
  const fromMs = parseBeijing(begin);
  const toMs = parseBeijing(end);
  if (fromMs === undefined || toMs === undefined || fromMs > toMs) throw invalidParameter('bad modified range');
  if (toMs - fromMs > 7 * DAY_MS) throw invalidParameter('modified range over 7 days');
  return { fromMs, toMs };
}

function inRange(modified: unknown, r: { fromMs: number; toMs: number }): boolean {
  const t = typeof modified === 'string' ? parseBeijing(modified) : undefined;
  return t !== undefined && t >= r.fromMs && t <= r.toMs;
}

function list(value: unknown, max: number, field: string): string[] | undefined {
  if (value === undefined) return undefined;
  const items = Array.isArray(value) ? value.map(String) : typeof value === 'string' ? value.split(',') : undefined;
  if (!items || items.length === 0 || items.length > max || items.some((s) => s.trim() === '')) throw invalidParameter(`${field}: 1..${max} non-empty values`);
  return items.map((s) => s.trim());
}

/** The rows churn modifies after this page: of the page itself, or (afterRead) of the answer's first page after its last. */
function churned<T>(
  ctx: EndpointContext,
  endpoint: 'inventory' | 'logistics',
  p: { index: number; size: number },
  all: readonly T[],
  page: readonly T[],
  hasNext: boolean,
): readonly T[] {
  const faults = ctx.faults;
  if (!faults?.current.churn) return [];
  const afterRead = faults.current.churn.afterRead === true;
  const n = faults.drawChurn(endpoint, p.index, !hasNext && p.index > 1);
  return (afterRead ? all.slice(0, p.size) : page).slice(0, n);
}

function pageOf<T>(all: readonly T[], p: { index: number; size: number }) {
  const rows = all.slice((p.index - 1) * p.size, p.index * p.size);
  const pageCount = Math.ceil(all.length / p.size);
  return { rows, meta: { page_index: p.index, page_size: p.size, data_count: all.length, page_count: pageCount, has_next: p.index < pageCount } };
}

// Request parsing shared with the endpoints in their own files (order-query.ts).
export { object as bizObject, paging, range, list, pageOf };
