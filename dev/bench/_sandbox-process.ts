/** The ERP sandbox as a child process for benchmarks (see _support.ts sandboxProcess). */
import { startJstSandbox } from '../jst-sandbox/server';

void startJstSandbox({
  port: Number(process.env.PORT),
  latencyMs: Number(process.env.LATENCY_MS ?? 0),
  rateLimit: { perSecond: Number(process.env.RATE_PER_SECOND ?? 5), perMinute: Number(process.env.RATE_PER_MINUTE ?? 100) },
}).then((sandbox) => {
  process.on('SIGTERM', () => void sandbox.close().then(() => process.exit(0)));
});
