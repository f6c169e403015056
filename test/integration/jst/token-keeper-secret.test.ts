import { randomUUID } from 'node:crypto';
import { CreateSecretCommand, SecretsManagerClient } from '@aws-sdk/client-secrets-manager';
import { SecretsLoader } from '../../../shared/config/secrets-loader';
import { createJstClient, type JstClient } from '../../../shared/jst/client';
import type { JstSandbox } from '../../../dev/jst-sandbox/server';
import { useJstSandbox } from '../../support/jst-sandbox';
import { describeWithMoto } from '../../support/moto';

async function qtyOf(client: JstClient, sku: string): Promise<number | undefined> {
  for await (const page of client.inventoryPages({ skuIds: [sku] })) return page.rows[0]?.qty;
  return undefined;
}

/**
 * "Warm functions": each one its own SecretsLoader (with its 300 s cache, as in Lambda) and ERP client,
 * all on one ERP secret in moto_server, as syncInventory, pushOrders and syncShipping share it.
 */
async function warmFunction(sandbox: JstSandbox, secretId: string): Promise<{ client: JstClient; loader: SecretsLoader }> {
  const loader = new SecretsLoader({ maxAgeSeconds: 300 });
  const credentials = await loader.loadJstCredentials(secretId);
  const client = createJstClient({
    credentials,
    baseUrl: sandbox.url,
    tokenStore: loader.jstTokenStore(secretId),
    tokenTiming: { settleMs: 150 },
    rateLimit: { perSecond: 200, perMinute: 10_000 },
    retryBaseMs: 1,
    retryCapMs: 5,
  });
  return { client, loader };
}

describeWithMoto('open-platform token keepers sharing one ERP secret (moto_server + sandbox over HTTP)', () => {
  const sandbox = useJstSandbox();
  const secrets = new SecretsManagerClient({});
  afterAll(() => secrets.destroy());
  beforeAll(() => sandbox().state.setStock('W-1', { qty: 7 }));
  beforeEach(() => sandbox().resetStats());

  async function createErpSecret(): Promise<string> {
    const name = `fecjst/test/${randomUUID()}`;
    await secrets.send(new CreateSecretCommand({ Name: name, SecretString: JSON.stringify(sandbox().credentials.open) }));
    return name;
  }

  async function storedPair(secretId: string) {
    const { credentials } = await new SecretsLoader().jstTokenStore(secretId).read();
    if (credentials.generation !== 'open') throw new Error('expected open-platform credentials');
    return { accessToken: credentials.accessToken, refreshToken: credentials.refreshToken };
  }

  const livePair = () => ({ accessToken: sandbox().credentials.open.accessToken, refreshToken: sandbox().credentials.open.refreshToken });

  it('three warm functions survive a refresh by any one of them, with no failed run', async () => {
    const secretId = await createErpSecret();
    const functions = [await warmFunction(sandbox(), secretId), await warmFunction(sandbox(), secretId), await warmFunction(sandbox(), secretId)];
    for (const refresher of [0, 1, 2]) {
      sandbox().expireAccessToken();
      // The refresher meets the expired token first; the others still hold the old pair in memory.
      const order = [refresher, ...[0, 1, 2].filter((i) => i !== refresher)];
      for (const i of order) expect(await qtyOf(functions[i]!.client, 'W-1')).toBe(7);
    }
    // One refresh per expiry, never a refused one; the secret holds the pair the ERP accepts.
    expect(
      sandbox()
        .calls()
        .filter((c) => c.endpoint.startsWith('/openWeb/'))
        .map((c) => c.code),
    ).toEqual([0, 0, 0]);
    expect(await storedPair(secretId)).toEqual(livePair());
  });

  it('two concurrent refreshes leave one valid token pair in the secret', async () => {
    const secretId = await createErpSecret();
    const a = await warmFunction(sandbox(), secretId);
    const b = await warmFunction(sandbox(), secretId);
    sandbox().expireAccessToken();
    await expect(Promise.all([qtyOf(a.client, 'W-1'), qtyOf(b.client, 'W-1')])).resolves.toEqual([7, 7]);
    expect(await storedPair(secretId)).toEqual(livePair());
    // A cold start from the secret works.
    const cold = await warmFunction(sandbox(), secretId);
    sandbox().resetStats();
    expect(await qtyOf(cold.client, 'W-1')).toBe(7);
    expect(
      sandbox()
        .calls()
        .map((c) => c.code),
    ).toEqual([0]);
  });

  it('a lost refresh reply leaves a working pair in the secret for every function', async () => {
    const secretId = await createErpSecret();
    const a = await warmFunction(sandbox(), secretId);
    const b = await warmFunction(sandbox(), secretId);
    sandbox().expireAccessToken();
    sandbox().dropTokenReplies(1);
    expect(await qtyOf(a.client, 'W-1')).toBe(7);
    expect(await qtyOf(b.client, 'W-1')).toBe(7);
    expect(await storedPair(secretId)).toEqual(livePair());
  });

  it('renews proactively from the expiry stored in the secret, and writes the new expiry back', async () => {
    const name = `fecjst/test/${randomUUID()}`;
    const soon = new Date(Date.now() + 3_600_000).toISOString();
    await secrets.send(new CreateSecretCommand({ Name: name, SecretString: JSON.stringify({ ...sandbox().credentials.open, expiresAt: soon }) }));
    const f = await warmFunction(sandbox(), name);
    expect(await qtyOf(f.client, 'W-1')).toBe(7);
    expect(
      sandbox()
        .calls()
        .map((c) => `${c.endpoint}:${c.code}`),
    ).toEqual(['/openWeb/auth/refreshToken:0', '/open/inventory/query:0']);
    const stored = await f.loader.loadJstCredentials(name, { forceRefresh: true });
    expect(stored).toMatchObject({ ...livePair(), expiresAt: expect.any(String) });
    expect(Date.parse((stored as { expiresAt: string }).expiresAt)).toBeGreaterThan(Date.parse(soon));
  });
});
