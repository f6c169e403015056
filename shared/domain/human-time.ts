/**
 * Times shown to people (docs/design.md §17): ISO-8601 in the shop's offset (Beijing, +08:00, no DST)
 * with the age relative to "now", e.g. `2026-12-06T20:14:03+08:00 (4 min ago)`. Pure arithmetic on
 * epoch values, so the machine's TZ never matters. Machine fields (summaries, cursors, items, metrics)
 * keep their own shapes; only the lines a person reads go through here.
 */
const OFFSET_MS = 8 * 3600 * 1000;

/** Epoch ms between these bounds (1973 … 2286) are taken for times when a position is shown. */
const EPOCH_MS_MIN = 1e11;
const EPOCH_MS_MAX = 1e13;
const ISO_WITH_ZONE = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}(:\d{2}(\.\d+)?)?(Z|[+-]\d{2}:\d{2})$/;

const pad = (n: number) => String(n).padStart(2, '0');

/** A duration in ms for people: `42 s`, `4 min`, `3.5 h`, `2.0 d` (negative durations count as their size). */
export function durationText(ms: number): string {
  const s = Math.round(Math.abs(ms) / 1000);
  if (s < 120) return `${s} s`;
  if (s < 7200) return `${Math.round(s / 60)} min`;
  if (s < 172800) return `${(s / 3600).toFixed(1)} h`;
  return `${(s / 86400).toFixed(1)} d`;
}

/** Epoch ms, or an ISO-8601 string with a zone, → epoch ms; undefined when it is neither. */
export function toEpochMs(at: number | string | Date): number | undefined {
  if (at instanceof Date) return Number.isFinite(at.getTime()) ? at.getTime() : undefined;
  if (typeof at === 'number') return Number.isFinite(at) ? at : undefined;
  if (typeof at !== 'string' || !ISO_WITH_ZONE.test(at.trim())) return undefined;
  const ms = Date.parse(at.trim());
  return Number.isNaN(ms) ? undefined : ms;
}

/** Epoch ms → `yyyy-MM-ddTHH:mm:ss+08:00` (sub-second part dropped). */
export function isoBeijing(epochMs: number): string {
  const d = new Date(Math.floor(epochMs / 1000) * 1000 + OFFSET_MS);
  return `${d.getUTCFullYear()}-${pad(d.getUTCMonth() + 1)}-${pad(d.getUTCDate())}T${pad(d.getUTCHours())}:${pad(d.getUTCMinutes())}:${pad(d.getUTCSeconds())}+08:00`;
}

/** How far `epochMs` is from `now`: `4 min ago`, `in 30 s`, `now` (within half a second). */
export function ageText(epochMs: number, now: number): string {
  const diff = now - epochMs;
  if (Math.abs(diff) < 500) return 'now';
  return diff > 0 ? `${durationText(diff)} ago` : `in ${durationText(diff)}`;
}

/**
 * A time for people: `2026-12-06T20:14:03+08:00 (4 min ago)`. Input that is not a time (NaN, a
 * string without a zone, …) is shown as `not a time: <value>` rather than as a made-up date.
 */
export function humanTime(at: number | string | Date, now: number): string {
  const ms = toEpochMs(at);
  if (ms === undefined) return `not a time: ${at instanceof Date ? 'Invalid Date' : JSON.stringify(at)}`;
  return `${isoBeijing(ms)} (${ageText(ms, now)})`;
}

const looksLikeEpochMs = (v: unknown): v is number => typeof v === 'number' && Number.isInteger(v) && v > EPOCH_MS_MIN && v < EPOCH_MS_MAX;

/**
 * A cursor position for people: a time position (epoch ms) as {@link humanTime}; a JSON position
 * (`{"afterSku":"A-1","since":1796552676250}`) as JSON with the times inside it formatted; `null`
 * or absent as `none`.
 */
export function humanPosition(position: unknown, now: number): string {
  if (position === null || position === undefined) return 'none';
  if (looksLikeEpochMs(position)) return humanTime(position, now);
  return JSON.stringify(position, (_key, value: unknown) =>
    looksLikeEpochMs(value) || (typeof value === 'string' && ISO_WITH_ZONE.test(value)) ? humanTime(value as number | string, now) : value,
  );
}
