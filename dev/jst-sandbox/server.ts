import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { signLegacy, signOpen } from '../../shared/jst/signers';
import { TokenAuthority, type SandboxCredentials, type TokenAuthorityOptions } from './token-authority';
import { handleAdmin, type AdminTarget } from './admin-routes';
import { cancelByOId, cancelBySoId, inventoryQuery, logisticsQuery, shopQuery, uploadOrders, warehouseQuery, type EndpointContext } from './erp-endpoints';
import { HostileReplies } from './hostile-replies';
import { orderQuery } from './order-query';
import { FaultInjector, type FaultConfig, type InjectedFault } from './fault-injector';
import { OWN_MALL_SITE, SandboxState, type StockCounters } from './sandbox-state';
import { ERP_MESSAGES, SandboxError } from './sandbox-error';
import { SlidingWindowLog } from './sliding-window';
import { recordForeignCalls } from './foreign-calls';
import { readBody, send } from './http-io';
import { PushSender } from './push-sender';

export type { FaultConfig } from './fault-injector';
export type { SandboxCredentials } from './token-authority';

/**
 * A local stand-in for the Jushuitan ERP (docs/erp-api.md §4): both API generations over HTTP on
 * 127.0.0.1 with their signatures, tokens, timestamp window, rate limits per app key / partner
 * (→ 199/200), the documented validation (→ 140), in-memory state, an admin API under /__admin/ and
 * seeded fault injection.
 *
 * Open platform: POST <url>/<api path>, form body, sign over all fields (§2.3), |now − timestamp| >
 * 600 s → 180, unknown/expired access_token → 100, /openWeb/auth/refreshToken and getInitToken.
 * Legacy: POST <url>/api/open/query.aspx?method=…&partnerid=…&token=…&ts=…&sign=…, JSON body, flat
 * envelope with issuccess; bad sign → 120, wrong or expired token → 170, `refresh.token`, rate → 200
 * (§1, §4.9). Token lifecycles of both generations (expiry, one-time refresh tokens, lost replies):
 * token-authority.ts.
 */

export const DEMO_CREDENTIALS: SandboxCredentials = {
  legacy: { partnerId: 'demo-partner', partnerKey: 'demo-partner-key', token: 'demo-token' },
  open: { appKey: 'demo-app-key', appSecret: 'demo-app-secret', accessToken: 'demo-access-token', refreshToken: 'demo-refresh-token' },
};
export const DEMO_SHOP_ID = 10001;

export interface SandboxRateLimit {
  perSecond: number;
  perMinute: number;
}

export interface SandboxOptions extends TokenAuthorityOptions {
  /** Port on 127.0.0.1 (default 0: any free port). */
  port?: number;
  /** Delay before every business call is processed (default 0). */
  latencyMs?: number;
  /** Default 5/s and 100/min (docs/erp-api.md §2.7). */
  rateLimit?: SandboxRateLimit;
  faults?: FaultConfig;
  /** Seed of the fault PRNG (default 42). */
  seed?: number;
  credentials?: SandboxCredentials;
  /** Shops that accept uploads (default [DEMO_SHOP_ID]); others get a per-order 170-style failure. */
  shops?: number[];
  now?: () => number;
  /** Accepted clock skew of `timestamp`/`ts`, seconds (docs/erp-api.md §2.2: 10 minutes). */
  timestampWindowSeconds?: number;
  /** Largest upload batch accepted (not documented; docs/erp-api.md §5 — 50 is the common guess). */
  maxUploadOrders?: number;
}

export interface SandboxStats {
  /** Business calls that reached an endpoint (after auth and rate checks, faults excluded). */
  calls: number;
  byEndpoint: Record<string, number>;
  /** Calls rejected with a rate-limit code (199/200). */
  rateLimited: number;
  faultsInjected: number;
  tokenRefreshes: number;
  /** Epoch ms of every call admitted by the rate limiter (for measuring achieved rates). */
  callTimes: number[];
  /** Calls of "another application" on the same account (recordForeignCalls): admitted, rejected. */
  foreignCalls: number;
  foreignRejected: number;
}

/** One request as the sandbox saw it (the admin API lists the latest 10 000). */
export interface SandboxCall {
  at: number;
  generation: 'legacy' | 'open';
  endpoint: string;
  /** ERP code answered, or the injected fault. */
  code: number | InjectedFault;
}

export interface InventorySeedRow extends Partial<StockCounters> {
  sku_id: string;
  wms_co_id?: number;
  name?: string;
  i_id?: string;
  /** Epoch ms; default now. */
  modifiedMs?: number;
}

export interface JstSandbox {
  /** Base URL of the open platform API (also the admin API's base). */
  url: string;
  /** The legacy single endpoint (…/api/open/query.aspx). */
  legacyUrl: string;
  /** Live credentials: the open-platform tokens change when the client refreshes them. */
  credentials: SandboxCredentials;
  state: SandboxState;
  stats: SandboxStats;
  /** The latest calls, oldest first. */
  calls(): SandboxCall[];
  seedInventory(rows: readonly InventorySeedRow[]): void;
  setFaults(faults: FaultConfig, seed?: number): void;
  setLatency(ms: number): void;
  setRateLimit(limit: SandboxRateLimit): void;
  /** Another application on the same ERP account makes `count` calls now: they fill the rate windows. */
  recordForeignCalls(count: number): number;
  /** Makes the current open-platform access token invalid (the next call gets code 100). */
  expireAccessToken(): void;
  /** Makes the legacy token expired (the next call gets code 170 until `refresh.token`). */
  expireLegacyToken(): void;
  /** The ERP's pushes to the store's callback address (push-sender.ts; admin: /__admin/push/…). */
  pushes: PushSender;
  /** Lost replies of calls that took effect, rate-limit answers caused by other tools (hostile-replies.ts). */
  hostile: HostileReplies;
  /** The next `count` token calls (refresh, getInitToken, legacy refresh.token) act, then drop the connection. */
  dropTokenReplies(count: number): void;
  resetStats(): void;
  /** Back to a fresh sandbox: no data, no faults, fresh stats and rate windows, a valid access token (current token values kept). */
  reset(): void;
  close(): Promise<void>;
}

const CALL_LOG_MAX = 10_000;

export async function startJstSandbox(options: SandboxOptions = {}): Promise<JstSandbox> {
  const now = options.now ?? Date.now;
  const creds: SandboxCredentials = structuredClone(options.credentials ?? DEMO_CREDENTIALS);
  const state = new SandboxState(now);
  const pushes = new PushSender(creds, state, now);
  state.listener = pushes;
  for (const shop of options.shops ?? [DEMO_SHOP_ID]) {
    state.shops.add(shop);
    state.shopDirectory.set(shop, { name: `自有商城 ${shop}`, site: OWN_MALL_SITE });
  }
  const faults = new FaultInjector(options.faults ?? {}, options.seed ?? 42);
  const hostile = new HostileReplies();
  let latencyMs = options.latencyMs ?? 0;
  let limit: SandboxRateLimit = options.rateLimit ?? { perSecond: 5, perMinute: 100 };
  const windowSec = options.timestampWindowSeconds ?? 600;
  const tokens = new TokenAuthority(creds, options, now, () => faults.next());
  const perSecond = new SlidingWindowLog(1000);
  const perMinute = new SlidingWindowLog(60_000);
  const stats: SandboxStats = {
    calls: 0,
    byEndpoint: {},
    rateLimited: 0,
    faultsInjected: 0,
    tokenRefreshes: 0,
    callTimes: [],
    foreignCalls: 0,
    foreignRejected: 0,
  };
  let callLog: SandboxCall[] = [];
  const endpoints: EndpointContext = {
    state,
    maxUploadOrders: options.maxUploadOrders ?? 50,
    rejectOrder: () => faults.drawOrderRejection(),
    uploadRules: () => faults.current,
    faults,
  };

  function logCall(generation: 'legacy' | 'open', endpoint: string, code: number | InjectedFault): void {
    callLog.push({ at: now(), generation, endpoint, code });
    if (callLog.length > 2 * CALL_LOG_MAX) callLog = callLog.slice(-CALL_LOG_MAX);
  }

  /** Per app key / partner (docs/erp-api.md §4.4: scope is [U], one client identity per sandbox here). */
  function rateCheck(generation: 'legacy' | 'open'): void {
    const t = now();
    if (perSecond.count(t) >= limit.perSecond) {
      stats.rateLimited++;
      // Legacy documents only code 200 (docs/erp-api.md §1.5).
      throw generation === 'open' ? new SandboxError(199, ERP_MESSAGES.perSecond) : new SandboxError(200, ERP_MESSAGES.perMinute);
    }
    if (perMinute.count(t) >= limit.perMinute) {
      stats.rateLimited++;
      throw new SandboxError(200, ERP_MESSAGES.perMinute);
    }
    perSecond.record(t);
    perMinute.record(t);
    stats.callTimes.push(t);
  }

  function checkTimestamp(ts: string | undefined): void {
    if (!ts || !/^\d{10}$/.test(ts) || Math.abs(now() / 1000 - Number(ts)) > windowSec) throw new SandboxError(180, ERP_MESSAGES.timestamp);
  }

  /** An open-platform token call (§2.4): sign, timestamp, then the authority acts. */
  function openTokenCall(path: string, body: string): unknown {
    const { sign, ...params } = Object.fromEntries(new URLSearchParams(body));
    tokens.checkTokenCallSign(params, sign, ERP_MESSAGES.badSignOpen);
    checkTimestamp(params.timestamp);
    const issued = path === '/openWeb/auth/refreshToken' ? tokens.refresh(params) : tokens.initToken(params);
    stats.tokenRefreshes++;
    return issued;
  }

  /** Checks an open-platform call; returns the endpoint name and parsed biz. */
  function admitOpen(path: string, body: string): { endpoint: string; biz: unknown } {
    const { sign, ...params } = Object.fromEntries(new URLSearchParams(body));
    for (const field of ['app_key', 'access_token', 'timestamp', 'charset', 'version', 'biz']) {
      if (!params[field]) throw new SandboxError(field === 'biz' ? 130 : 140, `${ERP_MESSAGES.invalid} (${field} missing)`);
    }
    // Recomputed over the received fields, raw biz string included; hex compared case-insensitively (§4.1).
    const expected = signOpen(params, creds.open.appSecret);
    if (params.app_key !== creds.open.appKey || !sign || expected !== sign.toLowerCase()) throw new SandboxError(10, ERP_MESSAGES.badSignOpen);
    checkTimestamp(params.timestamp);
    tokens.checkAccessToken(params.access_token, ERP_MESSAGES.tokenOpen);
    if (params.version !== '2' || params.charset!.toLowerCase() !== 'utf-8') throw new SandboxError(140, `${ERP_MESSAGES.invalid} (version 2, charset utf-8)`);
    rateCheck('open');
    let biz: unknown;
    try {
      biz = JSON.parse(params.biz!);
    } catch {
      throw new SandboxError(130, ERP_MESSAGES.empty);
    }
    return { endpoint: path, biz };
  }

  function admitLegacy(url: URL, body: string): { endpoint: string; biz: unknown } {
    const q = Object.fromEntries(url.searchParams);
    if (q.partnerid !== creds.legacy.partnerId) throw new SandboxError(100, ERP_MESSAGES.partner);
    if (!q.method || !q.ts || !q.token || !q.sign) throw new SandboxError(140, ERP_MESSAGES.invalid);
    const expected = signLegacy({ method: q.method, partnerId: q.partnerid, token: q.token, ts: Number(q.ts), partnerKey: creds.legacy.partnerKey });
    if (expected !== q.sign.toLowerCase()) throw new SandboxError(120, ERP_MESSAGES.badSignLegacy);
    tokens.checkLegacyToken(q.token, q.method, ERP_MESSAGES.tokenLegacy);
    if (!/^\d{10}$/.test(q.ts) || Math.abs(now() / 1000 - Number(q.ts)) > windowSec) throw new SandboxError(180, 'TS 无效');
    rateCheck('legacy');
    let biz: unknown;
    try {
      biz = JSON.parse(body || '{}');
    } catch {
      throw new SandboxError(130, '传输数据错误');
    }
    return { endpoint: q.method, biz };
  }

  function dispatch(endpoint: string, biz: unknown): unknown {
    switch (endpoint) {
      case '/open/inventory/query':
      case 'inventory.query':
        return inventoryQuery(endpoints, biz);
      case '/open/wms/partner/query':
      case 'wms.partner.query':
        return warehouseQuery(endpoints, biz);
      case '/open/shops/query':
        return shopQuery(endpoints, biz, 'datas');
      case 'shops.query':
        return shopQuery(endpoints, biz, 'shops');
      case '/open/jushuitan/orders/upload':
      case 'jushuitan.orders.upload':
        return uploadOrders(endpoints, biz);
      case '/open/logistic/query':
      case 'logistic.query':
        return logisticsQuery(endpoints, biz);
      case '/open/orders/single/query':
        return orderQuery(endpoints, biz, 100);
      case 'orders.single.query':
        return orderQuery(endpoints, biz, 50);
      case '/open/jushuitan/orderbyoid/cancel':
        return cancelByOId(endpoints, biz);
      case 'jushuitan.orders.cancel':
        return cancelBySoId(endpoints, biz);
      case 'refresh.token':
        // Legacy refresh keeps the token value (docs/erp-api.md §1.6).
        tokens.refreshLegacy();
        stats.tokenRefreshes++;
        return {};
      default:
        throw endpoint.startsWith('/') ? new SandboxError(190, ERP_MESSAGES.noApi) : new SandboxError(190, ERP_MESSAGES.noPermission);
    }
  }

  async function handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const body = await readBody(req);
    const url = new URL(req.url ?? '/', 'http://sandbox');
    if (url.pathname.startsWith('/__admin/')) return handleAdmin(adminTarget, url, req.method ?? 'GET', body, res);
    if (req.method !== 'POST') return send(res, 405, '<html><body>405 Method Not Allowed</body></html>', 'text/html');
    if (latencyMs > 0) await delay(latencyMs);
    const generation = url.pathname === '/api/open/query.aspx' ? 'legacy' : 'open';
    const reply = (payload: unknown) => {
      if (generation === 'open') return send(res, 200, { code: 0, msg: '执行成功', data: payload });
      return send(
        res,
        200,
        typeof payload === 'string' ? { code: 0, issuccess: true, msg: payload } : { code: 0, issuccess: true, msg: null, ...(payload as object) },
      );
    };
    let endpoint = generation === 'legacy' ? (url.searchParams.get('method') ?? '?') : url.pathname;
    try {
      if (generation === 'open' && (url.pathname === '/openWeb/auth/refreshToken' || url.pathname === '/openWeb/auth/getInitToken')) {
        const issued = openTokenCall(url.pathname, body);
        logCall(generation, endpoint, 0);
        // A lost reply: the ERP acted (the refresh token is spent, the new pair issued), nobody hears it.
        if (tokens.takeDrop()) return void res.socket?.destroy();
        return send(res, 200, { code: 0, msg: '执行成功', data: issued });
      }
      const admitted = generation === 'legacy' ? admitLegacy(url, body) : admitOpen(url.pathname, body);
      endpoint = admitted.endpoint;
      hostile.checkForeignRateLimit(generation);
      const fault = faults.drawCallFault();
      if (fault) {
        stats.faultsInjected++;
        logCall(generation, endpoint, fault);
        return injectFault(fault, generation, res);
      }
      const payload = dispatch(endpoint, admitted.biz);
      stats.calls++;
      if (endpoint === 'refresh.token' && tokens.takeDrop()) {
        logCall(generation, endpoint, 0);
        return void res.socket?.destroy();
      }
      stats.byEndpoint[endpoint] = (stats.byEndpoint[endpoint] ?? 0) + 1;
      if (hostile.drawLostReply()) {
        // The call took effect; its reply is lost.
        logCall(generation, endpoint, 0);
        return void res.socket?.destroy();
      }
      const slowMs = faults.drawDelayMs();
      if (slowMs > 0) await delay(slowMs);
      logCall(generation, endpoint, 0);
      reply(payload);
    } catch (error) {
      if (!(error instanceof SandboxError)) throw error;
      logCall(generation, endpoint, error.jstCode);
      // Business errors: HTTP 200, no data (docs/erp-api.md §4.5).
      send(
        res,
        200,
        generation === 'legacy' ? { code: error.jstCode, issuccess: false, msg: error.message } : { code: error.jstCode, msg: error.message, data: null },
      );
    }
  }

  function injectFault(fault: InjectedFault, generation: 'legacy' | 'open', res: ServerResponse): void {
    switch (fault) {
      case 'http5xx':
        return send(res, 502, '<html><body><h1>502 Bad Gateway</h1></body></html>', 'text/html');
      case 'html':
        return send(res, 200, '<!DOCTYPE html><html><body>系统维护中，请稍后再试</body></html>', 'text/html');
      case 'disconnect':
        res.socket?.destroy();
        return;
      case 'internalError':
        return send(
          res,
          200,
          generation === 'legacy' ? { code: 150, issuccess: false, msg: ERP_MESSAGES.internal } : { code: 150, msg: ERP_MESSAGES.internal, data: null },
        );
      case 'malformed': {
        // Code 0, but every list the client reads is the wrong type, and paging fields are nonsense.
        const payload = { page_index: 'one', has_next: 'maybe', inventorys: { sku_id: 'x' }, orders: 'none', datas: 17 };
        return send(res, 200, generation === 'legacy' ? { code: 0, issuccess: true, msg: null, ...payload } : { code: 0, msg: '执行成功', data: payload });
      }
    }
  }

  const server: Server = createServer((req, res) => {
    void handle(req, res).catch((error: unknown) => {
      if (!res.headersSent) send(res, 500, { error: String(error) });
    });
  });

  function resetStats(): void {
    Object.assign(stats, {
      calls: 0,
      byEndpoint: {},
      rateLimited: 0,
      faultsInjected: 0,
      tokenRefreshes: 0,
      callTimes: [],
      foreignCalls: 0,
      foreignRejected: 0,
    });
    faults.injected = 0;
    perSecond.clear();
    perMinute.clear();
    callLog = [];
  }

  const sandbox: JstSandbox = {
    url: '',
    legacyUrl: '',
    credentials: creds,
    state,
    stats,
    calls: () => callLog.slice(-CALL_LOG_MAX),
    seedInventory(rows) {
      for (const row of rows) {
        const { sku_id, wms_co_id, modifiedMs, ...counters } = row;
        state.setStock(sku_id, counters, wms_co_id ?? 0, modifiedMs ?? now());
      }
    },
    hostile,
    pushes,
    setFaults: (next, seed) => faults.set(next, seed),
    setLatency(ms) {
      latencyMs = ms;
    },
    setRateLimit(next) {
      limit = { ...next };
    },
    recordForeignCalls(count) {
      const admitted = recordForeignCalls({ now, limit: () => limit, perSecond, perMinute }, count);
      stats.foreignCalls += admitted;
      stats.foreignRejected += count - admitted;
      return admitted;
    },
    expireAccessToken: () => tokens.expireAccessToken(),
    expireLegacyToken: () => tokens.expireLegacyToken(),
    dropTokenReplies: (count) => tokens.dropTokenReplies(count),
    resetStats,
    reset() {
      resetStats();
      faults.set({});
      hostile.set({});
      pushes.clear();
      pushes.setBehaviour({});
      state.clear();
      tokens.reset();
    },
    close: () =>
      new Promise<void>((resolve) => {
        pushes.setTarget(undefined);
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
  const adminTarget: AdminTarget = {
    sandbox,
    rateLimit: () => limit,
    latencyMs: () => latencyMs,
    faults: () => faults.current,
  };

  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(options.port ?? 0, '127.0.0.1', () => resolve());
  });
  server.keepAliveTimeout = 30_000;
  const { port } = server.address() as AddressInfo;
  sandbox.url = `http://127.0.0.1:${port}`;
  sandbox.legacyUrl = `${sandbox.url}/api/open/query.aspx`;
  return sandbox;
}

function delay(ms: number): Promise<void> {
  return new Promise((r) => setTimeout(r, ms));
}
