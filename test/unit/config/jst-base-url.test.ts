import { loadEnvironment } from '../../../shared/config/environment';
import { resolveJstBaseUrl } from '../../../shared/config/jst-base-url';

const valid = { STATE_TABLE: 'fecjst-prod-state', JST_SECRET_ID: 'fecjst/jst', DB_SECRET_ID: 'fecjst/db', JST_SHOP_ID: '10001' };

function messageOf(fn: () => unknown): string {
  try {
    fn();
  } catch (error) {
    return (error as Error).message;
  }
  throw new Error('expected a failure');
}

describe('JST_BASE_URL', () => {
  it('defaults to the production URL of the generation in use', () => {
    expect(resolveJstBaseUrl(undefined, 'legacy')).toBe('https://open.erp321.com/api/open/query.aspx');
    expect(resolveJstBaseUrl(undefined, 'open')).toBe('https://openapi.jushuitan.com');
  });

  it.each(['https://c.jushuitan.com', 'https://c.jushuitan.com/', 'https://c.jushuitan.com/api/open/query.aspx', 'http://127.0.0.1:8421/api/open/query.aspx/'])(
    'legacy: %s addresses the query URL',
    (raw) => {
      expect(loadEnvironment({ ...valid, JST_BASE_URL: raw }).JST_BASE_URL).toBe(raw);
      expect(resolveJstBaseUrl(raw, 'legacy')).toMatch(/^https?:\/\/[^/]+\/api\/open\/query\.aspx$/);
    },
  );

  it.each(['https://openapi.jushuitan.com', 'https://openapi.jushuitan.com/', 'http://127.0.0.1:9//'])(
    'open platform: %s is the base without a trailing slash',
    (raw) => {
      expect(resolveJstBaseUrl(raw, 'open')).toBe(new URL(raw).origin);
    },
  );

  it.each([
    ['ftp://open.erp321.com', /expected an http\(s\) URL/],
    ['open.erp321.com', /not a URL/],
    ['https://openapi.jushuitan.com/open/inventory/query', /path \/open\/inventory\/query is not accepted/],
    ['https://open.erp321.com/api/open/query.aspx?method=x', /query string/],
  ])('rejects %s at cold start, naming the variable and the expected forms', (raw, problem) => {
    const message = messageOf(() => loadEnvironment({ ...valid, JST_BASE_URL: raw }));
    expect(message).toMatch(/JST_BASE_URL: /);
    expect(message).toMatch(problem);
    expect(message).toMatch(/legacy partner API: the host .* or the full query URL .*open platform: the base URL/);
  });

  it('rejects the legacy query URL for open-platform credentials', () => {
    const message = messageOf(() => resolveJstBaseUrl('https://open.erp321.com/api/open/query.aspx', 'open'));
    expect(message).toMatch(/JST_BASE_URL: .*addresses the legacy partner API; expected for the legacy partner API/);
  });
});
