import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { formatBeijing, parseBeijing } from '../../shared/jst/beijing-time';
import { signLegacy, signOpen } from '../../shared/jst/signers';
import { SandboxState } from './sandbox-state';
import { seededRandom } from './seeded-random';

/**
 * A local stand-in for the Jushuitan ERP (jst-api.md §4): both API generations over HTTP on
 * 127.0.0.1, with their signatures, tokens, timestamp window, rate limits (5/s → 199, 100/min → 200),
 * the documented validation (→ 140), in-memory state, an admin API and seeded fault injection.
 */
export interface FaultConfig {
  /** Probability of an HTTP 502. */
  http5xx?: number;
  /** Probability of code 150 (internal error) with HTTP 200. */
  internalError?: number;
  /** Probability of an HTML error page with HTTP 200. */
  html?: number;
  /** Probability of a slow reply, and how slow. */
  slow?: number;
  slowMs?: number;
  /** Probability that one order of an upload is rejected (issuccess: false). */
  rejectOrder?: number;
}

export interface SandboxCredentials {
  legacy: { partnerId: string; partnerKey: string; token: string };
  open: { appKey: string; appSecret: string; accessToken: string; refreshToken: string };
}

export const DEMO_CREDENTIALS: SandboxCredentials = {
  legacy: { partnerId: 'demo-partner', partnerKey: 'demo-partner-key', token: 'demo-token' },
  open: { appKey: 'demo-app-key', appSecret: 'demo-app-secret', accessToken: 'demo-access-token', refreshToken: 'demo-refresh-token' },
};
export const DEMO_SHOP_ID = 10001;

export interface SandboxOptions {
  port?: number;
  latencyMs?: number;
  rateLimit?: { perSecond: number; perMinute: number };
  faults?: FaultConfig;
  seed?: number;
  credentials?: SandboxCredentials;
  shops?: number[];
  now?: () => number;
  /** Accepted clock skew of `timestamp`/`ts`, seconds (jst-api.md §2.2: 10 minutes). */
  timestampWindowSeconds?: number;
  /** Largest upload batch accepted (not documented; jst-api.md §5 — 50 is the common guess). */
  maxUploadOrders?: number;
}

export interface SandboxStats {
  calls: number;
  byEndpoint: Record<string, number>;
  rateLimited: number;
  faultsInjected: number;
  tokenRefreshes: number;
  /** Epoch ms of every accepted business call (for measuring achieved rates). */
  callTimes: number[];
}

export interface JstSandbox {
  /** Base URL of the open platform API. */
  url: string;
  /** The legacy single endpoint (…/api/open/query.aspx). */
  legacyUrl: string;
  credentials: SandboxCredentials;
  state: SandboxState;
  stats: SandboxStats;
  setFaults(faults: FaultConfig, seed?: number): void;
  setLatency(ms: number): void;
  setRateLimit(limit: { perSecond: number; perMinute: number }): void;
  /** Makes the current open-platform access token invalid (the next call gets code 100). */
  expireAccessToken(): void;
  resetStats(): void;
  close(): Promise<void>;
}

class SandboxError extends Error {
  constructor(readonly jstCode: number, message: string) {
    super(message);
  }
}

const MSG = { 140: '参数不符合规范,请检查传入参数!', 199: '调用太频繁，请稍后再试!', 200: '调用频次超过限制!' } as const;

export async function startJstSandbox(options: SandboxOptions = {}): Promise<JstSandbox> {
  const now = options.now ?? Date.now;
  const creds: SandboxCredentials = structuredClone(options.credentials ?? DEMO_CREDENTIALS);
  const state = new SandboxState(now);
  for (const shop of options.shops ?? [DEMO_SHOP_ID]) state.shops.add(shop);
  let faults: FaultConfig = options.faults ?? {};
  let random = seededRandom(options.seed ?? 42);
  let latencyMs = options.latencyMs ?? 0;
  let limit = options.rateLimit ?? { perSecond: 5, perMinute: 100 };
  const windowSec = options.timestampWindowSeconds ?? 600;
  const maxUpload = options.maxUploadOrders ?? 50;
  const recent: number[] = [];
  const stats: SandboxStats = { calls: 0, byEndpoint: {}, rateLimited: 0, faultsInjected: 0, tokenRefreshes: 0, callTimes: [] };

  function rateCheck(generation: 'legacy' | 'open'): void {
    const t = now();
    while (recent.length > 0 && recent[0]! <= t - 60_000) recent.shift();
    const lastSecond = recent.filter((x) => x > t - 1000).length;
    if (lastSecond >= limit.perSecond) {
      stats.rateLimited++;
      throw new SandboxError(generation === 'open' ? 199 : 200, generation === 'open' ? MSG[199] : MSG[200]);
    }
    if (recent.length >= limit.perMinute) {
      stats.rateLimited++;
      throw new SandboxError(200, MSG[200]);
    }
    recent.push(t);
    stats.callTimes.push(t);
  }

  function chance(p: number | undefined): boolean {
    return !!p && random() < p;
  }

  const server: Server = createServer((req, res) => {
    void handle(req, res).catch((error: unknown) => {
      if (!res.headersSent) send(res, 500, { error: String(error) });
    });
  });

  async function handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const body = await readBody(req);
    const url = new URL(req.url ?? '/', 'http://sandbox');
    if (url.pathname.startsWith('/__admin/')) return admin(url, req.method ?? 'GET', body, res);
    if (latencyMs > 0) await delay(latencyMs);
    const legacy = url.pathname === '/api/open/query.aspx';
    try {
      const payload = legacy ? legacyCall(url, body) : openCall(url.pathname, body);
      if (payload === 'fault-5xx') return send(res, 502, '<html><body>502 Bad Gateway</body></html>', 'text/html');
      if (payload === 'fault-html') return send(res, 200, '<!DOCTYPE html><html><body>系统维护中</body></html>', 'text/html');
      if (chance(faults.slow)) await delay(faults.slowMs ?? 2000);
      send(res, 200, legacy ? { code: 0, issuccess: true, msg: null, ...(payload as object) } : { code: 0, msg: '执行成功', data: payload });
    } catch (error) {
      if (!(error instanceof SandboxError)) throw error;
      send(res, 200, legacy ? { code: error.jstCode, issuccess: false, msg: error.message } : { code: error.jstCode, msg: error.message, data: null });
    }
  }

  function injectedFault(): 'fault-5xx' | 'fault-html' | undefined {
    if (chance(faults.http5xx)) return stats.faultsInjected++, 'fault-5xx';
    if (chance(faults.html)) return stats.faultsInjected++, 'fault-html';
    if (chance(faults.internalError)) {
      stats.faultsInjected++;
      throw new SandboxError(150, '内部处理异常！');
    }
    return undefined;
  }

  function checkTimestamp(ts: string | undefined): void {
    const n = Number(ts);
    if (!ts || !/^\d{10}$/.test(ts) || Math.abs(now() / 1000 - n) > windowSec) throw new SandboxError(180, '执行失败! timestamp invalid');
  }

  function openCall(path: string, body: string): unknown {
    const form = Object.fromEntries(new URLSearchParams(body));
    const { sign, ...params } = form;
    if (path === '/openWeb/auth/refreshToken') {
      if (params.app_key !== creds.open.appKey || !sign || signOpen(params, creds.open.appSecret) !== sign.toLowerCase()) throw new SandboxError(10, '验证失败！无效签名');
      checkTimestamp(params.timestamp);
      if (params.grant_type !== 'refresh_token' || params.refresh_token !== creds.open.refreshToken) throw new SandboxError(100, 'refresh_token无效');
      stats.tokenRefreshes++;
      creds.open.accessToken = `at-${stats.tokenRefreshes}-${Math.floor(random() * 1e9)}`;
      creds.open.refreshToken = `rt-${stats.tokenRefreshes}-${Math.floor(random() * 1e9)}`;
      return { access_token: creds.open.accessToken, refresh_token: creds.open.refreshToken, expires_in: 2_592_000, scope: 'all' };
    }
    for (const field of ['app_key', 'access_token', 'timestamp', 'charset', 'version', 'biz']) {
      if (!params[field]) throw new SandboxError(140, `${MSG[140]} (${field})`);
    }
    let expected: string;
    try {
      expected = signOpen(params, creds.open.appSecret);
    } catch {
      throw new SandboxError(140, MSG[140]);
    }
    if (params.app_key !== creds.open.appKey || !sign || expected !== sign.toLowerCase()) throw new SandboxError(10, '验证失败！无效签名');
    checkTimestamp(params.timestamp);
    if (params.access_token !== creds.open.accessToken) throw new SandboxError(100, '验证失败！无效的access_token或access_token已过期');
    rateCheck('open');
    const fault = injectedFault();
    if (fault) return fault;
    let biz: unknown;
    try {
      biz = JSON.parse(params.biz!);
    } catch {
      throw new SandboxError(130, '传输数据不能为空');
    }
    count(path);
    switch (path) {
      case '/open/inventory/query': return inventoryQuery(biz);
      case '/open/jushuitan/orders/upload': return upload(biz);
      case '/open/logistic/query': return logisticsQuery(biz);
      case '/open/orders/single/query': return orderQuery(biz, 100);
      case '/open/jushuitan/orderbyoid/cancel': return cancelByOId(biz);
      default: throw new SandboxError(190, '接口不存在');
    }
  }

  function legacyCall(url: URL, body: string): unknown {
    const q = Object.fromEntries(url.searchParams);
    if (q.partnerid !== creds.legacy.partnerId) throw new SandboxError(100, '合作者参数错误');
    if (!q.method || !q.ts || !q.token || !q.sign) throw new SandboxError(140, MSG[140]);
    const expected = signLegacy({ method: q.method, partnerId: q.partnerid, token: q.token, ts: Number(q.ts), partnerKey: creds.legacy.partnerKey });
    if (expected !== q.sign.toLowerCase()) throw new SandboxError(120, '签名错误');
    if (q.token !== creds.legacy.token) throw new SandboxError(170, 'token已过期');
    if (!/^\d{10}$/.test(q.ts) || Math.abs(now() / 1000 - Number(q.ts)) > windowSec) throw new SandboxError(180, 'TS 无效');
    rateCheck('legacy');
    const fault = injectedFault();
    if (fault) return fault;
    let biz: unknown;
    try {
      biz = JSON.parse(body || '{}');
    } catch {
      throw new SandboxError(130, '传输数据错误');
    }
    count(q.method);
    switch (q.method) {
      case 'inventory.query': return inventoryQuery(biz);
      case 'jushuitan.orders.upload': return upload(biz);
      case 'logistic.query': return logisticsQuery(biz);
      case 'orders.single.query': return orderQuery(biz, 50);
      case 'jushuitan.orders.cancel': return cancelBySoId(biz);
      case 'refresh.token': return {};
      default: throw new SandboxError(190, '调用无权限');
    }
  }

  function count(endpoint: string): void {
    stats.calls++;
    stats.byEndpoint[endpoint] = (stats.byEndpoint[endpoint] ?? 0) + 1;
  }

  function object(biz: unknown): Record<string, unknown> {
    if (typeof biz !== 'object' || biz === null || Array.isArray(biz)) throw new SandboxError(140, MSG[140]);
    return biz as Record<string, unknown>;
  }

  function paging(b: Record<string, unknown>, defaultSize: number, max: number): { index: number; size: number } {
    const index = b.page_index === undefined ? 1 : Number(b.page_index);
    const size = b.page_size === undefined ? defaultSize : Number(b.page_size);
    if (!Number.isInteger(index) || index < 1 || !Number.isInteger(size) || size < 1 || size > max) throw new SandboxError(140, `${MSG[140]} (page_size ≤ ${max})`);
    return { index, size };
  }

  function range(b: Record<string, unknown>): { fromMs: number; toMs: number } | undefined {
    const begin = b.modified_begin;
    const end = b.modified_end;
    if (begin === undefined && end === undefined) return undefined;
    if (typeof begin !== 'string' || typeof end !== 'string') throw new SandboxError(140, `${MSG[140]} (modified_begin and modified_end go together)`);
    const fromMs = parseBeijing(begin);
    const toMs = parseBeijing(end);
    if (fromMs === undefined || toMs === undefined || fromMs > toMs) throw new SandboxError(140, `${MSG[140]} (bad modified range)`);
    if (toMs - fromMs > 7 * 86_400_000) throw new SandboxError(140, `${MSG[140]} (range over 7 days)`);
    return { fromMs, toMs };
  }

  function list(value: unknown, max: number, field: string): string[] | undefined {
    if (value === undefined) return undefined;
    const items = Array.isArray(value) ? value.map(String) : typeof value === 'string' ? value.split(',') : undefined;
    if (!items || items.length > max || items.some((s) => s.trim() === '')) throw new SandboxError(140, `${MSG[140]} (${field} ≤ ${max})`);
    return items.map((s) => s.trim());
  }

  function pageOf<T>(all: T[], p: { index: number; size: number }) {
    const rows = all.slice((p.index - 1) * p.size, p.index * p.size);
    const pageCount = Math.ceil(all.length / p.size);
    return { rows, meta: { page_index: p.index, page_size: p.size, data_count: all.length, page_count: pageCount, has_next: p.index < pageCount } };
  }

  function inventoryQuery(biz: unknown): unknown {
    const b = object(biz);
    const p = paging(b, 30, 100);
    const skus = list(b.sku_ids, 100, 'sku_ids');
    const r = range(b);
    if (!skus && !r) throw new SandboxError(140, `${MSG[140]} (sku_ids or modified range required)`);
    const wms = b.wms_co_id === undefined ? undefined : Number(b.wms_co_id);
    const wanted = skus ?? state.skusModifiedBetween(r!.fromMs, r!.toMs, wms);
    const { rows, meta } = pageOf(wanted, p);
    const inventorys = rows.map((sku) => state.stockView(sku, wms)).filter((v) => v !== undefined);
    return { ...meta, inventorys };
  }

  function upload(biz: unknown): unknown {
    if (!Array.isArray(biz) || biz.length === 0 || biz.length > maxUpload) throw new SandboxError(140, `${MSG[140]} (1..${maxUpload} orders)`);
    const datas = biz.map((raw) => {
      const o = (typeof raw === 'object' && raw ? raw : {}) as Record<string, unknown>;
      const soId = typeof o.so_id === 'string' ? o.so_id : '';
      const problem = orderProblem(o);
      if (problem) return { o_id: null, so_id: soId, issuccess: false, msg: problem };
      if (chance(faults.rejectOrder)) {
        stats.faultsInjected++;
        return { o_id: null, so_id: soId, issuccess: false, msg: '模拟拒绝: 订单校验失败' };
      }
      const order = state.upsertOrder(Number(o.shop_id), o);
      return { o_id: order.o_id, so_id: soId, issuccess: true, msg: '' };
    });
    return { datas };
  }

  function orderProblem(o: Record<string, unknown>): string | undefined {
    for (const field of ['shop_id', 'so_id', 'order_date', 'shop_status', 'shop_buyer_id', 'receiver_name', 'receiver_address', 'pay_amount', 'freight', 'items']) {
      if (o[field] === undefined || o[field] === null || o[field] === '') return `${field} 不能为空`;
    }
    for (const [k, v] of Object.entries(o)) if (v === '' || v === null) return `${k} 不能为空值`;
    if (!state.shops.has(Number(o.shop_id))) return `店铺编号[${String(o.shop_id)}]不存在!`;
    if (String(o.so_id).length > 50) return 'so_id 超长';
    const statuses = ['WAIT_BUYER_PAY', 'WAIT_SELLER_SEND_GOODS', 'WAIT_BUYER_CONFIRM_GOODS', 'TRADE_FINISHED', 'TRADE_CLOSED', 'TRADE_CLOSED_BY_TAOBAO'];
    if (!statuses.includes(String(o.shop_status))) return 'shop_status 无效';
    if (parseBeijing(String(o.order_date)) === undefined) return 'order_date 格式错误';
    if (!Array.isArray(o.items) || o.items.length === 0) return 'items 不能为空';
    for (const item of o.items as Array<Record<string, unknown>>) {
      if (!item.sku_id || !item.outer_oi_id || !Number.isInteger(item.qty)) return 'items 字段缺失';
    }
    if (o.shop_status !== 'WAIT_BUYER_PAY' && (typeof o.pay !== 'object' || o.pay === null)) return 'pay 不能为空';
    for (const money of [o.pay_amount, o.freight]) if (!/^\d+(\.\d{1,2})?$/.test(String(money))) return '金额格式错误';
    return undefined;
  }

  function logisticsQuery(biz: unknown): unknown {
    const b = object(biz);
    const p = paging(b, 30, 50);
    const soIds = list(b.so_ids, 20, 'so_ids');
    const r = range(b);
    if (!soIds && !r) throw new SandboxError(140, `${MSG[140]} (so_ids or modified range required)`);
    const dateType = b.date_type === undefined ? 3 : Number(b.date_type);
    const shopId = b.shop_id === undefined ? undefined : Number(b.shop_id);
    const hits = state.shipments
      .filter((s) => (shopId === undefined || s.shop_id === shopId) && (!soIds || soIds.includes(s.so_id)))
      .filter((s) => {
        if (!r || soIds) return true;
        const t = dateType === 3 ? s.sendMs : s.modifiedMs;
        return t >= r.fromMs && t <= r.toMs;
      })
      .sort((a, c) => a.modifiedMs - c.modifiedMs || a.o_id - c.o_id);
    const { rows, meta } = pageOf(hits, p);
    return {
      ...meta,
      orders: rows.map((s) => ({
        o_id: s.o_id, shop_id: s.shop_id, so_id: s.so_id, send_date: formatBeijing(s.sendMs), lc_id: s.lc_id, l_id: s.l_id,
        logistics_company: s.logistics_company, modified: formatBeijing(s.modifiedMs), freight: 0, weight: 0, items: [],
      })),
    };
  }

  function orderQuery(biz: unknown, maxPage: number): unknown {
    const b = object(biz);
    const p = paging(b, 30, maxPage);
    const soIds = list(b.so_ids, 20, 'so_ids');
    const oIds = list(b.o_ids, 50, 'o_ids')?.map(Number);
    const r = range(b);
    if (!soIds && !oIds && !r) throw new SandboxError(140, `${MSG[140]} (so_ids, o_ids or modified range required)`);
    const hits = [...state.orders.values()]
      .filter((o) => (!soIds || soIds.includes(o.so_id)) && (!oIds || oIds.includes(o.o_id)) && (!r || (o.modifiedMs >= r.fromMs && o.modifiedMs <= r.toMs)))
      .sort((a, c) => a.o_id - c.o_id);
    const { rows, meta } = pageOf(hits, p);
    return { ...meta, orders: rows.map((o) => ({ o_id: o.o_id, so_id: o.so_id, shop_id: o.shop_id, status: o.status, shop_status: o.shop_status })) };
  }

  function cancelByOId(biz: unknown): unknown {
    const b = object(biz);
    const oIds = list(b.o_ids, 50, 'o_ids');
    if (!oIds || typeof b.cancel_type !== 'string' || !b.cancel_type) throw new SandboxError(140, `${MSG[140]} (o_ids and cancel_type required)`);
    state.cancelByOId(oIds.map(Number));
    return '取消成功';
  }

  function cancelBySoId(biz: unknown): unknown {
    if (!Array.isArray(biz) || biz.length === 0 || biz.length > 50) throw new SandboxError(140, MSG[140]);
    const oIds = biz.map((x) => state.order(Number((x as Record<string, unknown>).shop_id), String((x as Record<string, unknown>).so_id))?.o_id).filter((x): x is number => x !== undefined);
    state.cancelByOId(oIds);
    return {};
  }

  function admin(url: URL, method: string, body: string, res: ServerResponse): void {
    // eslint-disable-next-line @typescript-eslint/no-explicit-any -- admin input is free-form JSON from a developer
    const input = body ? (JSON.parse(body) as Record<string, any>) : {};
    switch (`${method} ${url.pathname}`) {
      case 'GET /__admin/stats': return send(res, 200, { ...stats, callTimes: undefined, orders: state.orders.size, skus: state.skuWarehouses.size, shipments: state.shipments.length });
      case 'GET /__admin/orders': return send(res, 200, [...state.orders.values()]);
      case 'POST /__admin/stock':
        for (const row of input.rows ?? []) state.setStock(String(row.sku_id), row, Number(row.wms_co_id ?? 0));
        return send(res, 200, { ok: true });
      case 'POST /__admin/ship':
        return send(res, 200, state.ship(Number(input.shop_id), String(input.so_id), input.packages ?? []));
      case 'POST /__admin/faults':
        faults = input.faults ?? {};
        if (input.seed !== undefined) random = seededRandom(Number(input.seed));
        return send(res, 200, { ok: true });
      default:
        return send(res, 404, { error: 'unknown admin route' });
    }
  }

  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(options.port ?? 0, '127.0.0.1', () => resolve());
  });
  server.keepAliveTimeout = 30_000;
  const { port } = server.address() as AddressInfo;
  const url = `http://127.0.0.1:${port}`;
  return {
    url,
    legacyUrl: `${url}/api/open/query.aspx`,
    credentials: creds,
    state,
    stats,
    setFaults(next, seed) {
      faults = next;
      if (seed !== undefined) random = seededRandom(seed);
    },
    setLatency(ms) {
      latencyMs = ms;
    },
    setRateLimit(next) {
      limit = next;
    },
    expireAccessToken() {
      creds.open.accessToken = `expired-${creds.open.accessToken}`;
    },
    resetStats() {
      Object.assign(stats, { calls: 0, byEndpoint: {}, rateLimited: 0, faultsInjected: 0, tokenRefreshes: 0, callTimes: [] });
      recent.length = 0;
    },
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}

function readBody(req: IncomingMessage): Promise<string> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => resolve(Buffer.concat(chunks).toString('utf8')));
    req.on('error', reject);
  });
}

function send(res: ServerResponse, status: number, body: unknown, type = 'application/json; charset=utf-8'): void {
  const text = typeof body === 'string' ? body : JSON.stringify(body);
  res.writeHead(status, { 'content-type': type, 'content-length': Buffer.byteLength(text) });
  res.end(text);
}

function delay(ms: number): Promise<void> {
  return new Promise((r) => setTimeout(r, ms));
}
