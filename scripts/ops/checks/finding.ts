/**
 * One result of a setup check (`ops connect`, `ops doctor`): what was checked, what was found and what
 * the operator does about it. A blocker stops `connect` from writing and makes `doctor` exit 1; a warning
 * is worth a look; ok says the check passed. Never holds a secret, token, phone or address.
 */
export interface Finding {
  severity: 'blocker' | 'warning' | 'ok';
  check: string;
  message: string;
  /** What to do; empty for ok findings. */
  fix: string;
}

export const ok = (check: string, message: string): Finding => ({ severity: 'ok', check, message, fix: '' });
export const warning = (check: string, message: string, fix: string): Finding => ({ severity: 'warning', check, message, fix });
export const blocker = (check: string, message: string, fix: string): Finding => ({ severity: 'blocker', check, message, fix });

export function hasBlocker(findings: readonly Finding[]): boolean {
  return findings.some((f) => f.severity === 'blocker');
}

const MARK: Record<Finding['severity'], string> = { ok: '✔', warning: '!', blocker: '✖' };

/** One line per finding (`✖ erp.shop  shop 123 is not in …`), its fix indented on the next line. */
export function findingLines(findings: readonly Finding[]): string[] {
  const width = Math.max(0, ...findings.map((f) => f.check.length));
  const lines: string[] = [];
  for (const f of findings) {
    lines.push(`${MARK[f.severity]} ${f.check.padEnd(width)}  ${f.message}`);
    if (f.fix) lines.push(`  ${' '.repeat(width)}  → ${f.fix}`);
  }
  const count = (s: Finding['severity']) => findings.filter((f) => f.severity === s).length;
  lines.push(`${count('blocker')} blocker(s), ${count('warning')} warning(s), ${count('ok')} ok`);
  return lines;
}
