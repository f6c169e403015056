import { FecjstError } from '../errors';

/**
 * Money as integer cents, so that sums and splits never drift the way binary floats do. The store
 * keeps DECIMAL(12,2) (mysql2 returns them as strings, e.g. "9.99"); the ERP takes at most two decimals.
 */
export class MoneyFormatError extends FecjstError {
  constructor(value: unknown, field: string) {
    super('MONEY_FORMAT', `${field} is not a decimal amount with at most 2 decimals`, { field, value: String(value) });
  }
}

const DECIMAL = /^(-)?(\d+)(?:\.(\d{1,4}))?$/;

/** "12.34" | "12.3" | "12" | 12.34 → 1234. More than 2 decimals are rounded half away from zero. */
export function toCents(value: string | number | null | undefined, field = 'amount'): number {
  if (value === null || value === undefined || value === '') return 0;
  const text = typeof value === 'number' ? value.toFixed(4) : value.trim();
  const match = DECIMAL.exec(text);
  if (!match) throw new MoneyFormatError(value, field);
  const [, sign, whole, fraction = ''] = match;
  const padded = (fraction + '0000').slice(0, 4);
  const tenThousandths = Number(whole) * 10000 + Number(padded);
  const cents = Math.floor(tenThousandths / 100) + (tenThousandths % 100 >= 50 ? 1 : 0);
  return sign ? -cents : cents;
}

/** 1234 → "12.34"; -5 → "-0.05". */
export function centsToString(cents: number): string {
  if (!Number.isSafeInteger(cents)) throw new RangeError(`not a whole number of cents: ${cents}`);
  const sign = cents < 0 ? '-' : '';
  const abs = Math.abs(cents);
  return `${sign}${Math.floor(abs / 100)}.${String(abs % 100).padStart(2, '0')}`;
}

/**
 * Splits `totalCents` over parts in proportion to `weights` (largest remainder method): the parts are
 * whole cents and always add up to exactly `totalCents`. Zero total weight splits evenly.
 */
export function allocateCents(totalCents: number, weights: number[]): number[] {
  if (weights.length === 0) return [];
  const sum = weights.reduce((a, b) => a + b, 0);
  const effective = sum > 0 ? weights : weights.map(() => 1);
  const effectiveSum = sum > 0 ? sum : weights.length;
  const sign = totalCents < 0 ? -1 : 1;
  const abs = Math.abs(totalCents);
  const exact = effective.map((w) => (abs * w) / effectiveSum);
  const floors = exact.map(Math.floor);
  let remainder = abs - floors.reduce((a, b) => a + b, 0);
  const order = exact.map((x, i) => ({ i, frac: x - Math.floor(x) })).sort((a, b) => b.frac - a.frac || a.i - b.i);
  for (const { i } of order) {
    if (remainder <= 0) break;
    floors[i]! += 1;
    remainder -= 1;
  }
  return floors.map((c) => c * sign);
}
