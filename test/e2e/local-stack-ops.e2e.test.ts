import { execFile } from 'node:child_process';
import { PutCommand } from '@aws-sdk/lib-dynamodb';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { readLocalStack } from '../../dev/local/local-stack-file';
import { localOpsTarget } from '../../dev/local/local-ops-target';
import type { RunSummary } from '../../shared/runtime/run-summary';
import { JobControl } from '../../shared/state/job-control';
import { LeaseStore } from '../../shared/state/lease';
import { RetrySet } from '../../shared/state/retry-set';
import { CursorStore } from '../../shared/state/cursor-store';
import { runOps } from '../../scripts/ops/main';
import type { OpsIo, OpsTarget } from '../../scripts/ops/ops-target';
import { describeWithMoto } from '../support/moto';

const execFileAsync = promisify(execFile);
const root = join(__dirname, '..', '..');

/**
 * A new user's path: `npm run local -- up`, one `invoke` per function, then every ops command against
 * the local stack (`--stage local`), and `down`. The stack runs in a directory of its own.
 */
describeWithMoto('the local stack and the ops command (npm run local / npm run ops -- --stage local)', () => {
  const dir = mkdtempSync(join(tmpdir(), 'fecjst-local-'));
  const savedEnv = { ...process.env };
  const childEnv = () => ({
    ...savedEnv,
    FECJST_LOCAL_DIR: dir,
    MYSQL_URL: process.env.FECJST_TEST_MYSQL_URL ?? '',
    AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED: 'true',
    LOG_LEVEL: 'WARN',
  });
  const local = (...args: string[]) =>
    execFileAsync(process.execPath, ['--import', 'tsx', join(root, 'dev', 'local', 'local-stack-main.ts'), ...args], {
      cwd: root,
      env: childEnv(),
      maxBuffer: 32 * 1024 * 1024,
    });
  let target: OpsTarget;
  const lines: string[] = [];
  const io = (answer = false): OpsIo => ({ out: (l) => void lines.push(l), confirm: async (q) => (lines.push(`? ${q}`), answer) });
  const ops = (argv: string[], answer = false) => runOps([...argv, '--stage', 'local'], io(answer), () => target);

  beforeAll(async () => {
    const up = await local('up');
    expect(up.stdout).toMatch(/local stack up/);
    process.env.FECJST_LOCAL_DIR = dir;
    target = localOpsTarget(readLocalStack()!);
  }, 120_000);
  afterAll(async () => {
    await local('down').catch(() => undefined);
    target?.doc.destroy();
    for (const key of Object.keys(process.env)) if (!(key in savedEnv)) delete process.env[key];
    Object.assign(process.env, savedEnv);
    rmSync(dir, { recursive: true, force: true });
  }, 60_000);

  const summaryOf = (stdout: string): RunSummary => JSON.parse(stdout.slice(stdout.lastIndexOf('\n{\n') + 1)) as RunSummary;

  it.each(['syncInventory', 'pushOrders', 'syncShipping'])(
    'invokes %s with one command, as serverless invoke local would',
    async (job) => {
      const { stdout } = await local('invoke', job, '--data', '{"dryRun":true}');
      expect(summaryOf(stdout)).toMatchObject({ job, dryRun: true });
    },
    60_000,
  );

  it('status, runs: per job the lease, cursors, retry set and last runs', async () => {
    lines.length = 0;
    await ops(['status']);
    expect(lines.join('\n')).toMatch(/pushOrders\n {2}lease: {2}free\n/);
    // The reconcile's own lease and cursor (docs/design.md §4) are shown with the job.
    expect(lines).toContain('  reconcile (syncShipping#reconcile): lease free; cursor reconcile: none');
    // Times for people: ISO-8601 in Beijing time with the age, never epoch ms (docs/design.md §17).
    expect(lines.join('\n')).toMatch(/run \d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\+08:00 \((now|\d+ s ago|\d+ min ago)\) {2}incremental dry-run {2}complete/);
    expect(lines.join('\n')).not.toMatch(/\b\d{13}\b/);
    lines.length = 0;
    await ops(['runs', 'syncShipping']);
    expect(lines[0]).toMatch(/^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\+08:00 \((now|.+ ago)\) {2}incremental dry-run {2}complete/);
  });

  it('cursor set / show / reset: asks first, writes the stored shape under the lease, prints the change', async () => {
    lines.length = 0;
    await ops(['cursor', 'syncShipping', 'set', 'incremental', '2026-11-28T10:00:00+08:00']);
    expect(lines).toContain('nothing changed');
    await ops(['cursor', 'syncShipping', 'set', 'incremental', '2026-11-28T10:00:00+08:00'], true);
    expect(lines.at(-1)).toMatch(/^changed: syncShipping cursor incremental: none → 2026-11-28T10:00:00\+08:00 \(\d+\.\d d ago\)$/);
    // The stored position stays epoch ms (a machine field); only the printed line is for people.
    expect((await new CursorStore(target.doc, target.table).readAll('syncShipping')).positions.incremental?.position).toBe(1795831200000);
    lines.length = 0;
    await ops(['cursor', 'syncShipping', 'show']);
    expect(lines[0]).toMatch(
      /^syncShipping incremental: 2026-11-28T10:00:00\+08:00 \(\d+\.\d d ago\), moved \d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\+08:00 \((now|\d+ s ago)\)$/,
    );
    await ops(['cursor', 'syncShipping', 'reset', 'incremental', '--yes']);
    expect(lines.at(-1)).toMatch(/^changed: syncShipping cursor incremental: 2026-11-28T10:00:00\+08:00 \(\d+\.\d d ago\) → none$/);
    // A JSON position prints as JSON, with the times inside it for people; it is stored as typed.
    await ops(['cursor', 'syncInventory', 'set', 'probe', '{"afterSku":"SKU-000010","startedAtMs":1795831200000}', '--yes']);
    lines.length = 0;
    await ops(['cursor', 'syncInventory', 'show']);
    expect(lines.find((l) => l.startsWith('syncInventory probe:'))).toMatch(
      /^syncInventory probe: \{"afterSku":"SKU-000010","startedAtMs":"2026-11-28T10:00:00\+08:00 \(\d+\.\d d ago\)"\}, moved /,
    );
    expect((await new CursorStore(target.doc, target.table).readAll('syncInventory')).positions.probe?.position).toEqual({
      afterSku: 'SKU-000010',
      startedAtMs: 1795831200000,
    });
    await ops(['cursor', 'syncInventory', 'reset', 'probe', '--yes']);
    // A reconcile's own cursor item: `<job>#reconcile` (not for syncInventory, whose pass shares the job's).
    await ops(['cursor', 'pushOrders#reconcile', 'set', 'reconcile', '{"afterOrderId":42}', '--yes']);
    expect((await new CursorStore(target.doc, target.table).readAll('pushOrders#reconcile')).positions.reconcile?.position).toEqual({ afterOrderId: 42 });
    await ops(['cursor', 'pushOrders#reconcile', 'reset', 'reconcile', '--yes']);
    await expect(ops(['cursor', 'syncInventory#reconcile', 'show'])).rejects.toThrow(/expected a job/);
    // A run holding the lease: the operator is told to wait, nothing moves.
    const held = await new LeaseStore(target.doc, target.table).acquire('syncShipping', 'a-run', 60_000, Date.now());
    await expect(ops(['cursor', 'syncShipping', 'set', 'incremental', '2026-11-28T10:00:00+08:00', '--yes'])).rejects.toThrow(/is running/);
    await new LeaseStore(target.doc, target.table).release(held!);
  });

  it('failed: lists the retry set, waiting and given-up items', async () => {
    const leases = new LeaseStore(target.doc, target.table);
    const lease = await leases.acquire('syncInventory', 'test', 60_000, Date.now());
    const set = new RetrySet(target.doc, target.table, 'syncInventory', { maxAttempts: 2 });
    await set.record(
      [
        { key: 'SKU-000001', reason: 'qty out of range' },
        { key: 'SKU-000002', reason: 'bad row' },
      ],
      Date.now(),
      lease!.fence,
    );
    await set.record([{ key: 'SKU-000002', reason: 'bad row' }], Date.now(), lease!.fence);
    await leases.release(lease!);
    lines.length = 0;
    await ops(['failed', 'syncInventory']);
    expect(lines[0]).toBe('syncInventory: 1 waiting for a retry, 1 given up');
    expect(lines.join('\n')).toMatch(/retry {2}SKU-000001 {2}attempts 1.*qty out of range/);
    expect(lines.join('\n')).toMatch(/GIVEN UP {2}SKU-000002 {2}after 2 attempts.*bad row/);
    // pushOrders: also its list of given-up orders.
    await target.doc.send(
      new PutCommand({
        TableName: target.table,
        Item: { pk: 'ORDERS_GIVEN_UP#10001', sk: '1100000007', incrementId: '1100000007', attempts: 10, reason: 'code 140: bad SKU', givenUpAt: Date.now() },
      }),
    );
    lines.length = 0;
    await ops(['failed', 'pushOrders']);
    expect(lines).toContain('pushOrders: 1 orders given up');
    expect(lines.join('\n')).toMatch(
      /GIVEN UP {2}order 1100000007 {2}after 10 attempts, given up \d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\+08:00 \((now|\d+ s ago)\): code 140: bad SKU/,
    );
  });

  it('replay: validates the event first, runs asynchronously and waits for the summary in run history', async () => {
    await expect(ops(['replay', 'pushOrders', '--data', '{"dryrun":true}'])).rejects.toThrow(/unknown field "dryrun".*nothing was sent/);
    lines.length = 0;
    await ops(['replay', 'pushOrders', '--data', '{"orders":["1100000001"]}']);
    expect(lines.at(-1)).toBe('nothing sent');
    lines.length = 0;
    await ops(['replay', 'syncShipping', '--data', '{"dryRun":true,"from":"2026-11-20T00:00:00+08:00","to":"2026-11-21T00:00:00+08:00"}']);
    expect(lines[0]).toMatch(/^started syncShipping run local-\S+ \(asynchronously\)/);
    expect(lines[1]).toMatch(/manual dry-run {2}complete/);
  }, 60_000);

  it('pause / resume: scheduled runs of a paused job are skipped, manual ones go; the switch is printed', async () => {
    lines.length = 0;
    await ops(['pause', 'pushOrders', '--reason', 'ERP maintenance'], true);
    expect(lines).toContain('changed: state table: pushOrders pause switch off → on');
    expect((await new JobControl(target.doc, target.table).read('pushOrders')).paused).toBe(true);
    const scheduled = await local(
      'invoke',
      'pushOrders',
      '--data',
      JSON.stringify({ source: 'aws.events', 'detail-type': 'Scheduled Event', id: 'e1', detail: {} }),
    );
    expect(summaryOf(scheduled.stdout)).toMatchObject({ skipped: 'paused' });
    lines.length = 0;
    await ops(['status', 'pushOrders']);
    expect(lines[0]).toMatch(/^pushOrders {2}PAUSED by ops:\S+ \d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\+08:00 \((now|\d+ s ago)\)$/);
    await ops(['resume', 'pushOrders', '--yes']);
    expect(lines).toContain('changed: state table: pushOrders pause switch on → off');
  }, 60_000);

  it('stock-rules: set on the local stack, and the next local run applies it (#24)', async () => {
    lines.length = 0;
    await ops(['stock-rules', 'set', '--global', '--units', '3'], true);
    expect(lines).toContain('changed: global: no rule → 3 units');
    lines.length = 0;
    await ops(['stock-rules', 'list']);
    expect(lines[1]).toMatch(/^ {2}global\s+3 units\s+ops:/);
    const { stdout } = await local('invoke', 'syncInventory', '--data', '{"dryRun":true,"skus":["SKU-000001"]}');
    expect(summaryOf(stdout)).toMatchObject({ details: { safetyStock: { global: '3 units', prefixRules: 0, skuRules: 0 } } });
    await ops(['stock-rules', 'remove', '--global', '--yes']);
    expect(lines).toContain('changed: global: 3 units → no rule');
  }, 60_000);
});
