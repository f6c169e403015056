import { lambdaContext } from '../support/capture-stdout';
import { useE2EWorld } from '../support/e2e-world';
import { loadJobHandlers, scheduledEvent as scheduled, storedJstSecret as storedSecret, type JobHandlers } from '../support/job-handlers';
import { describeWithMoto } from '../support/moto';

/**
 * The three functions share one ERP secret and each caches it (SECRETS_CACHE_SECONDS): when one of
 * them renews the open-platform tokens, the other two still hold the old pair. No run may fail.
 */
describeWithMoto('open-platform token renewal across the three functions (handlers, moto, sandbox)', () => {
  const world = useE2EWorld({ products: 40, orders: 60 });
  let jobs: JobHandlers;
  beforeAll(async () => {
    // The open-platform base with a trailing slash is accepted.
    process.env.JST_BASE_URL = `${world().sandbox.url}/`;
    jobs = await loadJobHandlers();
  });

  it('one function renews the expired token, the two others adopt it from the secret, and every run succeeds', async () => {
    const { sandbox } = world();
    // Every function has read (and cached) the ERP secret.
    for (const job of ['inventory', 'orders', 'shipping'] as const) expect(await jobs[job](scheduled, lambdaContext())).toMatchObject({ complete: true });
    for (const renewer of ['orders', 'shipping', 'inventory'] as const) {
      sandbox.expireAccessToken();
      const order = [renewer, ...(['inventory', 'orders', 'shipping'] as const).filter((j) => j !== renewer)];
      for (const job of order) expect(await jobs[job](scheduled, lambdaContext())).toMatchObject({ complete: true });
    }
    const tokenCalls = sandbox.calls().filter((c) => c.endpoint.startsWith('/openWeb/auth/'));
    expect(tokenCalls.map((c) => `${c.endpoint}:${c.code}`)).toEqual(Array(3).fill('/openWeb/auth/refreshToken:0'));
    const stored = await storedSecret();
    expect(stored).toMatchObject({
      accessToken: sandbox.credentials.open.accessToken,
      refreshToken: sandbox.credentials.open.refreshToken,
      expiresAt: expect.any(String),
    });
    expect(Object.keys(stored).sort()).toEqual(['accessToken', 'appKey', 'appSecret', 'expiresAt', 'refreshToken']);
  });
});
