import type { OpenJstCredentials } from '../../../shared/config/secret-shapes';
import { createJstClient, type JstClientOptions } from '../../../shared/jst/client';
import { memoryTokenStore, type ErpTokenStore } from '../../../shared/jst/token-keeper';
import type { Logger } from '../../../shared/domain/ports';
import type { JstSandbox } from '../../../dev/jst-sandbox/server';
import { useJstSandbox } from '../../support/jst-sandbox';
import { collectRows, failureOf } from '../../support/jst-results';

function recordingLogger(lines: string[]): Logger {
  const record = (level: string) => (message: string, extra?: Record<string, unknown>) => void lines.push(`${level} ${message} ${JSON.stringify(extra ?? {})}`);
  return { debug: record('debug'), info: record('info'), warn: record('warn'), error: record('error') };
}

function clientFor(sandbox: JstSandbox, store: ErpTokenStore, extra: Partial<JstClientOptions> = {}) {
  return createJstClient({
    credentials: { generation: 'open', ...sandbox.credentials.open },
    baseUrl: `${sandbox.url}/`,
    tokenStore: store,
    tokenTiming: { settleMs: 30 },
    rateLimit: { perSecond: 200, perMinute: 10_000 },
    retryBaseMs: 1,
    retryCapMs: 5,
    ...extra,
  });
}

const tokenCalls = (sandbox: JstSandbox) =>
  sandbox
    .calls()
    .filter((c) => c.endpoint.startsWith('/openWeb/auth/'))
    .map((c) => `${c.endpoint.slice('/openWeb/auth/'.length)}:${c.code}`);

describe('open-platform token keeper, self-developed app (sandbox over HTTP)', () => {
  const sandbox = useJstSandbox();
  beforeAll(() => sandbox().state.setStock('T-1', { qty: 2 }));
  beforeEach(() => sandbox().resetStats());
  const openStore = () => memoryTokenStore({ generation: 'open', ...sandbox().credentials.open });

  it('refreshes once for many concurrent calls, stores the pair with its expiry, and logs no secret', async () => {
    const logged: string[] = [];
    const store = openStore();
    const before = { ...sandbox().credentials.open };
    const c = clientFor(sandbox(), store, { logger: recordingLogger(logged) });
    sandbox().expireAccessToken();
    const results = await Promise.all(Array.from({ length: 6 }, () => collectRows(c.inventoryPages({ skuIds: ['T-1'] }))));
    expect(results.every((rows) => rows[0]?.qty === 2)).toBe(true);
    const now = sandbox().credentials.open;
    expect(store.current().credentials).toMatchObject({ accessToken: now.accessToken, refreshToken: now.refreshToken, expiresAt: expect.any(String) });
    expect(Date.parse((store.current().credentials as OpenJstCredentials).expiresAt!)).toBeGreaterThan(Date.now() + 29 * 86_400_000);
    expect(tokenCalls(sandbox())).toEqual(['refreshToken:0']);
    const log = logged.join('\n');
    for (const secret of [before.appSecret, before.accessToken, before.refreshToken, now.accessToken, now.refreshToken]) expect(log).not.toContain(secret);
  });

  it('a lost refresh reply does not lock the shop out: the spent refresh token is replaced through getInitToken', async () => {
    const store = openStore();
    const c = clientFor(sandbox(), store);
    sandbox().expireAccessToken();
    sandbox().dropTokenReplies(1);
    expect((await collectRows(c.inventoryPages({ skuIds: ['T-1'] })))[0]?.qty).toBe(2);
    // The refresh acted but its reply was lost; the retry with the spent token was refused (100).
    expect(tokenCalls(sandbox())).toEqual(['refreshToken:0', 'refreshToken:100', 'getInitToken:0']);
    expect(store.current().credentials).toMatchObject({
      accessToken: sandbox().credentials.open.accessToken,
      refreshToken: sandbox().credentials.open.refreshToken,
    });
    // The stored pair works for the next cold start too.
    const cold = clientFor(sandbox(), store, { credentials: store.current().credentials });
    expect((await collectRows(cold.inventoryPages({ skuIds: ['T-1'] })))[0]?.qty).toBe(2);
  });

  it('renews proactively when the stored expiry is near, before any call is refused', async () => {
    const store = memoryTokenStore({ generation: 'open', ...sandbox().credentials.open, expiresAt: new Date(Date.now() + 3_600_000).toISOString() });
    const c = clientFor(sandbox(), store, { credentials: store.current().credentials });
    expect((await collectRows(c.inventoryPages({ skuIds: ['T-1'] })))[0]?.qty).toBe(2);
    expect(
      sandbox()
        .calls()
        .map((call) => `${call.endpoint}:${call.code}`),
    ).toEqual(['/openWeb/auth/refreshToken:0', '/open/inventory/query:0']);
    expect(store.current().credentials).toMatchObject({ accessToken: sandbox().credentials.open.accessToken });
  });

  it('fails loudly when the renewed pair cannot be saved, keeps it, and saves it before the next call', async () => {
    const inner = openStore();
    let failures = 1;
    const store: ErpTokenStore = {
      label: inner.label,
      read: () => inner.read(),
      replace: async (version, next) => {
        if (failures-- > 0) throw new Error('secrets manager down');
        return inner.replace(version, next);
      },
    };
    const c = clientFor(sandbox(), store);
    sandbox().expireAccessToken();
    expect(await failureOf(collectRows(c.inventoryPages({ skuIds: ['T-1'] })))).toMatchObject({ code: 'JST_TOKEN_SAVE_FAILED' });
    expect((await collectRows(c.inventoryPages({ skuIds: ['T-1'] })))[0]?.qty).toBe(2);
    expect(inner.current().credentials).toMatchObject({ accessToken: sandbox().credentials.open.accessToken });
    expect(tokenCalls(sandbox())).toEqual(['refreshToken:0']);
  });
});

describe('open-platform token keeper: a concurrent writer (sandbox over HTTP)', () => {
  const sandbox = useJstSandbox();
  beforeAll(() => sandbox().state.setStock('T-1', { qty: 2 }));

  it('when another function wrote the secret while this one renewed, the stored pair wins and works', async () => {
    const inner = memoryTokenStore({ generation: 'open', ...sandbox().credentials.open });
    let raced = false;
    const store: ErpTokenStore = {
      label: inner.label,
      read: () => inner.read(),
      replace: async (version, next) => {
        if (!raced) {
          raced = true;
          // Another function obtained a newer pair (getInitToken) and wrote it first.
          const other = clientFor(sandbox(), inner, { credentials: { generation: 'open', ...sandbox().credentials.open, refreshToken: 'spent' } });
          sandbox().expireAccessToken();
          await collectRows(other.inventoryPages({ skuIds: ['T-1'] }));
        }
        return inner.replace(version, next);
      },
    };
    const c = clientFor(sandbox(), store);
    sandbox().expireAccessToken();
    expect((await collectRows(c.inventoryPages({ skuIds: ['T-1'] })))[0]?.qty).toBe(2);
    expect(inner.current().credentials).toMatchObject({ accessToken: sandbox().credentials.open.accessToken });
    expect(tokenCalls(sandbox())).toEqual(['refreshToken:0', 'refreshToken:100', 'getInitToken:0']);
  });
});

describe('open-platform token keeper, third-party app (sandbox over HTTP)', () => {
  const sandbox = useJstSandbox({ appKind: 'third-party' });
  beforeAll(() => sandbox().state.setStock('T-1', { qty: 2 }));

  it('fails the run once, saying what a person must do, when the ERP refuses both refresh and getInitToken', async () => {
    const c = clientFor(sandbox(), memoryTokenStore({ generation: 'open', ...sandbox().credentials.open }, 'ERP secret fecjst/test/jst'));
    sandbox().expireAccessToken();
    const error = await failureOf(collectRows(c.inventoryPages({ skuIds: ['T-1'] })));
    expect(error).toMatchObject({ code: 'JST_AUTH', retryable: false });
    expect(error.message).toMatch(/Authorise the app again .* put the new accessToken and refreshToken into the ERP secret fecjst\/test\/jst/);
    // No loop: one refused call, one refresh, one getInitToken.
    expect(
      sandbox()
        .calls()
        .map((call) => `${call.endpoint}:${call.code}`),
    ).toEqual(['/open/inventory/query:100', '/openWeb/auth/refreshToken:150', '/openWeb/auth/getInitToken:150']);
  });

  it('keeps working with a token that is not expired yet when renewing ahead of time is refused, and tries again only after an hour', async () => {
    sandbox().reset();
    sandbox().state.setStock('T-1', { qty: 2 });
    const c = clientFor(sandbox(), memoryTokenStore({ generation: 'open', ...sandbox().credentials.open }), {
      credentials: { generation: 'open', ...sandbox().credentials.open, expiresAt: new Date(Date.now() + 3_600_000).toISOString() },
    });
    for (let i = 0; i < 3; i++) expect((await collectRows(c.inventoryPages({ skuIds: ['T-1'] })))[0]?.qty).toBe(2);
    expect(
      sandbox()
        .calls()
        .map((call) => `${call.endpoint}:${call.code}`),
    ).toEqual([
      '/openWeb/auth/refreshToken:150',
      '/openWeb/auth/getInitToken:150',
      '/open/inventory/query:0',
      '/open/inventory/query:0',
      '/open/inventory/query:0',
    ]);
  });
});

describe('open-platform token keeper: refusals a renewal cannot fix (sandbox over HTTP)', () => {
  const sandbox = useJstSandbox();
  beforeAll(() => sandbox().state.setStock('T-1', { qty: 2 }));

  it('a wrong app secret fails the call at once (code 10), naming it, with no token call', async () => {
    const c = clientFor(sandbox(), memoryTokenStore({ generation: 'open', ...sandbox().credentials.open }), {
      credentials: { generation: 'open', ...sandbox().credentials.open, accessToken: 'expired-elsewhere', appSecret: 'WRONG-SECRET' },
    });
    const error = await failureOf(collectRows(c.inventoryPages({ skuIds: ['T-1'] })));
    expect(error).toMatchObject({ code: 'JST_AUTH', jstCode: 10, retryable: false });
    expect(error.message).toMatch(/invalid signature: check appSecret/);
    expect(error.message).not.toContain('WRONG-SECRET');
    expect(tokenCalls(sandbox())).toEqual([]);
  });
});
