import { formatBeijing, formatBeijingSeconds, parseBeijing } from '../../../shared/domain/beijing-time';

describe('Beijing time', () => {
  it('formats UTC instants as UTC+8, across the day boundary', () => {
    expect(formatBeijing(Date.UTC(2026, 10, 28, 15, 59, 59))).toBe('2026-11-28 23:59:59');
    expect(formatBeijing(Date.UTC(2026, 10, 28, 16, 0, 0))).toBe('2026-11-29 00:00:00');
    expect(formatBeijing(Date.UTC(2026, 11, 31, 16, 0, 0, 999))).toBe('2027-01-01 00:00:00');
    expect(formatBeijingSeconds(1_700_000_000)).toBe('2023-11-15 06:13:20');
  });

  it('parses back to the same instant', () => {
    const t = Date.UTC(2024, 1, 29, 16, 30, 5);
    expect(parseBeijing(formatBeijing(t))).toBe(t);
    expect(parseBeijing('2026-11-29 00:00:00')).toBe(Date.UTC(2026, 10, 28, 16));
  });

  it('rejects malformed and impossible dates', () => {
    for (const bad of ['2026-02-30 00:00:00', '2026-11-28T10:00:00', '2026-11-28 24:00:00', '', '2026-11-28 10:00']) expect(parseBeijing(bad)).toBeUndefined();
  });

  it('does not depend on the machine time zone', () => {
    const before = process.env.TZ;
    try {
      process.env.TZ = 'America/Los_Angeles';
      expect(formatBeijing(Date.UTC(2026, 10, 28, 16))).toBe('2026-11-29 00:00:00');
      expect(parseBeijing('2026-11-29 00:00:00')).toBe(Date.UTC(2026, 10, 28, 16));
    } finally {
      process.env.TZ = before;
    }
  });
});
