import { GetSecretValueCommand, SecretsManagerClient } from '@aws-sdk/client-secrets-manager';
import { lambdaContext } from '../support/capture-stdout';
import { useE2EWorld } from '../support/e2e-world';
import { describeWithMoto } from '../support/moto';

type Handler = (event: unknown, context: unknown) => Promise<any>;
const scheduled = { source: 'aws.events', 'detail-type': 'Scheduled Event', detail: {} };

describeWithMoto('legacy partner API through the handlers: the host address and an expiring token (moto, sandbox)', () => {
  const world = useE2EWorld({ products: 40, orders: 60, generation: 'legacy' });
  let jobs: Record<'inventory' | 'orders' | 'shipping', Handler>;
  beforeAll(async () => {
    // JST_BASE_URL is the host alone, not the …/api/open/query.aspx URL.
    process.env.JST_BASE_URL = world().sandbox.url;
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

  it('runs the three jobs, refreshing the token once a day and when the ERP reports it expired (code 170)', async () => {
    const { sandbox } = world();
    for (const job of ['inventory', 'orders', 'shipping'] as const) expect(await jobs[job](scheduled, lambdaContext())).toMatchObject({ complete: true });
    // The first run had no record of a refresh: it called refresh.token and recorded the time.
    const first = await storedSecret();
    expect(first).toMatchObject({ ...sandbox.credentials.legacy, tokenRefreshedAt: expect.any(String) });
    sandbox.expireLegacyToken();
    for (const job of ['shipping', 'orders', 'inventory'] as const) expect(await jobs[job](scheduled, lambdaContext())).toMatchObject({ complete: true });
    const codes = sandbox.calls().filter((c) => c.endpoint === 'refresh.token' || c.code === 170).map((c) => `${c.endpoint}:${c.code}`);
    expect(codes).toEqual(['refresh.token:0', 'logistic.query:170', 'refresh.token:0']);
    expect(Date.parse((await storedSecret()).tokenRefreshedAt!)).toBeGreaterThan(Date.parse(first.tokenRefreshedAt!));
  });
});
