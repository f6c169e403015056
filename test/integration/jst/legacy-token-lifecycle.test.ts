import type { LegacyJstCredentials } from '../../../shared/config/secret-shapes';
import { createJstClient, type JstClientOptions } from '../../../shared/jst/client';
import { memoryTokenStore } from '../../../shared/jst/token-keeper';
import type { JstSandbox } from '../../../dev/jst-sandbox/server';
import { useJstSandbox } from '../../support/jst-sandbox';
import { collectRows, failureOf } from '../../support/jst-results';

const justNow = () => new Date().toISOString();
const legacyStore = (sandbox: JstSandbox, extra: Partial<LegacyJstCredentials> = {}) =>
  memoryTokenStore({ generation: 'legacy', ...sandbox.credentials.legacy, ...extra }, 'ERP secret fecjst/test/jst');

function clientFor(sandbox: JstSandbox, store: ReturnType<typeof legacyStore>, extra: Partial<JstClientOptions> = {}) {
  return createJstClient({
    credentials: store.current().credentials,
    baseUrl: sandbox.url,
    tokenStore: store,
    rateLimit: { perSecond: 200, perMinute: 10_000 },
    retryBaseMs: 1,
    retryCapMs: 5,
    ...extra,
  });
}

const methods = (sandbox: JstSandbox) => sandbox.calls().map((c) => `${c.endpoint}:${c.code}`);

describe('legacy partner API: address forms and token lifecycle (sandbox over HTTP)', () => {
  const sandbox = useJstSandbox();
  beforeAll(() => sandbox().state.setStock('L-1', { qty: 3 }));
  beforeEach(() => sandbox().resetStats());

  it.each([
    ['the host', (s: JstSandbox) => s.url],
    ['the host with a trailing slash', (s: JstSandbox) => `${s.url}/`],
    ['the full query URL', (s: JstSandbox) => s.legacyUrl],
  ])('works when JST_BASE_URL is %s', async (_form, address) => {
    const c = clientFor(sandbox(), legacyStore(sandbox(), { tokenRefreshedAt: justNow() }), { baseUrl: address(sandbox()) });
    expect((await collectRows(c.inventoryPages({ skuIds: ['L-1'] })))[0]?.qty).toBe(3);
    expect(methods(sandbox())).toEqual(['inventory.query:0']);
  });

  it('refreshes an expired token (code 170) with refresh.token, retries the call once, and records when', async () => {
    const store = legacyStore(sandbox(), { tokenRefreshedAt: justNow() });
    const c = clientFor(sandbox(), store);
    sandbox().expireLegacyToken();
    expect((await collectRows(c.inventoryPages({ skuIds: ['L-1'] })))[0]?.qty).toBe(3);
    expect(methods(sandbox())).toEqual(['inventory.query:170', 'refresh.token:0', 'inventory.query:0']);
    const stored = store.current().credentials as LegacyJstCredentials;
    expect(stored.token).toBe(sandbox().credentials.legacy.token);
    expect(Date.now() - Date.parse(stored.tokenRefreshedAt!)).toBeLessThan(60_000);
  });

  it('refreshes proactively when the secret says the last refresh is a day old, and not again while it is fresh', async () => {
    const store = legacyStore(sandbox(), { tokenRefreshedAt: new Date(Date.now() - 25 * 3_600_000).toISOString() });
    expect((await collectRows(clientFor(sandbox(), store).inventoryPages({ skuIds: ['L-1'] })))[0]?.qty).toBe(3);
    // A function started later reads the recorded time and does not refresh; neither does a warm one
    // whose credentials in memory still carry the old time (it checks the secret first).
    expect((await collectRows(clientFor(sandbox(), store).inventoryPages({ skuIds: ['L-1'] })))[0]?.qty).toBe(3);
    const warm = clientFor(sandbox(), store, {
      credentials: { generation: 'legacy', ...sandbox().credentials.legacy, tokenRefreshedAt: new Date(Date.now() - 25 * 3_600_000).toISOString() },
    });
    expect((await collectRows(warm.inventoryPages({ skuIds: ['L-1'] })))[0]?.qty).toBe(3);
    expect(methods(sandbox())).toEqual(['refresh.token:0', 'inventory.query:0', 'inventory.query:0', 'inventory.query:0']);
  });

  it('survives a lost refresh.token reply (the token value does not change)', async () => {
    const c = clientFor(sandbox(), legacyStore(sandbox(), { tokenRefreshedAt: justNow() }));
    sandbox().expireLegacyToken();
    sandbox().dropTokenReplies(1);
    expect((await collectRows(c.inventoryPages({ skuIds: ['L-1'] })))[0]?.qty).toBe(3);
    expect(methods(sandbox())).toEqual(['inventory.query:170', 'refresh.token:0', 'refresh.token:0', 'inventory.query:0']);
  });

  it('a token the ERP refuses even for refresh.token is one run failure saying what to do', async () => {
    const c = clientFor(sandbox(), legacyStore(sandbox(), { token: 'revoked-token', tokenRefreshedAt: justNow() }));
    const error = await failureOf(collectRows(c.inventoryPages({ skuIds: ['L-1'] })));
    expect(error).toMatchObject({ code: 'JST_AUTH', retryable: false });
    expect(error.message).toMatch(/ask Jushuitan for a new token and put it as "token" into the ERP secret fecjst\/test\/jst/);
    expect(error.message).not.toContain('revoked-token');
    expect(methods(sandbox())).toEqual(['inventory.query:170', 'refresh.token:170']);
  });
});

describe('legacy partner API: many calls meeting the expired token at once', () => {
  const sandbox = useJstSandbox();
  beforeAll(() => sandbox().state.setStock('L-1', { qty: 3 }));

  it('refreshes once for all of them, and adopts a token an operator put into the secret', async () => {
    const store = legacyStore(sandbox(), { tokenRefreshedAt: justNow() });
    const c = clientFor(sandbox(), store);
    sandbox().expireLegacyToken();
    const results = await Promise.all(Array.from({ length: 5 }, () => collectRows(c.inventoryPages({ skuIds: ['L-1'] }))));
    expect(results.map((rows) => rows[0]?.qty)).toEqual([3, 3, 3, 3, 3]);
    expect(methods(sandbox()).filter((m) => m.startsWith('refresh.token'))).toEqual(['refresh.token:0']);

    // The operator rotates the token in the ERP and in the secret: the warm client adopts it on 170.
    sandbox().resetStats();
    const stored = await store.read();
    sandbox().credentials.legacy.token = 'rotated-token';
    await store.replace(stored.version, { ...stored.credentials, token: 'rotated-token' } as typeof stored.credentials);
    expect((await collectRows(c.inventoryPages({ skuIds: ['L-1'] })))[0]?.qty).toBe(3);
    expect(methods(sandbox())).toEqual(['inventory.query:170', 'inventory.query:0']);
  });
});
