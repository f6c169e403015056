import { createJstClient } from '../../../shared/jst/client';
import { SharedErpBudget } from '../../../shared/state/erp-budget';
import { effectiveLimits, type BudgetConfig } from '../../../shared/state/erp-budget-plan';
import { ErpBudgetStore } from '../../../shared/state/erp-budget-store';
import { ErpBudgetDeadlineError } from '../../../shared/state/state-errors';
import { createStateDocumentClient } from '../../../shared/state/state-table';
import { useDynalite } from '../../support/dynamo';
import { sandboxCredentials, useJstSandbox } from '../../support/jst-sandbox';
import { createStateTable } from '../../support/state-table';

const base: BudgetConfig = {
  perSecond: 20,
  perMinute: 40,
  priorities: ['pushOrders', 'syncShipping', 'syncInventory'],
  maxSlice: 5,
  skewMs: 100,
  jitterMs: 50,
  headroomShare: 0,
  floorShare: 0,
  activeMs: 15_000,
  horizonMs: 3000,
  penaltyMs: 60_000,
};

/** A fake clock shared by several containers: sleeping advances it, so minutes pass instantly. */
function fakeClock(start = 1_800_000_000_000) {
  let t = start;
  return { now: () => t, sleep: async (ms: number) => void (t += ms) };
}

/** Smallest gap between consecutive call times. */
function minGap(times: number[]): number {
  const sorted = [...times].sort((a, b) => a - b);
  return Math.min(...sorted.slice(1).map((t, i) => t - sorted[i]!));
}

describe('SharedErpBudget on DynamoDB', () => {
  useDynalite();
  const sandbox = useJstSandbox({ rateLimit: { perSecond: 20, perMinute: 40 } });
  let table: string;
  beforeEach(async () => {
    table = await createStateTable();
  });
  const store = (account = 'acct') => new ErpBudgetStore(createStateDocumentClient(), table, account);

  it('a container that dies holding a slice loses only that slice: the next starts after it and gets the rest of the minute', async () => {
    const clock = fakeClock();
    const dying = new SharedErpBudget({ store: store(), config: base, job: 'pushOrders', ...clock, initialSlice: 5 });
    await dying.acquire(); // claims 5, uses 1, then the process is gone
    const deadSlice = (await store().read()).slices[0]!;

    const survivor = new SharedErpBudget({ store: store(), config: base, job: 'syncInventory', ...clock });
    const times: number[] = [];
    while (clock.now() < deadSlice.s + 60_000) {
      await survivor.acquire();
      times.push(clock.now());
    }
    const inFirstMinute = times.filter((t) => t < deadSlice.e + 60_000);
    expect(inFirstMinute).toHaveLength(40 - 5);
    expect(times[0]).toBeGreaterThan(deadSlice.e);
    expect(survivor.stats.stateRequests).toBeLessThan(times.length); // slices: not one request per call
  });

  describe('runs that end and runs that cannot wait (issue #23)', () => {
    // Priorities matter here: 25 % headroom per active higher-priority job, floors of 10/15/20 %.
    const ranked: BudgetConfig = { ...base, headroomShare: 0.25, floorShare: 0.1 };

    /** Calls syncInventory gets in the minute after pushOrders made 5 calls and ended (released or not). */
    async function inventoryCallsAfterOrders(release: boolean) {
      const clock = fakeClock();
      const account = release ? 'released' : 'lingering';
      const orders = new SharedErpBudget({ store: store(account), config: ranked, job: 'pushOrders', ...clock, initialSlice: 10 });
      orders.beginRun();
      for (let i = 0; i < 5; i++) await orders.acquire();
      if (release) await orders.release();
      const endedAt = clock.now();
      const inventory = new SharedErpBudget({ store: store(account), config: ranked, job: 'syncInventory', ...clock, initialSlice: 5 });
      const times: number[] = [];
      while (clock.now() < endedAt + 20_000) {
        await inventory.acquire();
        times.push(clock.now());
      }
      return { orders, times, endedAt };
    }

    it('a finished run gives its share back at once: another job gets the whole rest of the minute immediately', async () => {
      const released = await inventoryCallsAfterOrders(true);
      // 40/min less the 5 calls pushOrders really made: no headroom, no floor, no unused slots kept for it.
      expect(released.times.filter((t) => t < released.endedAt + 20_000)).toHaveLength(35);
      expect(released.times[0]! - released.endedAt).toBeLessThan(1000);
      expect(released.orders.stats.releases).toBe(1);
      const state = await store('released').read();
      const ordersSlice = state.slices.find((s) => s.j === 'pushOrders')!;
      expect(ordersSlice.n).toBe(5); // the unused 5 of its 10 left the timeline
      expect(state.released?.pushOrders).toBeDefined();

      // Without the release (a container that died), the others still yield to it: headroom and floor.
      const lingering = await inventoryCallsAfterOrders(false);
      expect(lingering.times.filter((t) => t < lingering.endedAt + 20_000).length).toBeLessThan(35 - 5);
    });

    it('a run that claimed nothing releases without a state request', async () => {
      const budget = new SharedErpBudget({ store: store(), config: ranked, job: 'syncShipping', ...fakeClock() });
      budget.beginRun();
      await budget.release();
      expect(budget.stats.stateRequests).toBe(0);
    });

    it("a call that would wait for the budget past the run's soft deadline stops there with ERP_BUDGET_DEADLINE", async () => {
      const clock = fakeClock();
      const orders = new SharedErpBudget({ store: store(), config: base, job: 'pushOrders', ...clock, initialSlice: 5 });
      for (let i = 0; i < 40; i++) await orders.acquire(); // the whole minute, still running
      const inventory = new SharedErpBudget({ store: store(), config: base, job: 'syncInventory', ...clock });
      const deadlineAt = clock.now() + 5000;
      inventory.beginRun({ deadline: { remainingMs: () => deadlineAt - clock.now() } });
      const stopped = await inventory.acquire().then(
        () => undefined,
        (error: unknown) => error,
      );
      expect(stopped).toBeInstanceOf(ErpBudgetDeadlineError);
      expect((stopped as ErpBudgetDeadlineError).code).toBe('ERP_BUDGET_DEADLINE');
      expect(clock.now()).toBe(deadlineAt); // waited until the deadline, not a moment longer
      expect(inventory.stats.used).toBe(0);
      // The next run (a new deadline) is served once the minute has room again.
      inventory.beginRun({ deadline: { remainingMs: () => deadlineAt + 120_000 - clock.now() } });
      await inventory.acquire();
      expect(inventory.stats.used).toBe(1);
    });
  });

  it('the ERP client passes ERP_BUDGET_DEADLINE through unchanged: not retried, and the call never reaches the ERP', async () => {
    const clock = fakeClock();
    const orders = new SharedErpBudget({ store: store('client'), config: base, job: 'pushOrders', ...clock, initialSlice: 5 });
    for (let i = 0; i < 40; i++) await orders.acquire(); // the account's minute is spent
    const inventory = new SharedErpBudget({ store: store('client'), config: base, job: 'syncInventory', ...clock });
    const deadlineAt = clock.now() + 2000;
    inventory.beginRun({ deadline: { remainingMs: () => deadlineAt - clock.now() } });
    const client = createJstClient({ ...sandboxCredentials(sandbox(), 'open'), rateLimit: { perSecond: 20, perMinute: 40, budget: inventory }, maxRetries: 3 });
    const callsBefore = sandbox().stats.calls;
    const stopped = await (async () => {
      for await (const page of client.inventoryPages({ skuIds: ['F-1'] })) void page;
    })().then(
      () => undefined,
      (error: unknown) => error,
    );
    expect(stopped).toBeInstanceOf(ErpBudgetDeadlineError);
    expect(client.stats.retries).toBe(0);
    expect(sandbox().stats.calls).toBe(callsBefore);
  });

  it('keeps the calls of containers whose clocks differ within the skew tolerance at least one spacing apart', async () => {
    const clock = fakeClock();
    const trueTimes: number[] = [];
    const containers = [0, 80, -60].map(
      (skew, i) =>
        new SharedErpBudget({
          store: store(),
          config: base,
          job: ['pushOrders', 'syncShipping', 'syncInventory'][i]!,
          now: () => clock.now() + skew,
          sleep: clock.sleep,
        }),
    );
    // Interleaved: each container takes a few calls in turn, on the true (fake) clock.
    for (let round = 0; round < 5; round++) {
      for (const c of containers) {
        for (let k = 0; k < 2; k++) {
          await c.acquire();
          trueTimes.push(clock.now());
        }
      }
    }
    const spacing = effectiveLimits(await store().read(), base, clock.now()).spacingMs;
    expect(trueTimes).toHaveLength(30);
    expect(minGap(trueTimes)).toBeGreaterThanOrEqual(spacing);
  });

  it('makes a container with a correct clock wait behind the slice of a container whose clock is 5 s ahead (beyond tolerance: waste, not overlap of that slice)', async () => {
    const clock = fakeClock();
    const start = clock.now();
    const ahead = new SharedErpBudget({ store: store(), config: base, job: 'pushOrders', now: () => clock.now() + 5000, sleep: clock.sleep });
    await ahead.acquire();
    const aheadSlice = (await store().read()).slices[0]!;
    const correct = new SharedErpBudget({ store: store(), config: base, job: 'syncInventory', ...clock });
    await correct.acquire();
    expect(clock.now()).toBeGreaterThan(aheadSlice.e);
    expect(clock.now() - start).toBeGreaterThan(5000);
  });

  it('a 199/200 caused by another application shrinks the shared rate for every container', async () => {
    const budget = new SharedErpBudget({ store: store('foreign'), config: base, job: 'pushOrders' });
    const client = createJstClient({
      ...sandboxCredentials(sandbox(), 'open'),
      rateLimit: { perSecond: 20, perMinute: 40, budget },
      maxRetries: 1,
      retryBaseMs: 1,
      retryCapMs: 5,
    });
    sandbox().state.setStock('F-1', { qty: 1 });
    expect(sandbox().recordForeignCalls(35)).toBe(20); // the shop's other tool: 20/s admitted now …
    await new Promise((r) => setTimeout(r, 1100));
    expect(sandbox().recordForeignCalls(15)).toBe(15); // … and 15 more a second later: 35 of 40 this minute
    let rejected = 0;
    for (let i = 0; i < 10 && rejected === 0; i++) {
      try {
        for await (const page of client.inventoryPages({ skuIds: ['F-1'] })) void page;
      } catch (error) {
        expect((error as { code?: string }).code).toBe('JST_RATE_LIMITED');
        rejected++;
      }
    }
    expect(rejected).toBeGreaterThan(0);
    expect(budget.stats.rateLimited).toBeGreaterThan(0);
    const state = await store('foreign').read();
    expect(state.penalty?.factor).toBeLessThanOrEqual(0.5);
    // Another function reading the item now plans with the shrunk limits.
    expect(effectiveLimits(state, base, Date.now()).perMinute).toBeLessThanOrEqual(20);
    expect(effectiveLimits(state, base, Date.now() + 61_000).perMinute).toBe(40);
  });
});
