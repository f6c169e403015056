import { runBudgetWorkers } from '../../../dev/bench/_budget-processes';
import { useDynalite } from '../../support/dynamo';
import { useJstSandbox } from '../../support/jst-sandbox';
import { createStateTable } from '../../support/state-table';

/**
 * Issue #18: the three functions, each in its own process, share one ERP account budget through the
 * state table (dynalite) against the sandbox enforcing the account's limits. Limits are scaled (20/s,
 * 150/min) so the minute budget is exhausted within the run; the clocks are the same machine's, so
 * the skew and jitter margins are small.
 */
describe('ERP budget shared by three processes', () => {
  useDynalite();
  const sandbox = useJstSandbox({ rateLimit: { perSecond: 20, perMinute: 150 }, latencyMs: 20 });
  const env = {
    JST_BUDGET_PER_SECOND: '20',
    JST_BUDGET_PER_MINUTE: '150',
    JST_BUDGET_SKEW_MS: '25',
    JST_BUDGET_JITTER_MS: '50',
    JST_BUDGET_SLICE: '5',
    JST_BUDGET_HEADROOM_PERCENT: '30',
    JST_BUDGET_FLOOR_PERCENT: '10',
  };

  it('never draws a rate-limit code, stays within the minute, and serves orders before shipping before inventory without starving inventory', async () => {
    const table = await createStateTable();
    const results = await runBudgetWorkers({
      jobs: ['syncInventory', 'pushOrders', 'syncShipping'],
      sandboxUrl: sandbox().url,
      table,
      durationMs: 15_000,
      env,
    });
    const calls = Object.fromEntries(results.map((r) => [r.job, r.calls]));
    // The figures, for tuning: TEST_VERBOSE=1 prints them (a green run stays quiet).
    if (process.env.TEST_VERBOSE)
      console.log(JSON.stringify(results.map(({ callTimes, ...r }) => ({ ...r, first: callTimes[0]! - r.startedAt, last: callTimes.at(-1)! - r.startedAt }))));

    expect(sandbox().stats.rateLimited).toBe(0);
    expect(results.every((r) => r.failures === 0 && r.transport.rateLimited === 0)).toBe(true);
    // The minute budget is used up (the run is shorter than a minute) and never exceeded.
    const total = calls.pushOrders! + calls.syncShipping! + calls.syncInventory!;
    expect(total).toBeLessThanOrEqual(150);
    expect(total).toBeGreaterThanOrEqual(100); // most of the minute, with room for slow process start-up on a loaded machine
    expect(calls.pushOrders).toBeGreaterThan(calls.syncShipping!);
    expect(calls.syncShipping).toBeGreaterThan(calls.syncInventory!);
    expect(calls.syncInventory).toBeGreaterThanOrEqual(5); // not starved: its floor is 10 % of the minute (15), less what a loaded machine delays
    // Slices: far fewer state-table requests than ERP calls.
    const requests = results.reduce((n, r) => n + r.budget.stateRequests, 0);
    expect(requests).toBeLessThan(total);
  }, 60_000);
});
