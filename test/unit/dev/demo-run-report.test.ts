import { runReportLines, tokenRecordLine } from '../../../dev/demo/run-report';
import type { RunSummary } from '../../../shared/runtime/run-summary';

const NOW = Date.UTC(2026, 11, 6, 12, 18, 3);

const summary = (over: Partial<RunSummary>): RunSummary =>
  ({
    job: 'syncShipping',
    mode: 'incremental',
    dryRun: false,
    complete: true,
    durationMs: 812,
    counts: { shipped: 12, unchanged: 0 },
    failures: [],
    window: { from: '2026-12-06T12:08:03.000Z', to: '2026-12-06T12:18:03.000Z' },
    cursor: { before: NOW - 600_000, after: NOW },
    ...over,
  }) as RunSummary;

describe('the demo report of a run', () => {
  it('prints the window and the cursor move as ISO +08:00 with ages, not epoch ms', () => {
    const lines = runReportLines(summary({}), NOW);
    expect(lines).toEqual([
      'syncShipping · incremental · complete · 812 ms',
      'counts: shipped=12',
      'window: 2026-12-06T20:08:03+08:00 (10 min ago) → 2026-12-06T20:18:03+08:00 (now)',
      'cursor: 2026-12-06T20:08:03+08:00 (10 min ago) → 2026-12-06T20:18:03+08:00 (now)',
    ]);
    expect(lines.join('\n')).not.toMatch(/\d{13}/);
  });

  it('prints a JSON cursor as JSON with its times formatted, and a first run as from none', () => {
    const lines = runReportLines(
      summary({ job: 'syncInventory', mode: 'full', cursor: { before: null, after: { afterSku: 'SKU-9', startedAtMs: NOW - 60_000 } } }),
      NOW,
    );
    expect(lines).toContain('cursor: none → {"afterSku":"SKU-9","startedAtMs":"2026-12-06T20:17:03+08:00 (60 s ago)"}');
  });

  it('prints when the renewed ERP token expires (open) or was refreshed (legacy)', () => {
    expect(tokenRecordLine('open', { expiresAt: NOW + 30 * 86400_000 }, NOW)).toBe('expiresAt 2027-01-05T20:18:03+08:00 (in 30.0 d)');
    expect(tokenRecordLine('legacy', { tokenRefreshedAt: NOW - 5_000 }, NOW)).toBe('tokenRefreshedAt 2026-12-06T20:17:58+08:00 (5 s ago)');
    expect(tokenRecordLine('legacy', {}, NOW)).toBe('tokenRefreshedAt not recorded');
  });
});
