import { GetSecretValueCommand, SecretsManagerClient } from '@aws-sdk/client-secrets-manager';
import { lambdaContext } from '../support/capture-stdout';
import { useE2EWorld } from '../support/e2e-world';
import { describeWithMoto } from '../support/moto';

type Handler = (event: unknown, context: unknown) => Promise<any>;
const scheduled = { source: 'aws.events', 'detail-type': 'Scheduled Event', detail: {} };

/**
 * The three functions share one ERP secret and each caches it (SECRETS_CACHE_SECONDS): when one of
 * them renews the open-platform tokens, the other two still hold the old pair. No run may fail.
 */
describeWithMoto('open-platform token renewal across the three functions (handlers, moto, sandbox)', () => {
  const world = useE2EWorld({ products: 40, orders: 60 });
  let jobs: Record<'inventory' | 'orders' | 'shipping', Handler>;
  beforeAll(async () => {
    // The open-platform base with a trailing slash is accepted.
    process.env.JST_BASE_URL = `${world().sandbox.url}/`;
    jobs = {
      inventory: (await import('../../functions/sync-inventory/handler')).handler as unknown as Handler,
      orders: (await import('../../functions/push-orders/handler')).handler as unknown as Handler,
      shipping: (await import('../../functions/sync-shipping/handler')).handler as unknown as Handler,
    };
  });

  async function storedSecret(): Promise<Record<string, string>> {
    const client = new SecretsManagerClient({});
    try {
      const out = await client.send(new GetSecretValueCommand({ SecretId: process.env.JST_SECRET_ID, VersionStage: 'AWSCURRENT' }));
      return JSON.parse(out.SecretString!) as Record<string, string>;
    } finally {
      client.destroy();
    }
  }

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
    expect(stored).toMatchObject({ accessToken: sandbox.credentials.open.accessToken, refreshToken: sandbox.credentials.open.refreshToken, expiresAt: expect.any(String) });
    expect(Object.keys(stored).sort()).toEqual(['accessToken', 'appKey', 'appSecret', 'expiresAt', 'refreshToken']);
  });
});
