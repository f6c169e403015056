/**
 * `npm run sandbox`: the local ERP sandbox on its own, until Ctrl-C.
 * Environment: PORT (default 8421), LATENCY_MS (default 0), RATE_PER_SECOND / RATE_PER_MINUTE
 * (default 5 and 100, as the ERP), FAULT_SEED.
 */
import { DEMO_SHOP_ID, startJstSandbox } from './server';

async function main(): Promise<void> {
  const sandbox = await startJstSandbox({
    port: Number(process.env.PORT ?? 8421),
    latencyMs: Number(process.env.LATENCY_MS ?? 0),
    rateLimit: { perSecond: Number(process.env.RATE_PER_SECOND ?? 5), perMinute: Number(process.env.RATE_PER_MINUTE ?? 100) },
    seed: Number(process.env.FAULT_SEED ?? 42),
  });
  const { legacy, open } = sandbox.credentials;
  console.log(`Jushuitan ERP sandbox listening (local demo credentials, not real ones)

  open platform   JST_BASE_URL=${sandbox.url}
                  ERP secret: ${JSON.stringify(open)}
  legacy API      JST_BASE_URL=${sandbox.url}  (the host, or the full ${sandbox.legacyUrl})
                  ERP secret: ${JSON.stringify(legacy)}
  shop            JST_SHOP_ID=${DEMO_SHOP_ID}

  admin API (JSON):
    GET  ${sandbox.url}/__admin/stats | /__admin/orders | /__admin/calls?limit=50 | /__admin/inventory?sku=A
    POST ${sandbox.url}/__admin/stock       {"rows":[{"sku_id":"A","qty":5,"order_lock":1}]}
    POST ${sandbox.url}/__admin/ship        {"shop_id":${DEMO_SHOP_ID},"so_id":"…","packages":[{"lc_id":"SF","l_id":"SF123","logistics_company":"顺丰速运"}]}
    POST ${sandbox.url}/__admin/faults      {"faults":{"http5xx":0.1,"html":0.05,"disconnect":0.05,"internalError":0.05,"malformed":0,"slow":0.1,"slowMs":3000,"rejectOrder":0.1},"seed":1}
    POST ${sandbox.url}/__admin/latency     {"ms":50}
    POST ${sandbox.url}/__admin/rate-limit  {"perSecond":5,"perMinute":100}
    POST ${sandbox.url}/__admin/expire-token | /__admin/expire-legacy-token | /__admin/reset
    POST ${sandbox.url}/__admin/drop-token-replies  {"count":1}   (the next token calls act, then lose their reply)

Ctrl-C stops it.`);
  const stop = () => void sandbox.close().then(() => process.exit(0));
  process.on('SIGINT', stop);
  process.on('SIGTERM', stop);
}

void main();
