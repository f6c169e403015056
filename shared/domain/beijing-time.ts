/**
 * The ERP speaks Beijing time (UTC+8, no DST) as `yyyy-MM-dd HH:mm:ss` without a zone suffix
 * (docs/erp-api.md §3). Conversions are pure arithmetic on epoch values, so the machine's TZ never matters.
 */
const OFFSET_MS = 8 * 3600 * 1000;
const PATTERN = /^(\d{4})-(\d{2})-(\d{2}) (\d{2}):(\d{2}):(\d{2})$/;

const pad = (n: number, width = 2) => String(n).padStart(width, '0');

/** Epoch milliseconds → `yyyy-MM-dd HH:mm:ss` in Beijing time (sub-second part dropped). */
export function formatBeijing(epochMs: number): string {
  const d = new Date(Math.floor(epochMs / 1000) * 1000 + OFFSET_MS);
  return `${d.getUTCFullYear()}-${pad(d.getUTCMonth() + 1)}-${pad(d.getUTCDate())} ${pad(d.getUTCHours())}:${pad(d.getUTCMinutes())}:${pad(d.getUTCSeconds())}`;
}

/** Unix seconds (the store's timestamps) → Beijing-time string. */
export function formatBeijingSeconds(unixSeconds: number): string {
  return formatBeijing(unixSeconds * 1000);
}

/** `yyyy-MM-dd HH:mm:ss` in Beijing time → epoch milliseconds; undefined when it is not such a string. */
export function parseBeijing(text: string): number | undefined {
  const m = PATTERN.exec(text.trim());
  if (!m) return undefined;
  const [year, month, day, hour, minute, second] = m.slice(1).map(Number) as [number, number, number, number, number, number];
  const utc = Date.UTC(year, month - 1, day, hour, minute, second);
  // Reject impossible dates such as 2026-02-30 instead of letting Date roll them over.
  const check = new Date(utc);
  if (check.getUTCMonth() !== month - 1 || check.getUTCDate() !== day || hour > 23 || minute > 59 || second > 59) return undefined;
  return utc - OFFSET_MS;
}
