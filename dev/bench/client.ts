/**
 * `npm run bench -- client`: how much of the ERP's call budget the client achieves against a sandbox
 * enforcing the same limits, with zero rate-limit rejections (target ratio ≥ 0.95).
 *
 * The budget that binds in production is the per-minute one (5/s × 60 = 300 > 100/min), so the ratio
 * is measured on it: the client keeps CONCURRENCY callers busy until call number perMinute + 1 has
 * reached the server; the span from call 1 to that call is one full minute's budget, so
 * achieved/min = perMinute ÷ span. The limits are scaled up (default 20/s, 600/min) so that one
 * minute's run means something. Environment: BENCH_PER_SECOND, BENCH_PER_MINUTE, BENCH_LATENCY_MS,
 * BENCH_CONCURRENCY.
 */
import { createJstClient } from '../../shared/jst/client';
import { startJstSandbox } from '../jst-sandbox/server';

const perSecond = Number(process.env.BENCH_PER_SECOND ?? 20);
const perMinute = Number(process.env.BENCH_PER_MINUTE ?? 600);
const latencyMs = Number(process.env.BENCH_LATENCY_MS ?? 50);
const concurrency = Number(process.env.BENCH_CONCURRENCY ?? 16);

function busiest(times: readonly number[], windowMs: number): number {
  let max = 0;
  for (let i = 0, j = 0; i < times.length; i++) {
    while (times[i]! - times[j]! >= windowMs) j++;
    max = Math.max(max, i - j + 1);
  }
  return max;
}

async function main(): Promise<void> {
  const sandbox = await startJstSandbox({ rateLimit: { perSecond, perMinute }, latencyMs });
  sandbox.seedInventory(Array.from({ length: 100 }, (_, i) => ({ sku_id: `BENCH-${i}`, qty: i })));
  const client = createJstClient({
    credentials: { generation: 'open', ...sandbox.credentials.open },
    baseUrl: sandbox.url,
    rateLimit: { perSecond, perMinute },
    maxRetries: 0,
  });
  console.log(
    `config: sandbox and client limited to ${perSecond}/s and ${perMinute}/min, sandbox latency ${latencyMs} ms, ${concurrency} concurrent callers, open-platform inventory queries`,
  );

  const target = perMinute + 1;
  const started = Date.now();
  let issued = 0;
  let failures = 0;
  const worker = async () => {
    while (issued < target) {
      issued++;
      try {
        for await (const page of client.inventoryPages({ skuIds: [`BENCH-${issued % 100}`] })) void page;
      } catch (error) {
        failures++;
        console.error(`  call failed: ${(error as Error).message}`);
      }
    }
  };
  await Promise.all(Array.from({ length: concurrency }, worker));
  const wallS = (Date.now() - started) / 1000;
  await sandbox.close();

  const times = sandbox.stats.callTimes;
  const spanMs = times[perMinute]! - times[0]!;
  const achievedPerMinute = (perMinute * 60_000) / spanMs;
  const firstMinuteBurstS = (times[perMinute - 1]! - times[0]!) / 1000;
  const rows = {
    'calls admitted by the server': times.length,
    'rate-limit rejections (server)': sandbox.stats.rateLimited,
    'client failures': failures,
    'busiest 1 s window (server)': `${busiest(times, 1000)} (limit ${perSecond})`,
    'busiest 60 s window (server)': `${busiest(times, 60_000)} (limit ${perMinute})`,
    [`span of calls 1..${perMinute + 1}`]: `${(spanMs / 1000).toFixed(2)} s`,
    'achieved calls/min': achievedPerMinute.toFixed(1),
    'ratio to the per-minute limit': (achievedPerMinute / perMinute).toFixed(4),
    [`first ${perMinute} calls took`]: `${firstMinuteBurstS.toFixed(2)} s → ${((perMinute - 1) / firstMinuteBurstS).toFixed(2)}/s (ratio ${((perMinute - 1) / firstMinuteBurstS / perSecond).toFixed(3)} to ${perSecond}/s)`,
    'wall time': `${wallS.toFixed(1)} s`,
  };
  console.table(rows);
  const ratio = achievedPerMinute / perMinute;
  console.log(
    ratio >= 0.95 && sandbox.stats.rateLimited === 0
      ? `OK: ratio ${ratio.toFixed(4)} ≥ 0.95 with zero rejections`
      : `BELOW TARGET: ratio ${ratio.toFixed(4)}, ${sandbox.stats.rateLimited} rejections`,
  );
}

void main().catch((error: unknown) => {
  console.error(error);
  process.exit(1);
});
