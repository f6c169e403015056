import { parseSkuTransform, skuMapConflicts, conflictText, SkuMapping, SkuMappingError, SkuTransform, type SkuPair } from '../../../shared/domain/sku-mapping';

/** SKU mapping resolution (docs/design.md §19): table, then a round-tripping transform, then identity; both directions agree. */
function transform(spec: string): SkuTransform {
  const parsed = parseSkuTransform(spec);
  if (!(parsed instanceof SkuTransform)) throw new Error(parsed.problem);
  return parsed;
}

describe('SKU_TRANSFORM', () => {
  it('applies its steps in order and inverts them in reverse order', () => {
    const t = transform('strip-prefix:SHOP-,upper');
    expect(t.forward('SHOP-ab-1')).toBe('AB-1');
    expect(t.inverse('AB-1')).toBe('SHOP-ab-1');
    expect(t.forward('ab-1')).toBeUndefined();
    expect(transform('add-prefix:JST,add-suffix:-CN').forward('123')).toBe('JST123-CN');
    expect(transform('add-prefix:JST,add-suffix:-CN').inverse('JST123-CN')).toBe('123');
    expect(transform('add-prefix:JST').inverse('X123')).toBeUndefined();
    expect(transform('strip-suffix:-S').forward('A1-S')).toBe('A1');
    expect(transform('pad:6').forward('42')).toBe('000042');
    expect(transform('pad:6').inverse('000042')).toBe('42');
    expect(transform('strip-zeros:6').forward('000042')).toBe('42');
    expect(transform('lower').forward('AB')).toBe('ab');
  });

  it.each([
    ['strip-prefix', 'needs the text'],
    ['strip-prefix:A B', 'needs the text'],
    ['upper:1', 'takes no argument'],
    ['pad:x', 'needs a width'],
    ['pad:0', 'needs a width'],
    ['rot13', 'unknown step'],
  ])('refuses %s, saying why and what the steps are', (spec, why) => {
    const parsed = parseSkuTransform(spec);
    expect(parsed).not.toBeInstanceOf(SkuTransform);
    expect((parsed as { problem: string }).problem).toContain(why);
    expect((parsed as { problem: string }).problem).toContain('strip-prefix:P');
  });
});

describe('SkuMapping', () => {
  const table: SkuPair[] = [
    { storeSku: 'SHOP-kit-9', erpSku: 'KIT9-NEW' },
    { storeSku: 'legacy-1', erpSku: 'L-0001' },
  ];
  const m = new SkuMapping(table, transform('strip-prefix:SHOP-,upper'));

  it('resolves through the table first, then the transform, then identity', () => {
    expect(m.resolve('SHOP-kit-9')).toEqual({ rule: 'table', erpSku: 'KIT9-NEW' });
    expect(m.resolve('legacy-1')).toEqual({ rule: 'table', erpSku: 'L-0001' });
    expect(m.resolve('SHOP-ab-1')).toEqual({ rule: 'transform', erpSku: 'AB-1' });
    // Mixed case does not round-trip through upper/lower: identity, if nothing else claims the code.
    expect(m.resolve('SHOP-Ab-1')).toEqual({ rule: 'identity', erpSku: 'SHOP-Ab-1' });
    expect(m.toStore('KIT9-NEW')).toBe('SHOP-kit-9');
    expect(m.toStore('AB-1')).toBe('SHOP-ab-1');
    expect(m.toStore('L-0001')).toBe('legacy-1');
  });

  it('leaves a SKU unmapped rather than let two SKUs claim one code', () => {
    // The transform of SHOP-kit9-new would be KIT9-NEW, which the table gives SHOP-kit-9.
    expect(m.resolve('SHOP-kit9-new')).toMatchObject({ rule: 'unmapped', reason: expect.stringContaining('SHOP-kit-9') });
    // A store SKU without the prefix: the ERP's AB-1 is the store's SHOP-ab-1, so AB-1 has no ERP code of its own.
    expect(m.resolve('AB-1')).toMatchObject({ rule: 'unmapped' });
    // The table took SHOP-kit-9; the ERP's KIT-9 (its transform) belongs to no store SKU.
    expect(m.toStore('KIT-9')).toBeUndefined();
    expect(m.toErp('SHOP-kit9-new')).toBeUndefined();
  });

  it('agrees in both directions for every SKU that resolves (random codes)', () => {
    const alphabet = ['SHOP-', 'a', 'B', '1', '0', '-', 'kit', 'K', 'L-0001', 'KIT9-NEW'];
    let seed = 7;
    const random = () => ((seed = (seed * 1103515245 + 12345) % 2 ** 31), seed / 2 ** 31);
    const mappings = [m, new SkuMapping(table, transform('add-prefix:X,lower')), new SkuMapping(table), new SkuMapping([], transform('pad:4'))];
    for (let i = 0; i < 3000; i++) {
      const code = Array.from({ length: 1 + Math.floor(random() * 4) }, () => alphabet[Math.floor(random() * alphabet.length)]).join('');
      for (const mapping of mappings) {
        const erp = mapping.toErp(code);
        if (erp !== undefined) expect(mapping.toStore(erp)).toBe(code);
        const store = mapping.toStore(code);
        if (store !== undefined) expect(mapping.toErp(store)).toBe(code);
      }
    }
  });

  it('is identity with no table and no transform', () => {
    const identity = new SkuMapping([]);
    expect(identity.isIdentity).toBe(true);
    expect(identity.toErp('Any-1')).toBe('Any-1');
    expect(identity.toStore('Any-1')).toBe('Any-1');
  });

  it('refuses a table that is not one-to-one', () => {
    expect(() => new SkuMapping([...table, { storeSku: 'other', erpSku: 'L-0001' }])).toThrow(SkuMappingError);
    expect(() => new SkuMapping([{ storeSku: ' padded', erpSku: 'X' }])).toThrow(/white space/);
  });
});

describe('skuMapConflicts', () => {
  it('names both rows and their lines, on either side; an exact duplicate is no conflict', () => {
    const conflicts = skuMapConflicts([
      { storeSku: 'SHOP-A1', erpSku: 'A1', line: 2 },
      { storeSku: 'SHOP-B1', erpSku: 'A1', line: 3 },
      { storeSku: 'SHOP-A1', erpSku: 'A2', line: 4 },
      { storeSku: 'SHOP-C1', erpSku: 'C1', line: 5 },
      { storeSku: 'SHOP-C1', erpSku: 'C1', line: 6 },
    ]);
    expect(conflicts.map(conflictText)).toEqual([
      'line 2 (SHOP-A1 → A1) and line 3 (SHOP-B1 → A1) both claim ERP SKU A1',
      'line 2 (SHOP-A1 → A1) and line 4 (SHOP-A1 → A2) both claim store SKU SHOP-A1',
    ]);
  });
});
