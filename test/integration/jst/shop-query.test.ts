import { DEMO_SHOP_ID } from '../../../dev/jst-sandbox/server';
import { createJstClient } from '../../../shared/jst/client';
import { requestInitialTokens } from '../../../shared/jst/initial-tokens';
import { JstApiError } from '../../../shared/jst/jst-errors';
import { sandboxCredentials, useJstSandbox } from '../../support/jst-sandbox';

/** The shop query (店铺查询, docs/erp-api.md §3f) and getInitToken (§2.4) against the sandbox over HTTP. */
describe('the ERP shop query', () => {
  const sandbox = useJstSandbox();
  const client = (generation: 'open' | 'legacy') =>
    createJstClient({ ...sandboxCredentials(sandbox(), generation), rateLimit: { perSecond: 50, perMinute: 3000 }, retryBaseMs: 1 });
  beforeEach(() => sandbox().reset());

  it.each(['open', 'legacy'] as const)('lists every shop of the account with its number, name and shop_site (%s API)', async (generation) => {
    const shops = await client(generation).shops();
    expect(shops.map((s) => s.shop_id).sort()).toEqual([DEMO_SHOP_ID, 20001, 20002].sort());
    expect(shops.find((s) => s.shop_id === DEMO_SHOP_ID)).toMatchObject({ shop_name: `自有商城 ${DEMO_SHOP_ID}`, shop_site: '自有商城' });
    expect(sandbox().stats.byEndpoint[generation === 'open' ? '/open/shops/query' : 'shops.query']).toBe(1);
  });

  it('pages through an account with more shops than one page holds', async () => {
    for (let id = 30000; id < 30150; id++) sandbox().state.shopDirectory.set(id, { name: `店 ${id}`, site: '自有商城' });
    const shops = await client('open').shops();
    expect(shops).toHaveLength(153);
    expect(sandbox().stats.byEndpoint['/open/shops/query']).toBe(2);
    for (let id = 30000; id < 30150; id++) sandbox().state.shopDirectory.delete(id);
  });

  it('getInitToken issues a token pair from the app key and secret alone, which the shop query then accepts', async () => {
    const { appKey, appSecret } = sandbox().credentials.open;
    const tokens = await requestInitialTokens({ appKey, appSecret }, { baseUrl: sandbox().url, retryBaseMs: 1 });
    expect(tokens.accessToken).toBe(sandbox().credentials.open.accessToken);
    expect(Date.parse(tokens.expiresAt!)).toBeGreaterThan(Date.now());
    const erp = createJstClient({ credentials: { generation: 'open', appKey, appSecret, ...tokens }, baseUrl: sandbox().url, retryBaseMs: 1 });
    await expect(erp.shops()).resolves.toHaveLength(3);
  });

  it('getInitToken with a wrong app secret is refused with code 10', async () => {
    const { appKey } = sandbox().credentials.open;
    await expect(requestInitialTokens({ appKey, appSecret: 'wrong' }, { baseUrl: sandbox().url, retryBaseMs: 1 })).rejects.toMatchObject({ jstCode: 10 });
    await expect(requestInitialTokens({ appKey, appSecret: 'wrong' }, { baseUrl: sandbox().url, retryBaseMs: 1 })).rejects.toBeInstanceOf(JstApiError);
  });
});
