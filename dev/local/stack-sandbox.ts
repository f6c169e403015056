/**
 * The ERP sandbox process of the local stack (`npm run local -- up` starts it detached): PORT, and
 * stock for the seeded store's SKUs (SEED_SKUS: the first 95% of them exist in the ERP).
 */
import { skuOf } from '../fecmall/generator';
import { startJstSandbox } from '../jst-sandbox/server';

async function main(): Promise<void> {
  const sandbox = await startJstSandbox({ port: Number(process.env.PORT), rateLimit: { perSecond: 20, perMinute: 1200 }, latencyMs: 0 });
  const skus = Number(process.env.SEED_SKUS ?? 0);
  for (let i = 1; i <= Math.floor(skus * 0.95); i++) sandbox.state.setStock(skuOf(i), { qty: (i * 37) % 300, order_lock: i % 4 }, 0, Date.now() - 3_600_000);
  console.log(`ERP sandbox on ${sandbox.url}`);
  const stop = () => void sandbox.close().then(() => process.exit(0));
  process.on('SIGINT', stop);
  process.on('SIGTERM', stop);
}

void main();
