import { FecjstError } from '../../../shared/errors';
import { createJobHandler } from '../../../shared/runtime/handler-factory';
import type { RunContext } from '../../../shared/jobs/run-context';
import type { RunOutcome } from '../../../shared/domain/run-outcome';
import type { RunSummary } from '../../../shared/runtime/run-summary';
import { CursorStore } from '../../../shared/state/cursor-store';
import { SharedErpBudget } from '../../../shared/state/erp-budget';
import type { BudgetConfig } from '../../../shared/state/erp-budget-plan';
import { ErpBudgetStore } from '../../../shared/state/erp-budget-store';
import { LeaseStore } from '../../../shared/state/lease';
import { OrderLedger } from '../../../shared/state/order-ledger';
import { RunHistory } from '../../../shared/state/run-history';
import { createStateDocumentClient } from '../../../shared/state/state-table';
import { captureStdout } from '../../support/capture-stdout';
import { useDynalite } from '../../support/dynamo';
import { createStateTable } from '../../support/state-table';
import { controlledContext, functionEnvironment, jsonLines, pagedJob, plentyOfTime, publishedMetrics, stateItems } from './runtime-test-kit';

describe('the job handler factory (dynalite)', () => {
  useDynalite();
  const doc = createStateDocumentClient();
  let table: string;
  beforeEach(async () => {
    table = await createStateTable();
  });
  afterAll(() => doc.destroy());

  const committedPosition = async (job: string) => (await new CursorStore(doc, table).read<number>(job, 'incremental'))?.position;

  describe('a normal run', () => {
    const initType = process.env.AWS_LAMBDA_INITIALIZATION_TYPE;
    beforeAll(() => {
      process.env.AWS_LAMBDA_INITIALIZATION_TYPE = 'on-demand';
    });
    afterAll(() => {
      if (initType === undefined) delete process.env.AWS_LAMBDA_INITIALIZATION_TYPE;
      else process.env.AWS_LAMBDA_INITIALIZATION_TYPE = initType;
    });

    it('builds dependencies once per cold start and reuses them in later invocations', async () => {
      let builds = 0;
      const seen: number[] = [];
      const handler = createJobHandler({
        job: 'syncShipping',
        environment: functionEnvironment(table),
        buildDependencies: async () => ++builds,
        run: async (deps, ctx) => (seen.push(deps), pagedJob(1)(deps, ctx)),
      });
      const first = await captureStdout(() => handler({}, plentyOfTime()));
      const second = await captureStdout(() => handler({}, plentyOfTime()));

      expect(builds).toBe(1);
      expect(seen).toEqual([1, 1]);
      const coldStarts = (lines: string[]) =>
        jsonLines(lines)
          .filter((l) => l.message === 'run summary')
          .map((l) => l.cold_start);
      expect(coldStarts(first.lines)).toEqual([true]);
      expect(coldStarts(second.lines)).toEqual([false]);
      expect(publishedMetrics(first.lines).ColdStart).toBe(1);
      expect(publishedMetrics(second.lines).ColdStart).toBeUndefined();
    });

    it('returns the run summary of docs/design.md §8, logs it once as one JSON line, keeps it in history and publishes the heartbeat', async () => {
      const handler = createJobHandler({
        job: 'syncShipping',
        environment: functionEnvironment(table),
        buildDependencies: async () => null,
        run: async (deps, ctx) => ({ ...(await pagedJob(3)(deps, ctx)), cursorLagSeconds: 125.4 }),
      });
      const out = await captureStdout(() =>
        handler(
          {},
          controlledContext(() => 600_000, 'req-summary'),
        ),
      );

      expect(out.result).toEqual({
        job: 'syncShipping',
        runId: 'req-summary',
        mode: 'incremental',
        dryRun: false,
        window: { from: null, to: null },
        complete: true,
        counts: { pages: 3 },
        failures: [],
        cursor: { before: 0, after: 3 },
        durationMs: expect.any(Number),
      });
      const summaries = jsonLines(out.lines).filter((l) => l.message === 'run summary');
      expect(summaries).toHaveLength(1);
      expect(summaries[0]).toMatchObject({ level: 'INFO', service: 'syncShipping', correlation_id: 'req-summary', summary: out.result });
      expect(publishedMetrics(out.lines)).toMatchObject({ RunSucceeded: 1, ItemFailures: 0, CursorLagSeconds: 125 });
      const emf = jsonLines(out.lines).find((l) => l._aws && 'RunSucceeded' in l) as {
        _aws: { CloudWatchMetrics: Array<{ Namespace: string; Dimensions: string[][] }> };
        service: string;
      };
      expect(emf._aws.CloudWatchMetrics[0]).toMatchObject({ Namespace: 'Fecjst', Dimensions: [['service']] });
      expect(emf.service).toBe('syncShipping');
      expect(await new RunHistory(doc, table, 30).latest('syncShipping')).toEqual([out.result]);
      expect(await committedPosition('syncShipping')).toBe(3);
    });
  });

  describe('a reconcile in its own lease scope (issue #23, docs/design.md §4)', () => {
    /** A reconcile that reads the incremental position, waits at `gate`, reads it again and commits its own position. */
    const reconcileJob =
      (gate: Promise<void>, seen: Array<number | undefined>) =>
      async (_deps: unknown, ctx: RunContext): Promise<RunOutcome> => {
        seen.push(await ctx.cursors.read<number>('incremental'));
        const before = (await ctx.cursors.read<number>('reconcile')) ?? 0;
        await gate;
        seen.push(await ctx.cursors.read<number>('incremental'));
        await ctx.cursors.advance('reconcile', before + 1);
        return { window: { from: null, to: null }, complete: true, counts: { reconciled: 1 }, failures: [], cursor: { before, after: before + 1 } };
      };
    const definition = (ownReconcileLease: boolean, gate: Promise<void>, seen: Array<number | undefined>) => ({
      job: 'pushOrders' as const,
      environment: functionEnvironment(table),
      buildDependencies: async () => null,
      ownReconcileLease,
      run: (deps: null, ctx: RunContext) => (ctx.request.mode === 'reconcile' ? reconcileJob(gate, seen)(deps, ctx) : pagedJob(2)(deps, ctx)),
    });

    it("lets incremental runs go on while a reconcile holds its lease; neither moves nor fences out the other's cursor", async () => {
      let openGate!: () => void;
      const gate = new Promise<void>((resolve) => (openGate = resolve));
      const seen: Array<number | undefined> = [];
      const handler = createJobHandler(definition(true, gate, seen));
      const reconcile = handler({ mode: 'reconcile' }, plentyOfTime());
      while (seen.length === 0) await new Promise((r) => setTimeout(r, 5)); // the reconcile holds its lease

      const incremental = await handler({}, plentyOfTime());
      expect(incremental).toMatchObject({ mode: 'incremental', complete: true, counts: { pages: 2 }, cursor: { before: 0, after: 2 } });
      expect(incremental.skipped).toBeUndefined();
      expect((await handler({}, plentyOfTime())).counts).toEqual({ pages: 2 }); // and the next one
      // A second reconcile meets the first one's lease.
      expect((await handler({ mode: 'reconcile' }, plentyOfTime())).skipped).toBe('already running');

      openGate();
      expect(await reconcile).toMatchObject({ mode: 'reconcile', complete: true, counts: { reconciled: 1 }, cursor: { after: 1 } });
      expect(seen).toEqual([undefined, 4]); // it reads how far the incremental runs got, live
      const cursors = new CursorStore(doc, table);
      const jobItem = await cursors.readAll('pushOrders');
      expect(Object.keys(jobItem.positions)).toEqual(['incremental']);
      expect(jobItem.positions.incremental?.position).toBe(4);
      expect((await cursors.readAll('pushOrders#reconcile')).positions.reconcile?.position).toBe(1);
      const leases = (await stateItems(table)).filter((item) => String(item.pk).startsWith('LEASE#')).map((item) => item.pk);
      expect(leases.sort()).toEqual(['LEASE#pushOrders', 'LEASE#pushOrders#reconcile']);
    });

    it('without its own scope (syncInventory: the reconcile is the full pass the incremental runs continue) a reconcile still makes an incremental run skip', async () => {
      let openGate!: () => void;
      const gate = new Promise<void>((resolve) => (openGate = resolve));
      const seen: Array<number | undefined> = [];
      const handler = createJobHandler(definition(false, gate, seen));
      const reconcile = handler({ mode: 'reconcile' }, plentyOfTime());
      while (seen.length === 0) await new Promise((r) => setTimeout(r, 5));
      expect((await handler({}, plentyOfTime())).skipped).toBe('already running');
      openGate();
      expect((await reconcile).complete).toBe(true);
      expect(Object.keys((await new CursorStore(doc, table).readAll('pushOrders')).positions)).toEqual(['reconcile']);
    });
  });

  it('lets one of two concurrent runs proceed and returns skipped: "already running" from the other', async () => {
    let openGate!: () => void;
    const gate = new Promise<void>((resolve) => (openGate = resolve));
    // Whichever run gets the lease waits until the other invocation has returned.
    const handler = createJobHandler({
      job: 'pushOrders',
      environment: functionEnvironment(table),
      buildDependencies: async () => null,
      run: pagedJob(2, () => gate),
    });
    const runs = [handler({}, plentyOfTime()), handler({}, plentyOfTime())];
    const firstDone = await captureStdout(() => Promise.race(runs));
    openGate();
    const [a, b] = await Promise.all(runs);

    expect(firstDone.result).toMatchObject({ job: 'pushOrders', skipped: 'already running', complete: false, counts: {}, failures: [] });
    expect(publishedMetrics(firstDone.lines).RunSucceeded).toBeUndefined();
    expect([a, b].filter((s) => s?.skipped)).toHaveLength(1);
    expect([a, b].find((s) => !s?.skipped)).toMatchObject({ complete: true, counts: { pages: 2 } });
    // The lease was released: the next run proceeds.
    expect((await handler({}, plentyOfTime())).skipped).toBeUndefined();
  });

  it('stops a run that lost its lease: it cannot move the cursor nor write the ledger, and the invocation fails', async () => {
    const ledgerWrites: string[] = [];
    const handler = createJobHandler({
      job: 'pushOrders',
      environment: functionEnvironment(table),
      buildDependencies: async () => new OrderLedger(doc, table, 10001),
      run: async (ledger, ctx) =>
        pagedJob(3, async (page) => {
          if (page !== 2) return;
          // The lease expires (by its stored time) and another run takes it.
          await new LeaseStore(doc, table).acquire('pushOrders', 'intruder', 60_000, Date.now() + 3_600_000);
          try {
            await ledger.putMany([{ incrementId: '1100000001', acceptedHash: 'h', state: 'accepted', attempts: 0, updatedAt: 1 }], ctx.fence, ctx.job);
            ledgerWrites.push('1100000001');
          } catch (error) {
            if ((error as FecjstError).code !== 'LEASE_LOST') throw error;
          }
        })(ledger, ctx),
    });
    const out = await captureStdout(() => handler({}, plentyOfTime()));

    expect(out.error).toMatchObject({ code: 'LEASE_LOST' });
    expect(ledgerWrites).toEqual([]);
    expect((await new OrderLedger(doc, table, 10001).getMany(['1100000001'])).size).toBe(0);
    expect(await committedPosition('pushOrders')).toBe(1);
    const failed = jsonLines(out.lines).filter((l) => l.message === 'run failed');
    expect(failed).toHaveLength(1);
    expect(failed[0]).toMatchObject({ error: { code: 'LEASE_LOST' }, summary: { complete: false, cursor: { before: null, after: 1 } } });
  });

  it('commits the finished pages and returns complete: false at the soft deadline; the next run continues from there', async () => {
    let remaining = 60_000;
    // Each page takes 10 s of Lambda time; the margin is 20 s, so pages 1–4 finish and the run stops before page 5.
    const handler = createJobHandler({
      job: 'syncInventory',
      environment: functionEnvironment(table, { DEADLINE_MARGIN_MS: '20000' }),
      buildDependencies: async () => null,
      run: pagedJob(10, () => void (remaining -= 10_000)),
    });
    const cut = await handler(
      {},
      controlledContext(() => remaining),
    );
    expect(cut).toMatchObject({ complete: false, counts: { pages: 4 }, cursor: { before: 0, after: 4 } });
    expect(await committedPosition('syncInventory')).toBe(4);

    remaining = 600_000;
    const next = await handler(
      {},
      controlledContext(() => remaining),
    );
    expect(next).toMatchObject({ complete: true, counts: { pages: 10 }, cursor: { before: 4, after: 14 } });
  });

  it('ends a run whose ERP call waits for the budget past the soft deadline as incomplete (ERP_BUDGET_DEADLINE), committed pages kept, its budget released', async () => {
    // One fake clock drives the budget's waits and the Lambda's remaining time: minutes pass instantly.
    let t = 1_800_000_000_000;
    const clock = { now: () => t, sleep: async (ms: number) => void (t += ms) };
    const config: BudgetConfig = {
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
    const budgetStore = () => new ErpBudgetStore(doc, table, 'acct');
    const inventoryBudget = new SharedErpBudget({ store: budgetStore(), config, job: 'syncInventory', ...clock, initialSlice: 1 });
    const orders = new SharedErpBudget({ store: budgetStore(), config, job: 'pushOrders', ...clock });
    const endsAt = t + 60_000; // 60 s of Lambda time, 20 s margin: the soft deadline is 40 s away
    const handler = createJobHandler<{ budget: SharedErpBudget }>({
      job: 'syncInventory',
      environment: functionEnvironment(table, { DEADLINE_MARGIN_MS: '20000' }),
      buildDependencies: async () => ({ budget: inventoryBudget }),
      erpBudget: (deps) => deps.budget,
      // Each page is one ERP call; after page 3 pushOrders takes the rest of the account's minute.
      run: pagedJob(10, async (page) => {
        await inventoryBudget.acquire();
        if (page === 3) while (orders.stats.used < 40 - 3) await orders.acquire();
      }),
    });
    const summary = await handler(
      {},
      controlledContext(() => endsAt - t),
    );
    expect(summary).toMatchObject({ complete: false, cursor: { before: null, after: 3 }, counts: { erpBudgetDeadline: 1 } });
    expect(summary.incompleteReason).toMatch(/^ERP budget: .*ERP_BUDGET_DEADLINE/);
    expect(summary.error).toBeUndefined();
    expect(endsAt - t).toBe(20_000); // stopped at the soft deadline, not later
    expect(await committedPosition('syncInventory')).toBe(3); // page 4 never ran: nothing past it moved
    expect((await budgetStore().read()).released?.syncInventory).toBeDefined();
  });

  it('fails the invocation on a run-level failure with a typed error, keeping the pages committed before it', async () => {
    const failing = (error?: unknown) =>
      createJobHandler({
        job: 'syncShipping',
        environment: functionEnvironment(table),
        buildDependencies: async () => null,
        run: pagedJob(5, (page) => {
          if (page === 3 && error) throw error;
        }),
      });
    const typed = await captureStdout(() => failing(new FecjstError('STORE_UNAVAILABLE', 'store database unreachable'))({}, plentyOfTime()));
    expect(typed.error).toMatchObject({ code: 'STORE_UNAVAILABLE' });
    expect(await committedPosition('syncShipping')).toBe(2);
    expect(publishedMetrics(typed.lines)).toMatchObject({ RunFailed: 1 });
    expect(publishedMetrics(typed.lines).RunSucceeded).toBeUndefined();
    const [failure] = await new RunHistory(doc, table, 30).latest<RunSummary>('syncShipping');
    expect(failure).toMatchObject({ complete: false, error: { code: 'STORE_UNAVAILABLE' }, cursor: { before: null, after: 2 } });

    const untyped = await captureStdout(() =>
      failing(Object.assign(new Error('connect ECONNREFUSED for 13812345678'), { code: 'ECONNREFUSED' }))({}, plentyOfTime()),
    );
    expect(untyped.error).toBeInstanceOf(FecjstError);
    expect(untyped.error).toMatchObject({ code: 'RUN_FAILED', context: { causeCode: 'ECONNREFUSED' } });
    expect((untyped.error as Error).message).toBe('syncShipping: run failed: connect ECONNREFUSED for ***');
    // The lease was released despite the failure.
    expect((await failing()({}, plentyOfTime())).skipped).toBeUndefined();
  });

  it('reports per-item failures in the summary and the ItemFailures metric without failing the invocation', async () => {
    const failures = Array.from({ length: 60 }, (_, i) => ({ key: `SKU-${i}`, reason: 'unknown SKU in the store' }));
    const handler = createJobHandler({
      job: 'syncInventory',
      environment: functionEnvironment(table),
      buildDependencies: async () => null,
      run: async (): Promise<RunOutcome> => ({
        window: { from: null, to: null },
        complete: true,
        counts: { updated: 3, failed: 60 },
        failures,
        cursor: { before: null, after: null },
      }),
    });
    const out = await captureStdout(() => handler({}, plentyOfTime()));
    expect(out.error).toBeUndefined();
    expect(out.result?.failures).toHaveLength(50);
    expect(out.result?.counts).toEqual({ updated: 3, failed: 60, failuresNotListed: 10 });
    expect(publishedMetrics(out.lines)).toMatchObject({ RunSucceeded: 1, ItemFailures: 60 });
  });

  it('rejects a malformed event with an error naming the field, and touches nothing (no dependencies, no lease)', async () => {
    let builds = 0;
    let ran = false;
    const handler = createJobHandler({
      job: 'pushOrders',
      environment: functionEnvironment(table),
      buildDependencies: async () => ++builds,
      run: async () => ((ran = true), { window: { from: null, to: null }, complete: true, counts: {}, failures: [], cursor: { before: null, after: null } }),
    });
    const bad = [
      [{ orders: 'not-a-list' }, /orders: expected a list of order increment ids/],
      [{ sku: ['A'] }, /unknown field "sku" \(allowed: dryRun, mode, from, to, force, orders\)/],
      [{ mode: 'full' }, /mode: expected "incremental" or "reconcile"/],
      [{ from: '2026-11-28T10:00:00', to: '2026-11-28T12:00:00Z' }, /from: expected an ISO-8601 time with offset/],
      [{ from: '2026-11-28T12:00:00Z', to: '2026-11-28T10:00:00Z' }, /"from" must be before "to"/],
    ] as const;
    for (const [event, message] of bad) {
      const out = await captureStdout(() => handler(event, plentyOfTime()));
      expect(out.error).toMatchObject({ code: 'EVENT_INVALID' });
      expect((out.error as Error).message).toMatch(message);
      expect(jsonLines(out.lines).filter((l) => l.message === 'run failed')).toHaveLength(1);
    }
    expect(builds).toBe(0);
    expect(ran).toBe(false);
    expect(await stateItems(table)).toEqual([]);
  });

  it('rejects a bad environment naming the variable, and touches nothing', async () => {
    const handler = createJobHandler({
      job: 'pushOrders',
      environment: functionEnvironment(table, { JST_SHOP_ID: 'shop-one', ORDER_CURRENCY: 'eur' }),
      buildDependencies: async () => null,
      run: pagedJob(1),
    });
    const out = await captureStdout(() => handler({}, plentyOfTime()));
    expect(out.error).toMatchObject({ code: 'ENV_INVALID' });
    expect((out.error as Error).message).toMatch(/JST_SHOP_ID: expected the ERP shop number.*ORDER_CURRENCY: expected order or base/);
    expect(await stateItems(table)).toEqual([]);
  });

  it('runs a scheduled event as the incremental job, correlating logs with the EventBridge event id', async () => {
    const requests: RunContext['request'][] = [];
    const handler = createJobHandler({
      job: 'syncShipping',
      environment: functionEnvironment(table),
      buildDependencies: async () => null,
      run: async (d, ctx) => (requests.push(ctx.request), pagedJob(1)(d, ctx)),
    });
    const event = {
      version: '0',
      id: 'ev-7f3a',
      'detail-type': 'Scheduled Event',
      source: 'aws.events',
      account: '000000000000',
      time: '2026-11-28T10:00:00Z',
      region: 'eu-west-1',
      resources: [],
      detail: {},
    };
    const out = await captureStdout(() => handler(event, plentyOfTime()));
    expect(requests).toEqual([{ trigger: 'schedule', dryRun: false, mode: 'incremental', eventId: 'ev-7f3a' }]);
    expect(jsonLines(out.lines).find((l) => l.message === 'run summary')).toMatchObject({ correlation_id: 'ev-7f3a', trigger: 'schedule' });
  });

  it('runs the full inventory from the Scheduler input, and a manual dry run with explicit SKUs without moving the cursor', async () => {
    const requests: RunContext['request'][] = [];
    const handler = createJobHandler({
      job: 'syncInventory',
      environment: functionEnvironment(table),
      buildDependencies: async () => null,
      run: async (d, ctx) => (requests.push(ctx.request), pagedJob(1)(d, ctx)),
    });
    const full = await handler({ source: 'aws.scheduler', 'detail-type': 'Scheduled Event', detail: { mode: 'full' } }, plentyOfTime());
    expect(full.mode).toBe('full');
    const manual = await handler({ dryRun: true, skus: ['SKU-1', 'SKU-2'] }, plentyOfTime());
    expect(manual).toMatchObject({ mode: 'manual', dryRun: true });
    expect(requests[1]).toEqual({ trigger: 'manual', dryRun: true, mode: 'incremental', skus: ['SKU-1', 'SKU-2'] });
    expect(await committedPosition('syncInventory')).toBe(1);
  });

  it('disposes the dependencies after every invocation under invoke local (IS_LOCAL=true), and builds them again', async () => {
    const events: string[] = [];
    let builds = 0;
    const handler = createJobHandler({
      job: 'syncShipping',
      environment: functionEnvironment(table, { IS_LOCAL: 'true' }),
      buildDependencies: async () => `pool-${++builds}`,
      run: async (pool, ctx) => (events.push(`run with ${pool}`), pagedJob(1)(pool, ctx)),
      dispose: async (pool) => void events.push(`end ${pool}`),
    });
    await handler({}, plentyOfTime());
    await handler({}, plentyOfTime());
    expect(events).toEqual(['run with pool-1', 'end pool-1', 'run with pool-2', 'end pool-2']);
  });

  it('builds the dependencies again after a failed build', async () => {
    let builds = 0;
    const handler = createJobHandler({
      job: 'pushOrders',
      environment: functionEnvironment(table),
      buildDependencies: async () => {
        if (++builds === 1) throw new FecjstError('STORE_UNAVAILABLE', 'database not reachable');
        return builds;
      },
      run: pagedJob(1),
    });
    await expect(captureStdout(() => handler({}, plentyOfTime())).then((o) => o.error)).resolves.toMatchObject({ code: 'STORE_UNAVAILABLE' });
    expect(await stateItems(table)).toEqual([]);
    await expect(handler({}, plentyOfTime())).resolves.toMatchObject({ complete: true });
    expect(builds).toBe(2);
  });
});
