import { parseJstSecret } from '../../../shared/config/secrets-loader';

describe('parseJstSecret', () => {
  it('accepts legacy partner credentials', () => {
    expect(parseJstSecret('s', { partnerId: 'p', partnerKey: 'k', token: 't' })).toEqual({
      generation: 'legacy',
      partnerId: 'p',
      partnerKey: 'k',
      token: 't',
    });
  });

  it('accepts open-platform credentials', () => {
    expect(parseJstSecret('s', { appKey: 'a', appSecret: 'b', accessToken: 'c', refreshToken: 'd' })).toMatchObject({ generation: 'open' });
  });

  it('accepts the optional token-keeper fields next to the docs/design.md §9 shapes', () => {
    expect(parseJstSecret('s', { partnerId: 'p', partnerKey: 'k', token: 't', tokenRefreshedAt: '2026-12-01T08:00:00.000Z' })).toMatchObject({
      tokenRefreshedAt: '2026-12-01T08:00:00.000Z',
    });
    expect(parseJstSecret('s', { appKey: 'a', appSecret: 'b', accessToken: 'c', refreshToken: 'd', expiresAt: '2026-12-31T00:00:00+08:00' })).toMatchObject({
      expiresAt: '2026-12-31T00:00:00+08:00',
    });
  });

  it.each([
    [{ appKey: 'a', appSecret: 'b', accessToken: 'c', refreshToken: 'd', expiresAt: 'soon' }, /expiresAt: must be an ISO-8601 date-time/],
    [{ partnerId: 'p', partnerKey: 'k', token: 't', tokenRefreshedAt: 1 }, /tokenRefreshedAt/],
    [{ partnerId: 'p', appKey: 'a' }, /mixes legacy fields/],
    [{ foo: 1 }, /either \{ partnerId/],
    [[], /JSON object/],
    [{ partnerId: 'p', partnerKey: 'k' }, /token/],
    [{ appKey: 'a', appSecret: 'b', accessToken: '', refreshToken: 'd' }, /accessToken: must be a non-empty string/],
  ])('rejects %j with a message naming what is wrong', (raw, message) => {
    expect(() => parseJstSecret('fecjst/jst', raw)).toThrow(message);
  });

  it('never echoes a secret value in its error', () => {
    expect(() => parseJstSecret('id', { partnerId: 'p', partnerKey: 'TOPSECRET', token: 42 })).toThrow(
      expect.objectContaining({ message: expect.not.stringContaining('TOPSECRET') }),
    );
  });
});
