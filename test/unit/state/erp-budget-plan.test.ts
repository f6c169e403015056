import { EMPTY_BUDGET, effectiveLimits, planSlice, withClaim, withPenalty, type BudgetConfig, type BudgetState } from '../../../shared/state/erp-budget-plan';

const config: BudgetConfig = {
  perSecond: 5,
  perMinute: 100,
  priorities: ['pushOrders', 'syncShipping', 'syncInventory'],
  maxSlice: 10,
  skewMs: 100,
  jitterMs: 100,
  headroomShare: 0.15,
  floorShare: 0.1,
  activeMs: 15_000,
  horizonMs: 5000,
  penaltyMs: 60_000,
};
const T = 10_000_000;

/** Claims slices for `job` back to back (each as soon as the plan allows) until `until`; returns the state. */
function drain(state: BudgetState, job: string, until: number, want = 10): BudgetState {
  let now = T;
  for (;;) {
    const plan = planSlice(state, config, job, want, now);
    if (plan.kind === 'wait') {
      if (plan.until >= until) return state;
      now = plan.until;
      continue;
    }
    if (plan.slice.s >= until) return state;
    state = withClaim(state, config, job, plan.slice, now);
    now = Math.max(now, plan.slice.s);
  }
}

/** Most calls a sliding window (t − windowMs, t] can hold, call i of a slice counting wherever [s + i·sp, s + (i + 1)·sp] meets it. */
function worstWindow(state: BudgetState, windowMs: number): number {
  const calls = state.slices.flatMap((b) =>
    Array.from({ length: b.n }, (_, i) => ({ from: b.s + (i * (b.e - b.s)) / b.n, to: b.s + ((i + 1) * (b.e - b.s)) / b.n })),
  );
  let worst = 0;
  for (const t of calls.flatMap((c) => [c.from, c.to])) {
    worst = Math.max(worst, calls.filter((c) => c.to > t - windowMs && c.from <= t).length);
  }
  return worst;
}

describe('ERP budget plan', () => {
  it('gives a job alone the whole minute limit, then makes it wait until the oldest slice leaves the sliding window', () => {
    let state: BudgetState = EMPTY_BUDGET;
    let now = T;
    let granted = 0;
    for (;;) {
      const plan = planSlice(state, config, 'syncInventory', 10, now);
      if (plan.kind === 'wait') break;
      state = withClaim(state, config, 'syncInventory', plan.slice, now);
      granted += plan.slice.n;
      now = plan.slice.e;
    }
    expect(granted).toBe(100);
    const plan = planSlice(state, config, 'syncInventory', 10, now);
    expect(plan.kind).toBe('wait');
    const first = state.slices[0]!;
    // The first call's latest start must leave the (skew- and jitter-widened) minute before a new one
    // may start; the next slice's calls then fit one by one as the old ones leave.
    const next = planSlice(state, config, 'syncInventory', 10, (plan as { until: number }).until);
    expect(next).toMatchObject({ kind: 'claim', slice: { n: 10 } });
    expect((next as { slice: { s: number } }).slice.s).toBeGreaterThan(
      first.s + (first.e - first.s) / first.n + effectiveLimits(state, config, T).minuteWindowMs,
    );
  });

  it('never lets slices overlap, and spaces them by spacing + jitter + 2 × skew', () => {
    let state: BudgetState = EMPTY_BUDGET;
    for (const job of ['pushOrders', 'syncInventory', 'syncShipping', 'pushOrders']) {
      const plan = planSlice(state, config, job, 3, T);
      if (plan.kind !== 'claim') throw new Error('expected a claim');
      state = withClaim(state, config, job, plan.slice, T);
    }
    const sorted = [...state.slices].sort((a, b) => a.s - b.s);
    for (let i = 1; i < sorted.length; i++) expect(sorted[i]!.s - sorted[i - 1]!.e).toBeGreaterThanOrEqual(201 + 100 + 200);
  });

  it('keeps every sliding minute within the limit over several minutes of a greedy job', () => {
    const state = drain(EMPTY_BUDGET, 'syncInventory', T + 4 * 60_000);
    expect(worstWindow(state, 60_000)).toBeLessThanOrEqual(100);
  });

  it('reserves headroom for active higher-priority jobs and a floor for active lower ones', () => {
    const activeAll: BudgetState = { ...EMPTY_BUDGET, active: { pushOrders: T, syncShipping: T, syncInventory: T } };
    // Floors by priority: orders 20, shipping 15, inventory 10. Inventory alone in the window with 70
    // calls: orders and shipping are active, so inventory stops at 100 − floors (20 + 15) − headroom
    // (2 × 15) = 35 … it already holds 70.
    const busy: BudgetState = { ...activeAll, slices: [{ j: 'syncInventory', s: T - 20_000, e: T - 5000, n: 70 }] };
    expect(planSlice(busy, config, 'syncInventory', 10, T).kind).toBe('wait');
    // Orders may still claim (its cap is 100 − shipping's floor 15), shipping too (below its floor: 100 − orders' 20).
    expect(planSlice(busy, config, 'pushOrders', 10, T)).toMatchObject({ kind: 'claim', slice: { n: 10 } });
    expect(planSlice(busy, config, 'syncShipping', 5, T)).toMatchObject({ kind: 'claim', slice: { n: 5 } });
    // Orders filling the minute leaves inventory its floor: inventory below its floor gets in.
    const full: BudgetState = { ...activeAll, slices: [{ j: 'pushOrders', s: T - 20_000, e: T - 5000, n: 80 }] };
    expect(planSlice(full, config, 'pushOrders', 10, T).kind).toBe('wait'); // 100 − floors 15 + 10 − 80 < 0
    expect(planSlice(full, config, 'syncInventory', 10, T)).toMatchObject({ kind: 'claim', slice: { n: 5 } }); // 100 − shipping's 15 − 80
    expect(planSlice(full, config, 'syncShipping', 10, T)).toMatchObject({ kind: 'claim', slice: { n: 10 } }); // 100 − inventory's 10 − 80
  });

  it('gives the whole limit to a lower-priority job once the others have not been active for a while', () => {
    const stale: BudgetState = { ...EMPTY_BUDGET, active: { pushOrders: T - 16_000 }, slices: [{ j: 'syncInventory', s: T - 20_000, e: T - 5000, n: 90 }] };
    expect(planSlice(stale, config, 'syncInventory', 10, T)).toMatchObject({ kind: 'claim', slice: { n: 10 } });
  });

  it('shrinks both limits after a rate-limit code, halving at most once a second, down to 10 %, for penaltyMs', () => {
    let state = withPenalty(EMPTY_BUDGET, config, T);
    expect(effectiveLimits(state, config, T)).toMatchObject({ perSecond: 2, perMinute: 50 });
    state = withPenalty(state, config, T + 500);
    expect(state.penalty!.factor).toBe(0.5);
    for (let i = 1; i <= 5; i++) state = withPenalty(state, config, T + i * 1500);
    expect(state.penalty!.factor).toBe(0.1);
    expect(effectiveLimits(state, config, T + 7500)).toMatchObject({ perSecond: 1, perMinute: 10 });
    expect(effectiveLimits(state, config, T + 7500 + 60_001)).toMatchObject({ perSecond: 5, perMinute: 100 });
  });

  it('counts a dead container’s slice in the minute and starts the next slice after its end', () => {
    const plan = planSlice(EMPTY_BUDGET, config, 'pushOrders', 10, T);
    if (plan.kind !== 'claim') throw new Error('expected a claim');
    const afterDeath = withClaim(EMPTY_BUDGET, config, 'pushOrders', plan.slice, T);
    const state = drain(afterDeath, 'syncInventory', T + 55_000);
    const inventory = state.slices.filter((s) => s.j === 'syncInventory');
    // 100 − the dead slice's 10 − what inventory still leaves to orders, which counts as active while
    // its calls are less than a minute + activeMs old: the rest of its floor (20 − 10) and the headroom (15).
    expect(inventory.reduce((n, s) => n + s.n, 0)).toBe(65);
    expect(Math.min(...inventory.map((s) => s.s))).toBeGreaterThan(plan.slice.e);
  });

  it('never places a slice beyond the horizon, and prunes slices no window needs while keeping the latest', () => {
    const far: BudgetState = { ...EMPTY_BUDGET, slices: [{ j: 'pushOrders', s: T + 30_000, e: T + 31_000, n: 1 }] };
    expect(planSlice(far, config, 'syncInventory', 1, T)).toMatchObject({ kind: 'wait' });
    const old: BudgetState = {
      ...EMPTY_BUDGET,
      slices: [
        { j: 'pushOrders', s: T - 200_000, e: T - 199_000, n: 5 },
        { j: 'pushOrders', s: T - 190_000, e: T - 189_000, n: 5 },
      ],
    };
    expect(withClaim(old, config, 'x', undefined, T).slices).toEqual([old.slices[1]]);
  });
});
