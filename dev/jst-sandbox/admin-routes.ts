import type { ServerResponse } from 'node:http';
import type { FaultConfig } from './fault-injector';
import type { PushBehaviour, PushMethodName, PushMode } from './push-sender';
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
 *   POST /__admin/touch     {"skus":["A"]} or {"o_ids":[100001]}: modify rows again (their modified becomes now)
 *   POST /__admin/faults    {"faults":{"http5xx":0.1,"slow":0.2,"slowMs":3000,"churn":{"afterPage":1,"rows":1}},"seed":1}
 *   POST /__admin/latency   {"ms":50}
 *   POST /__admin/rate-limit {"perSecond":5,"perMinute":100}
 *   POST /__admin/foreign-calls {"count":20}   another application on the account calls now (rate windows)
 *   POST /__admin/expire-token             (open platform: the access token expires)
 *   POST /__admin/expire-legacy-token      (legacy: code 170 until refresh.token)
 *   POST /__admin/drop-token-replies {"count":1}  (the next token calls act, then lose their reply)
 *   POST /__admin/reset     (data, faults, stats, push log and behaviour; the push target stays)
 *   POST /__admin/cancel    {"shop_id":10001,"so_id":"…"}   the ERP cancels an order (order query: Cancelled; pushes cancel.order; 409 once shipped)
 * Pushes to the store (push-sender.ts, docs/erp-push.md):
 *   POST /__admin/push/target    {"url":"http://127.0.0.1:3000/"}  (null: stop pushing)
 *   POST /__admin/push/behaviour {"enabled":true,"generation":"legacy","forged":0.1,"dropped":0.2,"late":0,"malformed":0,"duplicated":0,"wrong":0,"seed":1}
 *   POST /__admin/push/send      {"method":"inventory.upload","skus":["A"],"mode":"forged"}   one push now
 *                                (mode: normal, forged, replayed, duplicated, late, out-of-order, malformed, wrong-shape, dropped, wrong;
 *                                 "so_ids" for logistics.upload / cancel.order; "body" to send a body as given)
 *   GET  /__admin/pushes         what was sent (method, mode, keys, the store's reply), no bodies
 */
export async function handleAdmin(target: AdminTarget, url: URL, method: string, body: string, res: ServerResponse): Promise<void> {
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
      case 'POST /__admin/cancel': {
        const order = sandbox.state.order(Number(input.shop_id ?? DEFAULT_SHOP), String(input.so_id));
        if (!order) return send(res, 404, { error: 'unknown order' });
        if (order.status === 'Sent') return send(res, 409, { error: 'the order has shipped; the ERP cancels no shipped order' });
        sandbox.state.cancelByOId([order.o_id]);
        return send(res, 200, { ok: true, o_id: order.o_id, status: order.status });
      }
      case 'POST /__admin/push/target':
        if (input.url !== null && (typeof input.url !== 'string' || !/^https?:\/\//.test(input.url)))
          return send(res, 400, { error: 'url must be an http(s) URL or null' });
        sandbox.pushes.setTarget(input.url ?? undefined);
        return send(res, 200, { ok: true, url: sandbox.pushes.targetUrl ?? null });
      case 'POST /__admin/push/behaviour':
        sandbox.pushes.setBehaviour(input as PushBehaviour);
        return send(res, 200, { ok: true, behaviour: sandbox.pushes.currentBehaviour });
      case 'POST /__admin/push/send': {
        const sent = await sandbox.pushes.sendOnRequest({
          method: String(input.method) as PushMethodName,
          ...(input.skus !== undefined ? { skus: asArray(input.skus, 'skus').map(String) } : {}),
          ...(input.so_ids !== undefined ? { soIds: asArray(input.so_ids, 'so_ids').map(String) } : {}),
          ...(input.body !== undefined ? { body: input.body } : {}),
          ...(input.mode !== undefined ? { mode: String(input.mode) as PushMode } : {}),
          ...(input.generation === 'open' || input.generation === 'legacy' ? { generation: input.generation } : {}),
        });
        return send(res, 200, sent);
      }
      case 'GET /__admin/pushes':
        await sandbox.pushes.idle();
        return send(res, 200, { target: sandbox.pushes.targetUrl ?? null, behaviour: sandbox.pushes.currentBehaviour, sent: sandbox.pushes.sent() });
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

const DEFAULT_SHOP = 10001;

function asArray(value: unknown, field: string): unknown[] {
  if (!Array.isArray(value)) throw new Error(`${field} must be a list`);
  return value;
}
