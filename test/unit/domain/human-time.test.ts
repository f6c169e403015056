import { ageText, durationText, humanPosition, humanTime, isoBeijing } from '../../../shared/domain/human-time';

const NOW = Date.UTC(2026, 11, 6, 12, 18, 3); // 2026-12-06T20:18:03+08:00

describe('times shown to people', () => {
  it('prints an instant as ISO-8601 in Beijing time, always +08:00, with its age', () => {
    expect(humanTime(NOW - 4 * 60_000, NOW)).toBe('2026-12-06T20:14:03+08:00 (4 min ago)');
    expect(humanTime('2026-12-06T12:14:03.000Z', NOW)).toBe('2026-12-06T20:14:03+08:00 (4 min ago)');
    expect(humanTime('2026-12-06T20:14:03+08:00', NOW)).toBe('2026-12-06T20:14:03+08:00 (4 min ago)');
    expect(humanTime(new Date(NOW), NOW)).toBe('2026-12-06T20:18:03+08:00 (now)');
  });

  it('has no daylight saving: the offset is +08:00 in every month and across the day and year boundary', () => {
    for (let month = 0; month < 12; month++)
      expect(isoBeijing(Date.UTC(2026, month, 15, 3, 0, 0))).toBe(`2026-${String(month + 1).padStart(2, '0')}-15T11:00:00+08:00`);
    expect(isoBeijing(Date.UTC(2026, 11, 31, 16, 0, 0, 999))).toBe('2027-01-01T00:00:00+08:00');
    expect(isoBeijing(Date.UTC(2026, 2, 29, 1, 30))).toBe('2026-03-29T09:30:00+08:00'); // the EU's DST switch day
  });

  it('gives ages in s, min, h and d', () => {
    expect(ageText(NOW - 42_000, NOW)).toBe('42 s ago');
    expect(ageText(NOW - 119_000, NOW)).toBe('119 s ago');
    expect(ageText(NOW - 4 * 60_000, NOW)).toBe('4 min ago');
    expect(ageText(NOW - 3.5 * 3600_000, NOW)).toBe('3.5 h ago');
    expect(ageText(NOW - 9 * 86400_000, NOW)).toBe('9.0 d ago');
    expect(durationText(-90_000)).toBe('90 s');
  });

  it('says "in …" for future times, such as a lease expiry or the next retry', () => {
    expect(humanTime(NOW + 30_000, NOW)).toBe('2026-12-06T20:18:33+08:00 (in 30 s)');
    expect(ageText(NOW + 2 * 86400_000, NOW)).toBe('in 2.0 d');
  });

  it('shows invalid input as not a time instead of a made-up date', () => {
    expect(humanTime(Number.NaN, NOW)).toBe('not a time: null');
    expect(humanTime('2026-11-28 10:00:00', NOW)).toBe('not a time: "2026-11-28 10:00:00"');
    expect(humanTime('2026-13-45T99:00:00Z', NOW)).toBe('not a time: "2026-13-45T99:00:00Z"');
    expect(humanTime('yesterday', NOW)).toBe('not a time: "yesterday"');
    expect(humanTime(new Date('nope'), NOW)).toBe('not a time: Invalid Date');
  });

  it('shows a time cursor as a time, a JSON cursor as JSON with the times inside formatted, and no cursor as none', () => {
    expect(humanPosition(NOW - 60_000, NOW)).toBe('2026-12-06T20:17:03+08:00 (60 s ago)');
    expect(humanPosition({ afterSku: 'A-1', startedAtMs: NOW - 7200_000, page: 3 }, NOW)).toBe(
      '{"afterSku":"A-1","startedAtMs":"2026-12-06T18:18:03+08:00 (2.0 h ago)","page":3}',
    );
    expect(humanPosition({ since: '2026-12-06T12:18:03.000Z', orderId: 1100000007 }, NOW)).toBe(
      '{"since":"2026-12-06T20:18:03+08:00 (now)","orderId":1100000007}',
    );
    expect(humanPosition(null, NOW)).toBe('none');
    expect(humanPosition(undefined, NOW)).toBe('none');
    expect(humanPosition('A-1', NOW)).toBe('"A-1"');
  });
});
