import { FecjstError } from '../../../shared/errors';
import { createJobHandler } from '../../../shared/runtime/handler-factory';
import type { RunOutcome } from '../../../shared/domain/run-outcome';
import { CursorStore } from '../../../shared/state/cursor-store';
import { JobControl } from '../../../shared/state/job-control';
import { LeaseStore } from '../../../shared/state/lease';
import { RunHistory } from '../../../shared/state/run-history';
import { createStateDocumentClient } from '../../../shared/state/state-table';
import { captureStdout } from '../../support/capture-stdout';
import { useDynalite } from '../../support/dynamo';
import { createStateTable } from '../../support/state-table';
import { controlledContext, functionEnvironment, jsonLines, pagedJob, plentyOfTime, publishedMetrics } from './runtime-test-kit';

describe('the handler middlewares (dynalite)', () => {
  useDynalite();
  const doc = createStateDocumentClient();
  let table: string;
  beforeEach(async () => {
    table = await createStateTable();
  });
  afterAll(() => doc.destroy());

  it('under invoke local (IS_LOCAL), a run skipped by the lease does not close the pool of the run holding it', async () => {
    const events: string[] = [];
    let builds = 0;
    let release!: () => void;
    const gate = new Promise<void>((resolve) => (release = resolve));
    let entered!: () => void;
    const inside = new Promise<void>((resolve) => (entered = resolve));
    const handler = createJobHandler({
      job: 'syncShipping',
      environment: functionEnvironment(table, { IS_LOCAL: 'true' }),
      buildDependencies: async () => ({ name: `pool-${++builds}`, closed: false }),
      run: async (pool, ctx) => {
        entered();
        await gate;
        // The pool must still be open after the skipped invocation returned.
        events.push(`${pool.name} ${pool.closed ? 'closed' : 'open'} after the skip`);
        return pagedJob(1)(pool, ctx);
      },
      dispose: async (pool) => {
        pool.closed = true;
        events.push(`end ${pool.name}`);
      },
    });
    const holder = handler({}, plentyOfTime());
    await inside;
    const skipped = await handler({}, plentyOfTime());
    expect(skipped.skipped).toBe('already running');
    release();
    await expect(holder).resolves.toMatchObject({ complete: true });
    expect(events).toEqual(['pool-1 open after the skip', 'end pool-1']);
  });

  it('logs one "run started" line with trigger, mode, window and cursor, progress lines at most every 30 s, and why a run is incomplete', async () => {
    let now = Date.parse('2026-11-28T10:00:00Z');
    let remaining = 120_000;
    const handler = createJobHandler({
      job: 'syncInventory',
      environment: functionEnvironment(table),
      clock: { now: () => now },
      buildDependencies: async () => null,
      run: pagedJob(15, (page, ctx) => {
        now += 10_000; // 10 s per page: progress is logged on pages 3, 6 and 9 only
        remaining -= 10_000;
        ctx.progress?.({ pages: page });
      }),
    });
    const out = await captureStdout(() =>
      handler(
        { from: '2026-11-27T00:00:00+08:00', to: '2026-11-28T00:00:00+08:00' },
        controlledContext(() => remaining),
      ),
    );
    const lines = jsonLines(out.lines);
    const started = lines.filter((l) => l.message === 'run started');
    expect(started).toHaveLength(1);
    expect(started[0]).toMatchObject({
      trigger: 'manual',
      mode: 'incremental',
      window: { from: '2026-11-26T16:00:00.000Z', to: '2026-11-27T16:00:00.000Z' },
      cursor: {},
    });
    expect(lines.filter((l) => l.message === 'run progress').map((l) => l.counts)).toEqual([{ pages: 3 }, { pages: 6 }, { pages: 9 }]);
    expect(out.result).toMatchObject({ complete: false, incompleteReason: expect.stringMatching(/soft deadline/) });
  });

  it('writes a "run timing out" line with the last counts just before the hard timeout', async () => {
    const start = Date.now();
    const handler = createJobHandler({
      job: 'syncShipping',
      environment: functionEnvironment(table, { DEADLINE_MARGIN_MS: '0' }),
      buildDependencies: async () => null,
      run: async (_deps, ctx): Promise<RunOutcome> => {
        ctx.progress?.({ pages: 7 });
        await new Promise((resolve) => setTimeout(resolve, 1_300));
        return { window: { from: null, to: null }, complete: true, counts: { pages: 7 }, failures: [], cursor: { before: null, after: null } };
      },
    });
    const out = await captureStdout(() =>
      handler(
        {},
        controlledContext(() => 1_200 - (Date.now() - start)),
      ),
    );
    expect(jsonLines(out.lines).find((l) => l.message === 'run timing out')).toMatchObject({ level: 'ERROR', counts: { pages: 7 } });
  });

  it('publishes CursorLagSeconds on failed and skipped runs too, from the committed cursor', async () => {
    const cursors = new CursorStore(doc, table);
    const leases = new LeaseStore(doc, table);
    const setup = await leases.acquire('syncShipping', 'setup', 60_000, Date.now());
    await cursors.advance('syncShipping', 'incremental', Date.now() - 3_600_000, setup!.fence, Date.now());
    await leases.release(setup!);

    const failing = createJobHandler({
      job: 'syncShipping',
      environment: functionEnvironment(table),
      buildDependencies: async () => null,
      run: async () => {
        throw new FecjstError('JST_UNAVAILABLE', 'ERP down');
      },
    });
    const failed = await captureStdout(() => failing({}, plentyOfTime()));
    expect(failed.error).toMatchObject({ code: 'JST_UNAVAILABLE' });
    expect(publishedMetrics(failed.lines).CursorLagSeconds).toBeGreaterThanOrEqual(3600);
    expect((await new RunHistory(doc, table, 30).latest('syncShipping'))[0]).toMatchObject({
      complete: false,
      incompleteReason: expect.stringMatching(/JST_UNAVAILABLE/),
    });

    const held = await leases.acquire('syncShipping', 'other', 60_000, Date.now());
    const skipped = await captureStdout(() => failing({}, plentyOfTime()));
    expect(skipped.result?.skipped).toBe('already running');
    expect(publishedMetrics(skipped.lines).CursorLagSeconds).toBeGreaterThanOrEqual(3600);
    await leases.release(held!);
  });

  it('rejects an invalid manual event with a clear error counted as EventsRejected, not RunFailed (it does not page)', async () => {
    const handler = createJobHandler({ job: 'pushOrders', environment: functionEnvironment(table), buildDependencies: async () => null, run: pagedJob(1) });
    const out = await captureStdout(() => handler({ order: ['1'] }, plentyOfTime()));
    expect(out.error).toMatchObject({ code: 'EVENT_INVALID' });
    expect((out.error as Error).message).toMatch(/unknown field "order"/);
    expect(publishedMetrics(out.lines)).toMatchObject({ EventsRejected: 1 });
    expect(publishedMetrics(out.lines).RunFailed).toBeUndefined();
  });

  it('names the store database and its secret when a database error fails the run', async () => {
    const handler = createJobHandler({
      job: 'pushOrders',
      environment: functionEnvironment(table),
      buildDependencies: async () => {
        throw Object.assign(new Error('connect ECONNREFUSED 127.0.0.1:3399'), { code: 'ECONNREFUSED', fatal: true });
      },
      run: pagedJob(1),
    });
    const out = await captureStdout(() => handler({}, plentyOfTime()));
    expect((out.error as Error).message).toBe(
      'pushOrders: run failed: store database (credentials in secret fecjst/test/db): connect ECONNREFUSED 127.0.0.1:3399',
    );
    expect(out.error).toMatchObject({ context: { dependency: 'store-database' } });
  });

  it('skips scheduled runs of a paused job (RunPaused, nothing touched) and still runs manual ones', async () => {
    await new JobControl(doc, table).write('pushOrders', { paused: true, changedBy: 'test', changedAt: Date.now() });
    let runs = 0;
    const handler = createJobHandler({
      job: 'pushOrders',
      environment: functionEnvironment(table),
      buildDependencies: async () => null,
      run: async (d, ctx) => (runs++, pagedJob(1)(d, ctx)),
    });
    const scheduled = { id: 'ev-1', source: 'aws.events', 'detail-type': 'Scheduled Event', detail: {} };
    const out = await captureStdout(() => handler(scheduled, plentyOfTime()));
    expect(out.result).toMatchObject({ skipped: 'paused', complete: false });
    expect(publishedMetrics(out.lines)).toMatchObject({ RunPaused: 1 });
    expect(runs).toBe(0);
    expect(await new CursorStore(doc, table).readAll('pushOrders')).toEqual({ version: 0, positions: {} });
    await expect(handler({ dryRun: true }, plentyOfTime())).resolves.toMatchObject({ complete: true });
    expect(runs).toBe(1);
  });

  it('names the state table when it cannot be used', async () => {
    const handler = createJobHandler({
      job: 'syncShipping',
      environment: functionEnvironment('fecjst-no-such-table'),
      buildDependencies: async () => null,
      run: pagedJob(1),
    });
    const out = await captureStdout(() => handler({}, plentyOfTime()));
    expect(out.error).toMatchObject({ code: 'STATE_TABLE_UNAVAILABLE', context: { table: 'fecjst-no-such-table' } });
    expect((out.error as Error).message).toMatch(/^state table fecjst-no-such-table \(STATE_TABLE\): could not take the lease: /);
  });
});
