/**
 * `npm run bench -- client`: calls per minute the JST client achieves against the sandbox's configured
 * limit (BENCH_PER_MINUTE 600, per second = per minute / 60, so both limits bind), as a ratio, and the
 * rate-limit rejections the sandbox counted (target: ratio ≥ 0.95, zero rejections). About one minute.
 */
import { createJstClient } from '../../shared/jst/client';
import { DEMO_CREDENTIALS } from '../jst-sandbox/server';
import { adminPost, adminStats, printTable, sandboxProcess } from './_support';

const PER_MINUTE = Number(process.env.BENCH_PER_MINUTE ?? 600);
const PER_SECOND = Math.ceil(PER_MINUTE / 60);

async function main(): Promise<void> {
  const sandbox = await sandboxProcess({ perSecond: PER_SECOND, perMinute: PER_MINUTE, latencyMs: 20 });
  try {
    await adminPost(sandbox.url, '/__admin/stock', { rows: [{ sku_id: 'BENCH-1', qty: 1 }] });
    const client = createJstClient({ credentials: { generation: 'open', ...DEMO_CREDENTIALS.open }, baseUrl: sandbox.url, rateLimit: { perSecond: PER_SECOND, perMinute: PER_MINUTE }, maxRetries: 0 });
    const calls = PER_MINUTE;
    const t0 = performance.now();
    await Promise.all(
      Array.from({ length: calls }, async () => {
        for await (const _page of client.inventoryPages({ skuIds: ['BENCH-1'] })) void _page;
      }),
    );
    const ms = performance.now() - t0;
    const stats = await adminStats(sandbox.url);
    // N calls at the limit take (N - 1) / perSecond seconds at the least.
    const idealMs = ((calls - 1) / PER_SECOND) * 1000;
    printTable('JST client rate', [
      { measure: 'limit (calls/min, calls/s)', value: `${PER_MINUTE}, ${PER_SECOND}` },
      { measure: 'calls', value: calls },
      { measure: 'time (s)', value: +(ms / 1000).toFixed(1) },
      { measure: 'achieved calls/min', value: Math.round(calls / (ms / 60_000)) },
      { measure: 'ratio to the limit', value: +(idealMs / ms).toFixed(3) },
      { measure: 'rate-limit rejections', value: stats.rateLimited },
    ]);
  } finally {
    sandbox.stop();
  }
}

main().then(
  () => process.exit(0),
  (error: unknown) => {
    console.error(error);
    process.exit(1);
  },
);
