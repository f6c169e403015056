import { signLegacy, signOpen } from '../../../shared/jst/signers';
import type { JstSandbox } from '../../../dev/jst-sandbox/server';
import { useJstSandbox } from '../../support/jst-sandbox';

/** Raw signed calls: the sandbox's token lifecycles, independently of the client's token keeper. */
type Reply = { code: number; msg: string; data?: { access_token?: string; refresh_token?: string; expires_in?: number } };
const ts = () => String(Math.floor(Date.now() / 1000));

function post(url: string, params: Record<string, string>): Promise<Reply> {
  return fetch(url, { method: 'POST', body: new URLSearchParams(params), headers: { 'content-type': 'application/x-www-form-urlencoded' } }).then(
    (r) => r.json() as Promise<Reply>,
  );
}

function inventory(sandbox: JstSandbox, accessToken: string): Promise<number> {
  const { appKey, appSecret } = sandbox.credentials.open;
  const params: Record<string, string> = {
    access_token: accessToken,
    app_key: appKey,
    biz: '{"sku_ids":"A"}',
    charset: 'utf-8',
    timestamp: ts(),
    version: '2',
  };
  return post(`${sandbox.url}/open/inventory/query`, { ...params, sign: signOpen(params, appSecret) }).then((r) => r.code);
}

function tokenCall(sandbox: JstSandbox, kind: 'refresh' | 'init', refreshToken = sandbox.credentials.open.refreshToken): Promise<Reply> {
  const { appKey, appSecret } = sandbox.credentials.open;
  const params: Record<string, string> =
    kind === 'refresh'
      ? { app_key: appKey, charset: 'utf-8', grant_type: 'refresh_token', refresh_token: refreshToken, scope: 'all', timestamp: ts() }
      : { app_key: appKey, charset: 'utf-8', code: 'Ab12Cd', grant_type: 'authorization_code', timestamp: ts() };
  return post(`${sandbox.url}/openWeb/auth/${kind === 'refresh' ? 'refreshToken' : 'getInitToken'}`, { ...params, sign: signOpen(params, appSecret) });
}

function legacy(sandbox: JstSandbox, method: string): Promise<number> {
  const { partnerId, partnerKey, token } = sandbox.credentials.legacy;
  const t = Number(ts());
  const query = new URLSearchParams({ method, partnerid: partnerId, token, ts: String(t), sign: signLegacy({ method, partnerId, token, ts: t, partnerKey }) });
  return fetch(`${sandbox.legacyUrl}?${query}`, { method: 'POST', body: '{"sku_ids":"A"}' }).then(async (r) => ((await r.json()) as Reply).code);
}

describe('ERP sandbox token lifecycles (raw HTTP)', () => {
  const sandbox = useJstSandbox({ tokenLifetimeSeconds: 3600 });

  it('open platform: a refresh token works once, the new pair replaces the old one, getInitToken issues a pair', async () => {
    const before = { ...sandbox().credentials.open };
    const refreshed = await tokenCall(sandbox(), 'refresh');
    expect(refreshed).toMatchObject({ code: 0, data: { access_token: expect.any(String), refresh_token: expect.any(String), expires_in: 3600 } });
    expect((await tokenCall(sandbox(), 'refresh', before.refreshToken)).code).toBe(100);
    expect(await inventory(sandbox(), before.accessToken)).toBe(100);
    expect(await inventory(sandbox(), refreshed.data!.access_token!)).toBe(0);
    const init = await tokenCall(sandbox(), 'init');
    expect(init.code).toBe(0);
    expect(await inventory(sandbox(), refreshed.data!.access_token!)).toBe(100);
    expect(await inventory(sandbox(), init.data!.access_token!)).toBe(0);
  });

  it('open platform: a dropped token reply still spends the refresh token and issues the pair', async () => {
    const before = { ...sandbox().credentials.open };
    sandbox().dropTokenReplies(1);
    await expect(tokenCall(sandbox(), 'refresh')).rejects.toThrow();
    expect(sandbox().credentials.open.accessToken).not.toBe(before.accessToken);
    expect((await tokenCall(sandbox(), 'refresh', before.refreshToken)).code).toBe(100);
  });

  it('legacy: an expired token gets code 170 until refresh.token, which keeps its value', async () => {
    const token = sandbox().credentials.legacy.token;
    sandbox().expireLegacyToken();
    expect(await legacy(sandbox(), 'inventory.query')).toBe(170);
    expect(await legacy(sandbox(), 'refresh.token')).toBe(0);
    expect(sandbox().credentials.legacy.token).toBe(token);
    expect(await legacy(sandbox(), 'inventory.query')).toBe(0);
  });
});

describe('ERP sandbox token lifecycles: the optional models', () => {
  const lenient = useJstSandbox({ oldAccessTokenSurvivesRefresh: true });
  const thirdParty = useJstSandbox({ appKind: 'third-party' });

  it('can keep an old access token valid until its own expiry', async () => {
    const before = lenient().credentials.open.accessToken;
    expect((await tokenCall(lenient(), 'refresh')).code).toBe(0);
    expect(await inventory(lenient(), before)).toBe(0);
  });

  it('refuses refresh and getInitToken for a third-party app (code 150)', async () => {
    expect((await tokenCall(thirdParty(), 'refresh')).code).toBe(150);
    expect((await tokenCall(thirdParty(), 'init')).code).toBe(150);
  });
});
