import { createJstClient } from '../../../shared/jst/client';
import { sandboxCredentials, useJstSandbox } from '../../support/jst-sandbox';

describe('rate limiter against a server enforcing the same limits', () => {
  const sandbox = useJstSandbox({ rateLimit: { perSecond: 20, perMinute: 300 } });

  it('lets a burst of 300 calls through a sandbox limited to 20/s and 300/min with zero rate-limit rejections', async () => {
    sandbox().state.setStock('B-1', { qty: 1 });
    const client = createJstClient({ ...sandboxCredentials(sandbox(), 'open'), rateLimit: { perSecond: 20, perMinute: 300 }, maxRetries: 0 });
    const results = await Promise.all(
      Array.from({ length: 300 }, async () => {
        for await (const page of client.inventoryPages({ skuIds: ['B-1'] })) return page.rows.length;
        return 0;
      }),
    );
    expect(results.every((n) => n === 1)).toBe(true);
    expect(sandbox().stats.rateLimited).toBe(0);
    expect(sandbox().stats.calls).toBe(300);
  }, 120_000);
});
