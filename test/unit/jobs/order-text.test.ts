import { chineseStateName } from '../../../shared/jobs/orders/cn-states';
import { decodeHtmlEntities } from '../../../shared/jobs/orders/html-decode';
import { payloadHash, stableStringify } from '../../../shared/jobs/orders/payload-hash';

describe('Chinese state codes', () => {
  it('maps Fecmall codes to the names the ERP expects and passes unknown values through', () => {
    expect(chineseStateName('GD')).toBe('广东省');
    expect(chineseStateName('xg')).toBe('香港特别行政区');
    expect(chineseStateName('California')).toBe('California');
    expect(chineseStateName(null)).toBe('');
  });
});

describe('HTML entity decoding of buyer messages', () => {
  it('undoes Yii Html::encode and numeric references', () => {
    expect(decodeHtmlEntities('Tom &amp; Jerry &lt;b&gt; &quot;hi&quot; &#039;x&#039; &#x4e2d;&#25991;')).toBe(`Tom & Jerry <b> "hi" 'x' 中文`);
    expect(decodeHtmlEntities('&unknown; &#99999999;')).toBe('&unknown; &#99999999;');
  });
});

describe('payload hash', () => {
  it('ignores key order and undefined fields, and sees every real change', () => {
    const a = { so_id: 'A1', items: [{ sku_id: 'S', qty: 1 }], pay: { amount: '1.00' } };
    const b = { pay: { amount: '1.00' }, items: [{ qty: 1, sku_id: 'S' }], so_id: 'A1', remark: undefined };
    expect(stableStringify(a)).toBe(stableStringify(b));
    expect(payloadHash(a)).toBe(payloadHash(b));
    expect(payloadHash({ ...a, pay: { amount: '1.01' } })).not.toBe(payloadHash(a));
    expect(payloadHash(a)).toMatch(/^[0-9a-f]{64}$/);
  });
});
