import { needsMarker, planSlice, rankOf, withClaim, withPenalty, withRelease, type BudgetConfig, type BudgetState } from './erp-budget-plan';
import type { ErpBudgetStore } from './erp-budget-store';
import { ErpBudgetContendedError, ErpBudgetDeadlineError } from './state-errors';

/**
 * One container's view of the account-wide ERP budget (docs/design.md §7, docs/erp-api.md §2.7): the rate
 * limiter asks `acquire()` before every ERP call; it resolves at the moment the call may start.
 *
 * The container claims a *slice* (several calls) at a time with one conditional write of the shared
 * item (erp-budget-store.ts; the arithmetic in erp-budget-plan.ts) and spends it locally, one call per
 * `spacing`. Cost: one write per slice when no other job claimed lately (its own last write is then
 * an up-to-date copy), else a read and a write, plus a read and a write per lost race; a wait ends
 * with a read. The slice
 * size adapts: it doubles (up to maxSlice) while the job uses whole slices, and shrinks to what was used
 * when calls came too slowly, so an idle job holds little.
 *
 * A container that dies holding a slice loses that slice only: the others start after its end and
 * count its calls in their minute. A rate-limit code (another application on the account) drops the
 * rest of the slice and writes a penalty with the next claim, which shrinks the account's rate for
 * every container (see withPenalty).
 *
 * Per run (docs/design.md §7): `beginRun` gives the run's soft deadline (and, for a reconcile, the name it
 * draws under); a call that would wait for the budget past that deadline rejects with
 * ErpBudgetDeadlineError (`ERP_BUDGET_DEADLINE`) instead. `release` when the run ends gives back the
 * unused rest of the slice and marks the job released, so the others get the whole budget at once.
 */
export interface ErpBudgetOptions {
  store: ErpBudgetStore;
  config: BudgetConfig;
  job: string;
  account?: string;
  now?: () => number;
  sleep?: (ms: number) => Promise<void>;
  /** Where the penalty warning goes (the runtime's logger; state/ does not import runtime/). */
  logger?: { warn(message: string, extra?: Record<string, unknown>): void };
  /** Calls in the first slice (default min(5, maxSlice)). */
  initialSlice?: number;
}

/** What a run tells the budget when it begins. */
export interface BudgetRun {
  /** The run's soft deadline: no call waits for the budget beyond it. */
  deadline?: { remainingMs(): number };
  /** The name the run's calls are claimed under (default: the container's job), e.g. `pushOrders#reconcile`. */
  job?: string;
}

export interface ErpBudgetStats {
  /** Slices claimed and calls they granted, used and let expire. */
  slices: number;
  granted: number;
  used: number;
  wasted: number;
  /** Times the budget was exhausted and the container waited; conditional writes lost to others. */
  waits: number;
  conflicts: number;
  /** Rate-limit codes reported by the transport. */
  rateLimited: number;
  /** DynamoDB requests sent (reads and writes). */
  stateRequests: number;
  /** Runs that gave back their slice and activity when they ended. */
  releases: number;
}

interface HeldSlice {
  s: number;
  e: number;
  n: number;
  /** Next slot to use, and calls made. */
  slot: number;
  used: number;
  spacingMs: number;
}

const MAX_WRITE_ATTEMPTS = 50;
/** Longest wait before looking at the budget again. */
const MAX_WAIT_MS = 30_000;
const WAKE_STAGGER_MS = 250;
/** Another job that claimed this recently is probably claiming again: read before writing. */
const RECENT_CLAIM_MS = 10_000;
/** Conditional writes a release tries before giving up (it is best effort: the slice then expires). */
const RELEASE_ATTEMPTS = 5;

export class SharedErpBudget {
  private readonly counters = { slices: 0, granted: 0, used: 0, wasted: 0, waits: 0, conflicts: 0, rateLimited: 0, releases: 0 };
  private readonly now: () => number;
  private readonly sleep: (ms: number) => Promise<void>;
  private readonly config: BudgetConfig;
  private state: BudgetState | undefined;
  private slice: HeldSlice | undefined;
  private lastStart = Number.NEGATIVE_INFINITY;
  private want: number;
  private penaltyPending = false;
  /** Waits in a row that found the budget exhausted (backoff). */
  private blocked = 0;
  private job: string;
  private rank: number;
  private deadline: BudgetRun['deadline'];
  /** This container wrote the item since its last release (a claim or a marker): a release has something to give back. */
  private holding = false;
  private queue: Promise<unknown> = Promise.resolve();

  constructor(private readonly options: ErpBudgetOptions) {
    this.config = options.config;
    this.now = options.now ?? Date.now;
    this.sleep = options.sleep ?? ((ms) => new Promise((r) => setTimeout(r, ms)));
    this.want = Math.max(1, Math.min(options.initialSlice ?? 5, this.config.maxSlice));
    this.job = options.job;
    this.rank = rankOf(this.config, this.job);
  }

  /** A run begins: its calls wait for the budget no longer than `run.deadline`, under `run.job` if given. */
  beginRun(run: BudgetRun = {}): void {
    this.deadline = run.deadline;
    const job = run.job ?? this.options.job;
    if (job !== this.job) {
      // A slice held under the other name (a run that ended without releasing) is not spent under this one.
      if (this.slice) this.endSlice(false);
      this.job = job;
      this.rank = rankOf(this.config, job);
    }
  }

  /**
   * The run ended: the unused rest of the slice leaves the shared timeline and the job stops counting as
   * active, so other jobs get the whole budget at once (docs/design.md §7). One conditional write (a read
   * and a write more per lost race); nothing at all when this container claimed nothing since its last
   * release. Best effort: a failure is logged, and what was held then expires as before (≤ ~75 s).
   */
  release(): Promise<void> {
    const turn = this.queue.then(() => this.giveBack());
    this.queue = turn.catch(() => undefined);
    this.deadline = undefined;
    return turn;
  }

  get stats(): ErpBudgetStats {
    return { ...this.counters, stateRequests: this.options.store.requests };
  }

  /** Resolves when one ERP call may start now. Callers are served in order. */
  acquire(): Promise<void> {
    const turn = this.queue.then(() => this.nextCall());
    this.queue = turn.catch(() => undefined);
    return turn;
  }

  /** The ERP answered 199/200: stop spending the current slice and shrink the shared rate. */
  noteRateLimited(): void {
    this.counters.rateLimited++;
    this.penaltyPending = true;
    if (this.slice) this.endSlice(false);
  }

  private async giveBack(): Promise<void> {
    const slice = this.slice;
    if (slice) this.endSlice(false);
    if (!this.holding) return;
    const held = slice ? { s: slice.s, slotsUsed: slice.slot, spacingMs: slice.spacingMs } : undefined;
    try {
      for (let attempt = 1; attempt <= RELEASE_ATTEMPTS; attempt++) {
        const base = this.state ?? (await this.options.store.read());
        const next = withRelease(base, this.config, this.job, held, this.now());
        if (await this.options.store.write(next)) {
          this.state = next;
          this.holding = false;
          this.counters.releases++;
          return;
        }
        this.counters.conflicts++;
        this.state = await this.options.store.read();
      }
      this.options.logger?.warn('could not release the ERP budget slice: it expires by itself', { job: this.job, attempts: RELEASE_ATTEMPTS });
    } catch (error) {
      this.state = undefined;
      this.options.logger?.warn('could not release the ERP budget slice: it expires by itself', { job: this.job, error: String(error) });
    }
  }

  private async nextCall(): Promise<void> {
    for (;;) {
      const slice = this.slice;
      if (slice) {
        // Slot i: start within [s + i·spacing, s + (i + 1)·spacing] (the plan counts it there), and a
        // spacing after the previous call. A slot we are late for is skipped.
        const now = this.now();
        while (slice.slot < slice.n && slice.s + (slice.slot + 1) * slice.spacingMs < now) slice.slot++;
        if (slice.slot < slice.n) {
          const at = Math.max(slice.s + slice.slot * slice.spacingMs, this.lastStart + slice.spacingMs);
          if (at > now) {
            await this.sleep(at - now);
            continue;
          }
          slice.slot++;
          slice.used++;
          this.counters.used++;
          this.lastStart = now;
          return;
        }
        this.endSlice(true);
      }
      await this.claim();
    }
  }

  private endSlice(adapt: boolean): void {
    const slice = this.slice!;
    this.slice = undefined;
    this.counters.wasted += slice.n - slice.used;
    if (adapt) this.want = slice.used >= slice.n ? Math.min(this.config.maxSlice, this.want * 2) : Math.max(1, slice.used);
  }

  private othersClaimedLately(state: BudgetState, now: number): boolean {
    return Object.entries(state.active).some(([j, at]) => j !== this.job && at > now - RECENT_CLAIM_MS);
  }

  /** Claims the next slice, waiting while the budget is exhausted. */
  private async claim(): Promise<void> {
    const { store } = this.options;
    const job = this.job;
    const waitStart = this.now();
    let fresh = false;
    for (let attempt = 1; ;) {
      const now = this.now();
      // Plan on the last state seen when it is our own write and nobody else claimed lately (then it
      // is exact); otherwise read first, which costs less than a lost write and a read.
      if (!this.state || (!fresh && this.othersClaimedLately(this.state, now))) this.state = await store.read();
      fresh = false;
      // A rate-limit code reported while this write is under way is carried by the next one.
      const penalized = this.penaltyPending;
      const base = penalized ? withPenalty(this.state, this.config, now) : this.state;
      const plan = planSlice(base, this.config, job, this.want, now);
      const unseen = plan.kind === 'wait' && needsMarker(base, this.config, job, now);
      if (plan.kind === 'claim' || unseen || penalized) {
        const next = withClaim(base, this.config, job, plan.kind === 'claim' ? plan.slice : undefined, now);
        if (!(await store.write(next))) {
          this.counters.conflicts++;
          if (++attempt > MAX_WRITE_ATTEMPTS) throw new ErpBudgetContendedError(this.options.account ?? 'default', MAX_WRITE_ATTEMPTS);
          this.state = await store.read();
          fresh = true;
          continue;
        }
        this.state = next;
        this.holding = true;
        if (penalized) {
          this.penaltyPending = false;
          this.options.logger?.warn('ERP rate-limit code: the shared ERP budget is shrunk for a while', {
            factor: next.penalty?.factor,
            untilMs: next.penalty?.until,
          });
        }
        if (plan.kind === 'claim') {
          this.blocked = 0;
          this.slice = { ...plan.slice, slot: 0, used: 0, spacingMs: plan.spacingMs };
          this.counters.slices++;
          this.counters.granted += plan.slice.n;
          return;
        }
      }
      // Exhausted: wait until room should appear, then read again (others wrote meanwhile). Waking to
      // find it taken again (by higher-priority jobs) backs off, 2 s doubling to 30 s, so a job that
      // only gets its floor polls rarely; room kept for its floor is trusted (no backoff). A job with
      // no calls in the minute wakes in time to keep its marker fresh.
      if (plan.kind === 'wait') {
        this.counters.waits++;
        const backoff = this.blocked === 0 || plan.floor ? 0 : Math.min(MAX_WAIT_MS, 1000 * 2 ** this.blocked);
        this.blocked++;
        // Jobs waiting for the same room wake in priority order, so they do not all race for it.
        const stagger = this.rank * WAKE_STAGGER_MS;
        const waitMs = Math.max(1, Math.min(Math.max(plan.until - now, backoff) + stagger, unseen ? this.config.activeMs / 2 : MAX_WAIT_MS));
        // Never past the run's soft deadline: the run stops there, incomplete, rather than wait on.
        const left = this.deadline?.remainingMs() ?? Number.POSITIVE_INFINITY;
        if (left <= 0) throw new ErpBudgetDeadlineError(job, this.now() - waitStart);
        await this.sleep(Math.min(waitMs, left));
        if ((this.deadline?.remainingMs() ?? Number.POSITIVE_INFINITY) <= 0) throw new ErpBudgetDeadlineError(job, this.now() - waitStart);
        this.state = undefined;
      }
    }
  }
}
