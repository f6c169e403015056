import { heldBackUnits, SafetyStock, sellableUnits, stockRuleProblem, type StockRule } from '../../../shared/domain/safety-stock';

const units = (n: number) => ({ type: 'units', units: n }) as const;
const percent = (p: number) => ({ type: 'percent', percent: p }) as const;
const rule = (kind: StockRule['kind'], key: string, buffer: StockRule['buffer']): StockRule => ({ kind, key, buffer });

describe('safety stock: what the store offers of the formula figure', () => {
  it('an absolute buffer subtracts its units', () => {
    expect(sellableUnits(10, units(3))).toBe(7);
    expect(heldBackUnits(10, units(3))).toBe(3);
  });

  it('never offers a negative figure: a buffer larger than the stock offers 0 and holds back only what there is', () => {
    expect(sellableUnits(2, units(5))).toBe(0);
    expect(heldBackUnits(2, units(5))).toBe(2);
    expect(sellableUnits(0, percent(50))).toBe(0);
    expect(heldBackUnits(0, units(5))).toBe(0);
  });

  it('a percentage rounds the sellable figure down (never a fraction of a unit promised)', () => {
    expect(sellableUnits(7, percent(10))).toBe(6); // 6.3 → 6
    expect(heldBackUnits(7, percent(10))).toBe(1);
    expect(sellableUnits(100, percent(12.5))).toBe(87); // 87.5 → 87
    expect(sellableUnits(3, percent(33.33))).toBe(2); // 2.0001 → 2
    expect(sellableUnits(1, percent(1))).toBe(0); // 0.99 → 0
  });

  it('0 % and 0 units hold nothing back; 100 % holds everything', () => {
    expect(sellableUnits(9, percent(0))).toBe(9);
    expect(sellableUnits(9, units(0))).toBe(9);
    expect(sellableUnits(9, percent(100))).toBe(0);
    expect(sellableUnits(9, undefined)).toBe(9);
  });

  it('is exact at the largest value the store column holds', () => {
    expect(sellableUnits(2_147_483_647, percent(0.01))).toBe(2_147_268_898);
  });
});

describe('safety stock: which rule applies to a SKU', () => {
  const rules = new SafetyStock([
    rule('global', '', units(2)),
    rule('prefix', 'TS-', percent(10)),
    rule('prefix', 'TS-BIG-', units(20)),
    rule('sku', 'TS-BIG-1', units(1)),
  ]);

  it('an exact SKU rule beats every prefix and the global rule', () => {
    expect(rules.bufferFor('TS-BIG-1')).toEqual(units(1));
  });

  it('the longest matching prefix beats a shorter one and the global rule', () => {
    expect(rules.bufferFor('TS-BIG-2')).toEqual(units(20));
    expect(rules.bufferFor('TS-SMALL-1')).toEqual(percent(10));
  });

  it('the global rule applies where no SKU or prefix rule matches; prefixes compare case-sensitively', () => {
    expect(rules.bufferFor('OTHER')).toEqual(units(2));
    expect(rules.bufferFor('ts-big-2')).toEqual(units(2));
    expect(rules.bufferFor('TS')).toEqual(units(2));
  });

  it('without any rule no SKU is buffered', () => {
    expect(new SafetyStock([]).bufferFor('TS-1')).toBeUndefined();
  });

  it('describes itself for the run summary', () => {
    expect(rules.describe()).toEqual({ global: '2 units', prefixRules: 2, skuRules: 1 });
  });
});

describe('safety stock: validation', () => {
  it.each([
    [rule('sku', 'A', units(-1)), /units -1 is not a whole number/],
    [rule('sku', 'A', units(1.5)), /units 1.5 is not a whole number/],
    [rule('sku', 'A', percent(101)), /percent 101 is not between 0 and 100/],
    [rule('sku', 'A', percent(-0.5)), /percent -0.5 is not between 0 and 100/],
    [rule('sku', 'A', percent(12.345)), /more than two decimals/],
    [rule('prefix', '', units(1)), /a prefix rule needs a non-empty prefix/],
    [rule('sku', '', units(1)), /a sku rule needs a non-empty SKU/],
    [rule('sku', ' A', units(1)), /white space/],
    [rule('global', 'X', units(1)), /a global rule has no key/],
    [{ kind: 'brand', key: 'X', buffer: units(1) } as unknown as StockRule, /kind "brand" is not one of global, prefix, sku/],
  ])('refuses %j', (bad, problem) => {
    expect(stockRuleProblem(bad)).toMatch(problem);
    expect(() => new SafetyStock([bad])).toThrow(expect.objectContaining({ code: 'STOCK_RULE_INVALID' }) as Error);
  });

  it('accepts the edges: 0 and 100 %, 0 units, two decimals', () => {
    for (const ok of [percent(0), percent(100), units(0), percent(99.99)]) expect(stockRuleProblem(rule('global', '', ok))).toBeUndefined();
  });

  it('refuses the same key twice, naming it', () => {
    expect(() => new SafetyStock([rule('prefix', 'TS-', units(1)), rule('prefix', 'TS-', units(2))])).toThrow(/stock rule prefix TS- is given twice/);
    expect(() => new SafetyStock([rule('global', '', units(1)), rule('global', '', units(2))])).toThrow(
      expect.objectContaining({ code: 'STOCK_RULE_DUPLICATE' }) as Error,
    );
  });

  it('a SKU rule and a prefix rule with the same text are different rules', () => {
    const rules = new SafetyStock([rule('prefix', 'TS-1', units(5)), rule('sku', 'TS-1', units(1))]);
    expect(rules.bufferFor('TS-1')).toEqual(units(1));
    expect(rules.bufferFor('TS-10')).toEqual(units(5));
  });
});
