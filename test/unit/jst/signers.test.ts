import { signLegacy, signOpen } from '../../../shared/jst/signers';

describe('legacy partner API sign', () => {
  it('matches the official worked example (docs/erp-api.md §1.3)', () => {
    expect(
      signLegacy({
        method: 'shops.query',
        partnerId: 'ywv5jGT8ge6Pvlq3FZSPol345asd',
        token: '181ee8952a88f5a57db52587472c3798',
        ts: 1540370062,
        partnerKey: 'ywv5jGT8ge6Pvlq3FZSPol2323',
      }),
    ).toBe('aebf9d0146764d578d9c86e3b7783204');
  });

  it('matches the synthetic vector', () => {
    expect(signLegacy({ method: 'inventory.query', partnerId: 'demo_partner', token: 'demo_token', ts: 1700000000, partnerKey: 'demo_partner_key' })).toBe(
      '504bdb8762b95e9d4e21e87e3e49d9b8',
    );
  });
});

describe('open platform sign (docs/erp-api.md §2.3 vectors a–e)', () => {
  const secret = '0123456789abcdef0123456789abcdef';
  const common = {
    app_key: '3f1c0a7e9b2d4c6e8f0a1b2c3d4e5f60',
    access_token: 'abcdef0123456789abcdef0123456789',
    timestamp: '1700000000',
    charset: 'utf-8',
    version: '2',
  };

  it.each([
    ['a', '{"page_index":1,"page_size":100,"sku_ids":"SKU-A,SKU-B"}', '676ef27e33f643c763a78451fa43ccfd'],
    ['b', '{}', '3f15b333198a7d78a4e26e2e022202e2'],
    ['c', '{"so_ids":["订单001"]}', 'a53e5e70110337aec01f0d929d67e0e2'],
  ])('vector %s', (_name, biz, sign) => {
    expect(signOpen({ ...common, biz }, secret)).toBe(sign);
  });

  it('vector d: getInitToken', () => {
    expect(signOpen({ app_key: common.app_key, charset: 'utf-8', code: 'Ab12Cd', grant_type: 'authorization_code', timestamp: '1700000000' }, secret)).toBe(
      'c9b44055b15fcb75f7b4b505c353bfa7',
    );
  });

  it('vector e: refreshToken', () => {
    expect(
      signOpen(
        {
          app_key: common.app_key,
          charset: 'utf-8',
          grant_type: 'refresh_token',
          refresh_token: 'fedcba9876543210fedcba9876543210',
          scope: 'all',
          timestamp: '1700000000',
        },
        secret,
      ),
    ).toBe('158bacd642be377bebe2b54660dcff10');
  });

  it('ignores an existing sign field and refuses empty values', () => {
    expect(signOpen({ ...common, biz: '{}', sign: 'x' }, secret)).toBe('3f15b333198a7d78a4e26e2e022202e2');
    expect(() => signOpen({ ...common, biz: '' }, secret)).toThrow(/biz is empty/);
  });
});
