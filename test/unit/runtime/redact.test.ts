import { isSensitiveKey, maskSensitiveText, redact, redactingJsonReplacer } from '../../../shared/runtime/redact';

describe('log redaction', () => {
  it('masks secrets, tokens, signs, phones and addresses at any depth, and keeps the rest', () => {
    const out = redact({
      sku: 'A',
      secretId: 'fecjst/prod/jst',
      accessToken: 't',
      nested: {
        partnerKey: 'k',
        appSecret: 's',
        refresh_token: 'r',
        receiver_phone: '138',
        receiver_address: 'x',
        customer_telephone: 't',
        customer_address_street1: 's',
        sign: 'x',
        list: [{ password: 'p', qty: 1 }],
      },
    });
    expect(out).toEqual({
      sku: 'A',
      secretId: 'fecjst/prod/jst',
      accessToken: '***',
      nested: {
        partnerKey: '***',
        appSecret: '***',
        refresh_token: '***',
        receiver_phone: '***',
        receiver_address: '***',
        customer_telephone: '***',
        customer_address_street1: '***',
        sign: '***',
        list: [{ password: '***', qty: 1 }],
      },
    });
  });

  it.each([
    'token',
    'mobile',
    'phone',
    'address',
    'customer_email',
    'customer_firstname',
    'receiver_name',
    'Authorization',
    'x-api-sign'.replace('x-api-', ''),
  ])('treats %s as sensitive', (key) => {
    expect(isSensitiveKey(key)).toBe(true);
  });

  it.each(['sku', 'incrementId', 'secretId', 'oId', 'status', 'fence', 'tokensRefreshed'])('keeps %s', (key) => {
    expect(isSensitiveKey(key)).toBe(false);
  });

  it('masks phone numbers, URL secrets and JSON secret fields inside free text', () => {
    const text = maskSensitiveText(
      'ERP said 138-1234-5678 / +86 13912345678 invalid; url ?partnerid=p&sign=abc123&token=tok9 body {"accessToken":"tok-x","sku":"A"}',
    );
    expect(text).toBe('ERP said *** / *** invalid; url ?partnerid=p&sign=***&token=*** body {"accessToken":"***","sku":"A"}');
  });

  it('leaves ids, timestamps and ISO times alone', () => {
    const text = 'order 1100000123 at 1795898682086 window 2026-11-28T10:00:00+08:00 sku 4006-1234';
    expect(maskSensitiveText(text)).toBe(text);
  });

  it('redacts through JSON.stringify, including errors turned into objects', () => {
    const line = JSON.stringify(
      { message: 'call 13812345678', extra: { appSecret: 'S', ok: 1 }, error: { message: 'GET /x?access_token=T' } },
      redactingJsonReplacer,
    );
    expect(JSON.parse(line)).toEqual({ message: 'call ***', extra: { appSecret: '***', ok: 1 }, error: { message: 'GET /x?access_token=***' } });
  });
});
