import { allocateCents, centsToString, toCents } from '../../../shared/jobs/money';

describe('money in integer cents', () => {
  it.each([
    ['9.99', 999],
    ['12', 1200],
    ['0.1', 10],
    ['-3.05', -305],
    ['1.005', 101],
    ['1.0049', 100],
    [0.3, 30],
    [null, 0],
    ['', 0],
  ])('reads %p as %p cents', (input, cents) => {
    expect(toCents(input as string)).toBe(cents);
  });

  it('rejects what is not a decimal, naming the field', () => {
    expect(() => toCents('12,50', 'grand_total')).toThrow(/grand_total is not a decimal/);
    expect(() => toCents('abc')).toThrow(expect.objectContaining({ code: 'MONEY_FORMAT' }));
  });

  it('prints cents with exactly two decimals', () => {
    expect([0, 5, 1234, -5, 100000].map(centsToString)).toEqual(['0.00', '0.05', '12.34', '-0.05', '1000.00']);
  });

  it('does not drift where floats do: 0.1 + 0.2', () => {
    expect(centsToString(toCents('0.1') + toCents('0.2'))).toBe('0.30');
  });

  it('splits a discount so the parts add up exactly and follow the weights', () => {
    const parts = allocateCents(1000, [3333, 3333, 3334]);
    expect(parts.reduce((a, b) => a + b, 0)).toBe(1000);
    expect(parts).toEqual([333, 333, 334]);
    expect(allocateCents(1, [1, 1, 1]).reduce((a, b) => a + b, 0)).toBe(1);
    expect(allocateCents(-7, [5, 5])).toEqual([-4, -3]);
    expect(allocateCents(10, [0, 0])).toEqual([5, 5]);
    expect(allocateCents(10, [])).toEqual([]);
  });
});
