/**
 * The pure arithmetic of the shared ERP budget (docs/design.md §7; limits docs/erp-api.md §2.7). The state
 * (one item in the state table, see erp-budget-store.ts) is a short timeline of *slices*: a slice lets
 * one job start up to `n` calls inside `[start, end]`, evenly spaced, and no other slice overlaps it.
 *
 * Why slices on a timeline, not counters per minute bucket: the ERP counts in *sliding* windows (the
 * sandbox does the same). Fixed buckets let 100 calls end one minute bucket and 100 more open the next,
 * 200 in one sliding minute → code 200. A timeline answers the sliding question exactly:
 *
 * - per second: slices never overlap; inside one, calls start ≥ spacing = 1000/perSecond + 1 ms apart
 *   and no later than its end, and the container's own RateLimiter (release after the reply) keeps any
 *   perSecond of them a second apart at the server. The next slice starts `spacing + jitter + 2·skew`
 *   after the previous one's end, so call m and call m + perSecond of the whole account, when they
 *   belong to different slices, start ≥ 1000 ms + jitter + 2·skew apart whatever the containers'
 *   clocks (|skew| ≤ skewMs each): no server second ever holds perSecond + 1 calls.
 * - per minute: call i of a slice starts within [s + i·spacing, s + (i + 1)·spacing]. New call i of
 *   a slice being planned counts the calls whose latest start lies within W = 60 s + 2·skew + jitter
 *   before its earliest start, plus the i new calls before it; that stays below the cap. Two calls
 *   further apart than W never share a server minute, so no server minute exceeds the limit.
 *
 * Who decides: a claim is one write of the whole item conditional on the version planned from
 * (erp-budget-store.ts); of two containers planning at once, DynamoDB lets one through and the other
 * reads again. Local clocks only place slices; a slice starts at most `horizonMs` ahead of its
 * claimer's clock (nobody books a future it may not reach).
 *
 * Priorities: the cap of a job is the limit minus a floor kept free for every other *active* job below
 * its floor (no job is starved; floors grow with priority: 10/15/20 % by default) minus, once the job
 * is past its own floor, `headroom` per active job of higher priority (orders first, then shipping,
 * then inventory). Past its floor, a job behind an active higher-priority one also books the timeline
 * only when it is free now, so it never takes the next turn from it. A job alone gets everything.
 * A job is active while it has calls less than `activeMs` older than the minute window, or a fresh
 * marker (`activeMs`; every claim sets it, and a waiting job with no calls there writes it, so the
 * others leave it its floor). A waiting job with calls in the window needs no write to stay visible,
 * however long it waits behind higher-priority jobs. A job whose run ended *releases* (withRelease):
 * the unused rest of its slice leaves the timeline and it stops counting as active at once, so the
 * others get their whole cap immediately (the calls it made still count in the minute: the ERP saw
 * them). A dead job loses what it held; the others yield to it (headroom, floor) until it stops
 * counting as active, at most a minute and activeMs after its last call.
 *
 * Rate-limit codes from another application on the account (docs/erp-api.md §2.7) shrink both limits
 * by `factor` until `penalty.until`, for every job reading the item.
 *
 * All times are epoch ms of the clock of whoever wrote them. Skew beyond skewMs between containers is
 * not double-spending-safe in general; a container whose clock is ahead makes others wait (its slices
 * look future), one that is behind cannot claim while others are busy (theirs look future to it). The
 * 199/200 feedback is the backstop. Lambda clocks are NTP-disciplined far inside the 100 ms default.
 *
 * (Over 200 lines: this header is the argument the budget rests on; the code is ~150 lines.)
 */
export interface BudgetSlice {
  /** Job name. */
  j: string;
  /** First and last moment a call of this slice may start (epoch ms, the claimer's clock). */
  s: number;
  e: number;
  /** Calls granted. */
  n: number;
}

export interface BudgetPenalty {
  /** Multiplier on both limits (0.1..1) and until when it applies. */
  factor: number;
  until: number;
  /** When it was last tightened (one halving per second at most). */
  at: number;
}

export interface BudgetState {
  version: number;
  slices: BudgetSlice[];
  /** Job → last time it claimed or waited. */
  active: Record<string, number>;
  /** Job → when its run ended and gave back what it held (`withRelease`); absent in items written before. */
  released?: Record<string, number>;
  penalty?: BudgetPenalty;
}

export interface BudgetConfig {
  perSecond: number;
  perMinute: number;
  /** Job names, highest priority first; unknown jobs rank after them. */
  priorities: readonly string[];
  /** Largest slice (calls per state-table write). */
  maxSlice: number;
  /** Clock difference tolerated between any container and true time. */
  skewMs: number;
  /** Variation of the time from sending a call to the ERP counting it. */
  jitterMs: number;
  /** Share of the minute limit kept free per active job of higher priority. */
  headroomShare: number;
  /** Share of the minute limit every active job can always get. */
  floorShare: number;
  /** A job is active for this long after its last claim or wait. */
  activeMs: number;
  /** Slices start at most this far ahead of the claimer's now. */
  horizonMs: number;
  /** How long a rate-limit penalty lasts. */
  penaltyMs: number;
}

export const EMPTY_BUDGET: BudgetState = { version: 0, slices: [], active: {} };
const MINUTE_MS = 60_000;
const MIN_FACTOR = 0.1;

export interface EffectiveLimits {
  perSecond: number;
  perMinute: number;
  /** Minimum gap between two call starts of the account. */
  spacingMs: number;
  /** Two calls whose starts are this far apart never share a server minute. */
  minuteWindowMs: number;
}

export function effectiveLimits(state: BudgetState, config: BudgetConfig, now: number): EffectiveLimits {
  const factor = state.penalty && state.penalty.until > now ? state.penalty.factor : 1;
  const perSecond = Math.max(1, Math.floor(config.perSecond * factor));
  const perMinute = Math.max(1, Math.floor(config.perMinute * factor));
  return { perSecond, perMinute, spacingMs: Math.ceil(1000 / perSecond) + 1, minuteWindowMs: MINUTE_MS + 2 * config.skewMs + config.jitterMs };
}

/** `floor`: at `until` the job is below its floor, so the others leave that room to it. */
export type SlicePlan = { kind: 'claim'; slice: BudgetSlice; spacingMs: number } | { kind: 'wait'; until: number; floor?: boolean };

/**
 * Where the next slice of `job` (wanting `want` calls) can go, given the state as last read: a slice
 * starting within the horizon, or the time to look again (then, assuming nobody else claims, a whole
 * slice fits). The slice starts at the first moment its calls fit one by one — new call i, starting
 * no earlier than start + i·spacing, counts the calls whose latest start is less than a widened minute
 * before it — so a job alone refills the minute as fast as its oldest calls leave it.
 */
export function planSlice(state: BudgetState, config: BudgetConfig, job: string, want: number, now: number): SlicePlan {
  const limits = effectiveLimits(state, config, now);
  const gap = limits.spacingMs + config.jitterMs + 2 * config.skewMs;
  const lastEnd = state.slices.reduce((m, s) => Math.max(m, s.e), Number.NEGATIVE_INFINITY);
  const calls = latestStarts(state.slices);
  // Past its floor, a job behind an active higher-priority one books the timeline only when it is free
  // within half a gap, so it never takes the next turn from a higher-priority job still spending its
  // slice (which claims its next slice as soon as that one runs out).
  const ownNow = calls.filter((c) => c.j === job && c.at > now - limits.minuteWindowMs).length;
  const behind = activeJobs(state, config, limits, now).some((j) => rankOf(config, j) < rankOf(config, job));
  const horizonMs = behind && ownNow >= floorOf(config, limits, job) ? Math.min(config.horizonMs, gap / 2) : config.horizonMs;
  const most = Math.max(1, Math.min(want, config.maxSlice));
  const fit = (start: number): number => {
    let n = 0;
    while (n < most) {
      const t = start + n * limits.spacingMs;
      const inWindow = calls.filter((c) => c.at > t - limits.minuteWindowMs);
      const mine = Array.from({ length: n }, () => ({ j: job }));
      if (inWindow.length + n + 1 > capFor(state, config, limits, job, [...inWindow, ...mine], now)) break;
      n++;
    }
    return n;
  };
  // Candidate starts: the earliest allowed, then each moment a counted call leaves the window.
  const earliest = Math.max(now, lastEnd + gap);
  const candidates = [earliest, ...calls.map((c) => c.at + limits.minuteWindowMs + 1).filter((t) => t > earliest)];
  let best: { start: number; n: number } | undefined;
  for (const start of candidates) {
    if (best && start > now + horizonMs) break;
    const n = fit(start);
    if (n >= 1 && !best) best = { start, n };
    if (n >= most) {
      best = { start, n };
      break;
    }
  }
  if (!best) return { kind: 'wait', until: now + config.activeMs / 3 };
  // A whole slice later rather than a part now, unless the part is all the horizon offers.
  if (best.start > now + horizonMs) {
    const own = calls.filter((c) => c.j === job && c.at > best.start - limits.minuteWindowMs).length;
    return { kind: 'wait', until: best.start - horizonMs, floor: own < floorOf(config, limits, job) };
  }
  const slice = { j: job, s: best.start, e: best.start + best.n * limits.spacingMs, n: best.n };
  return { kind: 'claim', slice, spacingMs: limits.spacingMs };
}

/**
 * Every granted call with the latest moment it may start: call i of a slice starts within
 * [s + i·spacing, s + (i + 1)·spacing] (SharedErpBudget skips a slot it is late for), sorted.
 */
export function latestStarts(slices: readonly BudgetSlice[]): Array<{ j: string; at: number }> {
  const calls = slices.flatMap((s) => Array.from({ length: s.n }, (_, i) => ({ j: s.j, at: s.s + ((i + 1) * (s.e - s.s)) / s.n })));
  return calls.sort((a, b) => a.at - b.at);
}

function capFor(state: BudgetState, config: BudgetConfig, limits: EffectiveLimits, job: string, inWindow: ReadonlyArray<{ j: string }>, now: number): number {
  const headroom = Math.ceil(limits.perMinute * config.headroomShare);
  const own = (j: string) => inWindow.filter((c) => c.j === j).length;
  const others = activeJobs(state, config, limits, now).filter((j) => j !== job);
  const floors = others.reduce((sum, j) => sum + Math.max(0, floorOf(config, limits, j) - own(j)), 0);
  const higher = others.filter((j) => rankOf(config, j) < rankOf(config, job)).length;
  return limits.perMinute - floors - (own(job) >= floorOf(config, limits, job) ? higher * headroom : 0);
}

/**
 * The share of the minute a job can always get while active: floorShare for the lowest priority,
 * half as much again per rank above it (10 %, 15 %, 20 % by default), so that behind a busy
 * higher-priority job the order of the others still holds.
 */
export function floorOf(config: BudgetConfig, limits: EffectiveLimits, job: string): number {
  const steps = Math.max(0, config.priorities.length - 1 - rankOf(config, job));
  return Math.ceil(limits.perMinute * config.floorShare * (1 + steps / 2));
}

/** 0 for the first job of `priorities`; unknown jobs rank after all listed ones. */
export function rankOf(config: BudgetConfig, job: string): number {
  const i = config.priorities.indexOf(job);
  return i < 0 ? config.priorities.length : i;
}

/** Jobs with calls in the minute window widened by activeMs, or a fresh marker — unless released since their last claim. */
export function activeJobs(state: BudgetState, config: BudgetConfig, limits: EffectiveLimits, now: number): string[] {
  const jobs = new Set(
    latestStarts(state.slices)
      .filter((c) => c.at > now - limits.minuteWindowMs - config.activeMs)
      .map((c) => c.j),
  );
  for (const [j, at] of Object.entries(state.active)) if (at > now - config.activeMs) jobs.add(j);
  return [...jobs].filter((j) => !isReleased(state, j));
}

/** The job's run ended (released) after its last claim or marker: it holds nothing and is not active. */
export function isReleased(state: BudgetState, job: string): boolean {
  const releasedAt = state.released?.[job];
  return releasedAt !== undefined && releasedAt >= (state.active[job] ?? Number.NEGATIVE_INFINITY);
}

/** Whether a waiting job should write its marker: no calls keep it visible and its marker is getting old. */
export function needsMarker(state: BudgetState, config: BudgetConfig, job: string, now: number): boolean {
  if ((state.active[job] ?? 0) > now - config.activeMs / 2) return false;
  const limits = effectiveLimits(state, config, now);
  return !latestStarts(state.slices).some((c) => c.j === job && c.at > now - limits.minuteWindowMs - config.activeMs / 2);
}

/** The state after adding a slice (or only marking the job active), pruned of slices no window needs. */
export function withClaim(state: BudgetState, config: BudgetConfig, job: string, slice: BudgetSlice | undefined, now: number): BudgetState {
  const keepAfter = now - effectiveLimits(state, config, now).minuteWindowMs - 5 * config.skewMs - 1000;
  const slices = state.slices.filter((s) => s.e > keepAfter);
  const last = state.slices.reduce<BudgetSlice | undefined>((m, s) => (!m || s.e > m.e ? s : m), undefined);
  if (last && !slices.includes(last)) slices.push(last);
  if (slice) slices.push(slice);
  const active = Object.fromEntries(Object.entries(state.active).filter(([, at]) => at > now - 10 * config.activeMs));
  active[job] = now;
  const released = keptReleases(state, config, now, job);
  return {
    version: state.version + 1,
    slices,
    active,
    ...(released ? { released } : {}),
    ...(state.penalty && state.penalty.until > now ? { penalty: state.penalty } : {}),
  };
}

/**
 * The state after `job`'s run ended (docs/design.md §7): the slice it holds (`held`, its start) is cut
 * to the slots it went through — `slotsUsed` calls, counted at their latest possible starts, so the
 * minute arithmetic of the calls made is unchanged — or removed when none was used, and the job is
 * marked released, so it no longer counts as active (no headroom or floor is kept for it).
 */
export function withRelease(
  state: BudgetState,
  config: BudgetConfig,
  job: string,
  held: { s: number; slotsUsed: number; spacingMs: number } | undefined,
  now: number,
): BudgetState {
  const slices = state.slices.flatMap((slice) => {
    if (!held || slice.j !== job || slice.s !== held.s) return [slice];
    if (held.slotsUsed <= 0) return [];
    const n = Math.min(slice.n, held.slotsUsed);
    return [{ ...slice, n, e: Math.min(slice.e, slice.s + n * held.spacingMs) }];
  });
  const released = { ...(keptReleases(state, config, now, job) ?? {}), [job]: now };
  return { ...state, version: state.version + 1, slices, released };
}

/** Release marks still needed (the job may still have calls in the widened minute), without `except`'s. */
function keptReleases(state: BudgetState, config: BudgetConfig, now: number, except: string): Record<string, number> | undefined {
  const keepAfter = now - effectiveLimits(state, config, now).minuteWindowMs - 10 * config.activeMs;
  const kept = Object.entries(state.released ?? {}).filter(([j, at]) => j !== except && at > keepAfter);
  return kept.length > 0 ? Object.fromEntries(kept) : undefined;
}

/** The state after a rate-limit code seen at `now`: limits halved (not below 10 %) for penaltyMs. */
export function withPenalty(state: BudgetState, config: BudgetConfig, now: number): BudgetState {
  const current = state.penalty && state.penalty.until > now ? state.penalty : undefined;
  if (current && current.at > now - 1000) return { ...state, penalty: { ...current, until: now + config.penaltyMs } };
  const factor = Math.max(MIN_FACTOR, (current?.factor ?? 1) / 2);
  return { ...state, penalty: { factor, until: now + config.penaltyMs, at: now } };
}
