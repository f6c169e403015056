import { GetCommand } from '@aws-sdk/lib-dynamodb';
import { createJobHandler, type RunContext } from '../../../shared/runtime/handler-factory';
import type { RunOutcome } from '../../../shared/runtime/run-summary';
import { createStateDocumentClient } from '../../../shared/state/state-table';
import { RunHistory } from '../../../shared/state/run-history';
import { captureStdout, lambdaContext } from '../../support/capture-stdout';
import { useDynalite } from '../../support/dynamo';
import { createStateTable } from '../../support/state-table';

/** A job that processes `pages` pages, committing its cursor after each, stopping at the deadline. */
function pagedJob(pages: number, opts: { pageMs?: number; failAt?: number; secretLog?: boolean } = {}) {
  return async (_deps: unknown, ctx: RunContext): Promise<RunOutcome> => {
    const before = (await ctx.cursors.read<number>('incremental')) ?? 0;
    let position = before;
    let complete = true;
    if (opts.secretLog) ctx.logger.info('diagnostics', { accessToken: 'tok-SECRET', receiver_phone: '13812345678', sku: 'A-1' });
    for (let page = 1; page <= pages; page++) {
      if (ctx.deadline.expired()) {
        complete = false;
        break;
      }
      if (opts.failAt === page) throw Object.assign(new Error('database down'), { code: 'DB_DOWN' });
      await new Promise((r) => setTimeout(r, opts.pageMs ?? 1));
      position += 1;
      if (!ctx.request.dryRun) await ctx.cursors.advance('incremental', position);
    }
    return { window: { from: null, to: null }, complete, counts: { pages: position - before }, failures: [], cursor: { before, after: position } };
  };
}

describe('job handler factory', () => {
  useDynalite();
  let table: string;
  const env = () => ({ STATE_TABLE: table, JST_SECRET_ID: 'j', DB_SECRET_ID: 'd', JST_SHOP_ID: '10001', DEADLINE_MARGIN_MS: '1000' });
  beforeEach(async () => {
    table = await createStateTable();
  });

  it('builds dependencies once per cold start, returns the summary, logs it once and keeps it in history', async () => {
    let builds = 0;
    const handler = createJobHandler({ job: 'syncShipping', environment: env(), buildDependencies: async () => ++builds, run: pagedJob(3) });
    const first = await captureStdout(() => handler({}, lambdaContext() as never));
    const second = await handler({}, lambdaContext() as never);
    expect(builds).toBe(1);
    expect(first.result).toMatchObject({ job: 'syncShipping', mode: 'incremental', dryRun: false, complete: true, counts: { pages: 3 }, cursor: { before: 0, after: 3 } });
    expect(second).toMatchObject({ cursor: { before: 3, after: 6 } });
    expect(first.lines.filter((l) => l.includes('"run summary"'))).toHaveLength(1);
    expect(first.lines.some((l) => l.includes('"RunSucceeded"'))).toBe(true);
    expect(await new RunHistory(createStateDocumentClient(), table, 30).latest('syncShipping')).toHaveLength(2);
  });

  it('lets one of two concurrent runs proceed and returns skipped: "already running" from the other', async () => {
    const handler = createJobHandler({ job: 'pushOrders', environment: env(), buildDependencies: async () => null, run: pagedJob(5, { pageMs: 40 }) });
    const [a, b] = await Promise.all([handler({}, lambdaContext() as never), handler({}, lambdaContext() as never)]);
    const skipped = [a, b].filter((s) => s.skipped === 'already running');
    expect(skipped).toHaveLength(1);
    expect([a, b].find((s) => !s.skipped)).toMatchObject({ complete: true, counts: { pages: 5 } });
  });

  it('commits finished pages and returns complete: false at the soft deadline; the next run continues', async () => {
    const handler = createJobHandler({ job: 'syncInventory', environment: env(), buildDependencies: async () => null, run: pagedJob(100, { pageMs: 20 }) });
    const cut = await handler({}, lambdaContext(1_300) as never);
    expect(cut.complete).toBe(false);
    expect(cut.cursor.after).toBeGreaterThan(0);
    expect(cut.cursor.after).toBeLessThan(100);
    const next = await handler({}, lambdaContext(600_000) as never);
    expect(next.cursor.before).toBe(cut.cursor.after);
  });

  it('fails the invocation on a run-level failure without moving the cursor past committed work', async () => {
    const handler = createJobHandler({ job: 'syncShipping', environment: env(), buildDependencies: async () => null, run: pagedJob(5, { failAt: 3 }) });
    const out = await captureStdout(() => handler({}, lambdaContext() as never));
    expect(out.error).toMatchObject({ code: 'DB_DOWN' });
    expect(out.lines.some((l) => l.includes('"run failed"') && l.includes('DB_DOWN'))).toBe(true);
    expect(out.lines.some((l) => l.includes('"RunFailed"'))).toBe(true);
    const cursor = await createStateDocumentClient().send(new GetCommand({ TableName: table, Key: { pk: 'CURSOR#syncShipping', sk: 'CURSOR' } }));
    expect(cursor.Item?.positions.incremental.position).toBe(2);
  });

  it('rejects a malformed event with a clear error and touches nothing (no lease taken)', async () => {
    let ran = false;
    const handler = createJobHandler({ job: 'pushOrders', environment: env(), buildDependencies: async () => null, run: async () => ((ran = true), pagedJob(1)(null, {} as never)) });
    await expect(handler({ orders: 'not-a-list' }, lambdaContext() as never)).rejects.toMatchObject({ code: 'EVENT_INVALID' });
    await expect(handler({ sku: ['A'] }, lambdaContext() as never)).rejects.toThrow(/unknown field "sku"/);
    expect(ran).toBe(false);
    const lease = await createStateDocumentClient().send(new GetCommand({ TableName: table, Key: { pk: 'LEASE#pushOrders', sk: 'LEASE' } }));
    expect(lease.Item).toBeUndefined();
  });

  it('rejects a bad environment naming the variable', async () => {
    const handler = createJobHandler({ job: 'pushOrders', environment: { ...env(), JST_SHOP_ID: 'x' }, buildDependencies: async () => null, run: pagedJob(1) });
    await expect(handler({}, lambdaContext() as never)).rejects.toThrow(/JST_SHOP_ID/);
  });

  it('never prints a secret, token or phone number in its logs', async () => {
    const handler = createJobHandler({ job: 'syncShipping', environment: env(), buildDependencies: async () => null, run: pagedJob(1, { secretLog: true }) });
    const out = await captureStdout(() => handler({}, lambdaContext() as never));
    const text = out.lines.join('\n');
    expect(text).toContain('A-1');
    expect(text).not.toContain('tok-SECRET');
    expect(text).not.toContain('13812345678');
  });
});
