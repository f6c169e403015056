import type { ServerResponse } from 'node:http';
import type { FaultConfig } from './fault-injector';
import { send } from './http-io';
import type { InventorySeedRow, JstSandbox, SandboxRateLimit } from './server';

/** What the admin API reads and drives. */
export interface AdminTarget {
  sandbox: JstSandbox;
  rateLimit(): SandboxRateLimit;
  latencyMs(): number;
  faults(): FaultConfig;
}

/**
 * The sandbox's admin API (JSON over HTTP, for the demo, benchmarks in other processes and people):
 *   GET  /__admin/stats                      counters, rate-limit rejections, config
 *   GET  /__admin/orders                     uploaded orders
 *   GET  /__admin/calls?limit=100            latest calls with the code answered
 *   GET  /__admin/inventory?sku=A&wms=0      one SKU as the inventory query reports it
 *   POST /__admin/stock     {"rows":[{"sku_id":"A","qty":5,"wms_co_id":0}]}
 *   POST /__admin/orders/delete {"shop_id":10001,"so_id":"…"}            (test hook: the ERP loses an order)
 *   POST /__admin/orders/amount {"shop_id":10001,"so_id":"…","pay_amount":"9.99"} (test hook: a different amount)
 *   POST /__admin/ship      {"shop_id":10001,"so_id":"…","packages":[{"lc_id":"SF","l_id":"SF1","logistics_company":"顺丰速运"}]}
 *                           (with "merged_so_ids":["A","B"] instead of so_id: one ERP order merging store orders A and B;
 *                            "at_ms": when it was sent, default now)
 *   POST /__admin/cancel    {"shop_id":10001,"so_id":"…"}   the ERP cancels an order (its order query then reports
 *                           status Cancelled; nothing is pushed by this route itself)
 *   POST /__admin/touch     {"skus":["A"]} or {"o_ids":[100001]}: modify rows again (their modified becomes now)
 *   POST /__admin/faults    {"faults":{"http5xx":0.1,"slow":0.2,"slowMs":3000,"churn":{"afterPage":1,"rows":1}},"seed":1}
 *   POST /__admin/latency   {"ms":50}
 *   POST /__admin/rate-limit {"perSecond":5,"perMinute":100}
 *   POST /__admin/foreign-calls {"count":20}   another application on the account calls now (rate windows)
 *   POST /__admin/expire-token             (open platform: the access token expires)
 *   POST /__admin/expire-legacy-token      (legacy: code 170 until refresh.token)
 *   POST /__admin/drop-token-replies {"count":1}  (the next token calls act, then lose their reply)
 *   POST /__admin/reset     (data, faults, stats)
 */
export function handleAdmin(target: AdminTarget, url: URL, method: string, body: string, res: ServerResponse): void {
  const { sandbox } = target;
  let input: Record<string, unknown>;
  try {
    const parsed: unknown = body ? JSON.parse(body) : {};
    if (typeof parsed !== 'object' || parsed === null || Array.isArray(parsed)) throw new Error('not an object');
    input = parsed as Record<string, unknown>;
  } catch {
    return send(res, 400, { error: 'admin requests take a JSON object body' });
  }
  try {
    switch (`${method} ${url.pathname}`) {
      case 'GET /__admin/stats': {
        const { callTimes, ...counters } = sandbox.stats;
        return send(res, 200, {
          ...counters,
          admitted: callTimes.length,
          orders: sandbox.state.orders.size,
          skus: sandbox.state.skuWarehouses.size,
          shipments: sandbox.state.shipments.length,
          rateLimit: target.rateLimit(),
          latencyMs: target.latencyMs(),
          faults: target.faults(),
        });
      }
      case 'GET /__admin/orders':
        return send(res, 200, [...sandbox.state.orders.values()]);
      case 'GET /__admin/calls': {
        const limit = Number(url.searchParams.get('limit') ?? 100);
        return send(res, 200, sandbox.calls().slice(-Math.max(1, limit)));
      }
      case 'GET /__admin/inventory': {
        const wms = url.searchParams.get('wms');
        const view = sandbox.state.stockView(url.searchParams.get('sku') ?? '', wms ? Number(wms) : undefined);
        return view ? send(res, 200, view) : send(res, 404, { error: 'unknown sku' });
      }
      case 'POST /__admin/stock':
        sandbox.seedInventory(asArray(input.rows, 'rows') as InventorySeedRow[]);
        return send(res, 200, { ok: true });
      case 'POST /__admin/orders/delete': {
        const deleted = sandbox.state.deleteOrder(Number(input.shop_id), String(input.so_id));
        return deleted ? send(res, 200, { ok: true }) : send(res, 404, { error: 'unknown order' });
      }
      case 'POST /__admin/orders/amount':
        if (typeof input.pay_amount !== 'string' || !/^\d+(\.\d{1,2})?$/.test(input.pay_amount))
          return send(res, 400, { error: 'pay_amount must be a decimal string' });
        sandbox.state.setOrderAmount(Number(input.shop_id), String(input.so_id), input.pay_amount);
        return send(res, 200, { ok: true });
      case 'POST /__admin/ship': {
        const packages = asArray(input.packages, 'packages') as Array<{ lc_id: string; l_id: string; logistics_company: string }>;
        if (input.merged_so_ids !== undefined)
          return send(res, 200, sandbox.state.shipMerged(Number(input.shop_id), asArray(input.merged_so_ids, 'merged_so_ids').map(String), packages));
        const atMs = input.at_ms === undefined ? undefined : Number(input.at_ms);
        return send(res, 200, sandbox.state.ship(Number(input.shop_id), String(input.so_id), packages, atMs));
      }
      case 'POST /__admin/cancel': {
        const order = sandbox.state.order(Number(input.shop_id), String(input.so_id));
        if (!order) return send(res, 404, { error: 'unknown order' });
        sandbox.state.cancelByOId([order.o_id]);
        return send(res, 200, { ok: true, o_id: order.o_id });
      }
      case 'POST /__admin/touch':
        for (const sku of (input.skus ?? []) as unknown[]) sandbox.state.touchStock(String(sku), undefined);
        for (const oId of (input.o_ids ?? []) as unknown[]) sandbox.state.touchShipment(Number(oId));
        return send(res, 200, { ok: true });
      case 'POST /__admin/faults':
        sandbox.setFaults((input.faults ?? {}) as FaultConfig, input.seed === undefined ? undefined : Number(input.seed));
        return send(res, 200, { ok: true });
      case 'POST /__admin/latency':
        sandbox.setLatency(Number(input.ms ?? 0));
        return send(res, 200, { ok: true });
      case 'POST /__admin/rate-limit':
        sandbox.setRateLimit({ perSecond: Number(input.perSecond), perMinute: Number(input.perMinute) });
        return send(res, 200, { ok: true });
      case 'POST /__admin/foreign-calls':
        return send(res, 200, { admitted: sandbox.recordForeignCalls(Number(input.count ?? 1)) });
      case 'POST /__admin/expire-token':
        sandbox.expireAccessToken();
        return send(res, 200, { ok: true });
      case 'POST /__admin/expire-legacy-token':
        sandbox.expireLegacyToken();
        return send(res, 200, { ok: true });
      case 'POST /__admin/drop-token-replies':
        sandbox.dropTokenReplies(Number(input.count ?? 1));
        return send(res, 200, { ok: true });
      case 'POST /__admin/reset':
        sandbox.reset();
        return send(res, 200, { ok: true });
      default:
        return send(res, 404, { error: `unknown admin route ${method} ${url.pathname}` });
    }
  } catch (error) {
    return send(res, 400, { error: error instanceof Error ? error.message : String(error) });
  }
}

function asArray(value: unknown, field: string): unknown[] {
  if (!Array.isArray(value)) throw new Error(`${field} must be a list`);
  return value;
}
