import { humanPosition, humanTime } from '../../shared/domain/human-time';
import type { RunSummary } from '../../shared/runtime/run-summary';

/**
 * What `npm run demo` prints after each run: outcome, counts, failures, the window and the cursor
 * move, every time as ISO-8601 +08:00 with its age (docs/design.md §17). The summary itself is untouched.
 */
export function runReportLines(summary: RunSummary, now: number): string[] {
  const counts = Object.entries(summary.counts ?? {})
    .filter(([, v]) => v !== 0)
    .map(([k, v]) => `${k}=${v}`)
    .join(' ');
  const lines = [
    `${summary.job} · ${summary.mode}${summary.dryRun ? ' (dry run)' : ''} · ${summary.complete ? 'complete' : 'incomplete'} · ${summary.durationMs} ms`,
    `counts: ${counts || '(nothing to do)'}`,
  ];
  if (summary.failures?.length)
    lines.push(
      `failures (${summary.failures.length}): ${summary.failures
        .slice(0, 3)
        .map((f) => `${f.key}: ${f.reason}`)
        .join(' | ')}`,
    );
  if (summary.window?.from && summary.window.to) lines.push(`window: ${humanTime(summary.window.from, now)} → ${humanTime(summary.window.to, now)}`);
  if (summary.cursor?.after !== undefined) lines.push(`cursor: ${humanPosition(summary.cursor.before, now)} → ${humanPosition(summary.cursor.after, now)}`);
  return lines;
}

/** The token line: when the renewed token expires (open platform) or was refreshed (legacy), for people. */
export function tokenRecordLine(api: 'open' | 'legacy', stored: Record<string, unknown>, now: number): string {
  const [name, value] = api === 'open' ? ['expiresAt', stored.expiresAt] : ['tokenRefreshedAt', stored.tokenRefreshedAt];
  return `${name} ${typeof value === 'number' || typeof value === 'string' ? humanTime(value, now) : 'not recorded'}`;
}
