/** `npm run sandbox`: the local ERP sandbox on its own, until Ctrl-C. PORT picks the port (default 8421). */
import { DEMO_SHOP_ID, startJstSandbox } from './server';

async function main(): Promise<void> {
  const sandbox = await startJstSandbox({ port: Number(process.env.PORT ?? 8421), latencyMs: Number(process.env.LATENCY_MS ?? 0) });
  const { legacy, open } = sandbox.credentials;
  console.log(`Jushuitan ERP sandbox listening
  open platform base URL: ${sandbox.url}
  legacy endpoint:        ${sandbox.legacyUrl}
  shop_id:                ${DEMO_SHOP_ID}
  open-platform secret:   ${JSON.stringify(open)}
  legacy secret:          ${JSON.stringify(legacy)}
  admin:                  GET ${sandbox.url}/__admin/stats, GET /__admin/orders, POST /__admin/stock {"rows":[{"sku_id":"A","qty":5}]},
                          POST /__admin/ship {"shop_id":${DEMO_SHOP_ID},"so_id":"…","packages":[{"lc_id":"SF","l_id":"SF123","logistics_company":"顺丰速运"}]},
                          POST /__admin/faults {"faults":{"http5xx":0.1},"seed":1}
(these are local demo credentials, not real ones)  Ctrl-C stops it.`);
  const stop = () => void sandbox.close().then(() => process.exit(0));
  process.on('SIGINT', stop);
  process.on('SIGTERM', stop);
}

void main();
