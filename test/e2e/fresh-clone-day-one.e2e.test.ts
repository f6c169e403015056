import { execFile } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { DEMO_CREDENTIALS } from '../../dev/jst-sandbox/server';
import type { LocalStack } from '../../dev/local/local-stack-file';
import { describeWithMoto } from '../support/moto';

const execFileAsync = promisify(execFile);
const root = join(__dirname, '..', '..');

/**
 * Day one on a fresh clone (issue #25): the repository's HEAD cloned into an empty directory (node_modules
 * linked, not installed), then `npm run local -- up`, `npm run ops -- connect --stage local --from-file …`
 * (a self-developed app: app key and secret only, getInitToken issues the tokens), `npm run ops -- doctor
 * --stage local` (exit code 0) and a first dry run, and `npm run local -- down`.
 */
describeWithMoto('a fresh clone: local stack up, connect, doctor, a first dry run', () => {
  const work = mkdtempSync(join(tmpdir(), 'fecjst-clone-'));
  const clone = join(work, 'fecjst');
  const stackDir = join(work, 'stack');
  const env = {
    ...process.env,
    FECJST_LOCAL_DIR: stackDir,
    MYSQL_URL: process.env.FECJST_TEST_MYSQL_URL ?? '',
    AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED: 'true',
    LOG_LEVEL: 'WARN',
  };
  const npm = (...args: string[]) => execFileAsync('npm', ['run', '--silent', ...args], { cwd: clone, env, maxBuffer: 32 * 1024 * 1024 });

  beforeAll(async () => {
    const { stdout: head } = await execFileAsync('git', ['rev-parse', 'HEAD'], { cwd: root });
    await execFileAsync('git', ['clone', '--quiet', '--no-checkout', root, clone]);
    await execFileAsync('git', ['checkout', '--quiet', head.trim()], { cwd: clone });
    symlinkSync(join(root, 'node_modules'), join(clone, 'node_modules'), 'dir');
  }, 60_000);
  afterAll(async () => {
    await npm('local', '--', 'down').catch(() => undefined);
    rmSync(work, { recursive: true, force: true });
  }, 60_000);

  it('goes from npm run local -- up to a clean doctor and a first dry run', async () => {
    const up = await npm('local', '--', 'up');
    expect(up.stdout).toMatch(/local stack up/);
    const stack = JSON.parse(readFileSync(join(stackDir, 'stack.json'), 'utf8')) as LocalStack;

    const mysqlUrl = new URL(stack.mysql.url);
    const input = join(work, 'connect.json');
    writeFileSync(
      input,
      JSON.stringify({
        jst: { appKey: DEMO_CREDENTIALS.open.appKey, appSecret: DEMO_CREDENTIALS.open.appSecret },
        db: {
          host: mysqlUrl.hostname,
          port: Number(mysqlUrl.port || 3306),
          username: decodeURIComponent(mysqlUrl.username || 'root'),
          password: decodeURIComponent(mysqlUrl.password),
          dbname: stack.mysql.database,
        },
      }),
    );
    const connect = await npm('ops', '--', 'connect', '--stage', 'local', '--from-file', input, '--yes');
    expect(connect.stdout).toContain(`updated secret ${stack.jstSecretId}`);
    expect(connect.stdout).toContain(`updated secret ${stack.dbSecretId}`);
    expect(connect.stdout).not.toContain(DEMO_CREDENTIALS.open.appSecret);

    // Exit code 0 (execFile rejects otherwise): no blocker.
    const doctor = await npm('ops', '--', 'doctor', '--stage', 'local');
    expect(doctor.stdout).toMatch(/^0 blocker\(s\)/m);
    expect(doctor.stdout).toMatch(/✔ erp\.shop\s+shop \d+ .* is a shop of this account/);
    expect(doctor.stdout).toMatch(/erp\.skuSample\s+\d+ of 200 store SKUs known to the ERP/);

    const dryRun = await npm('ops', '--', 'replay', 'syncInventory', '--stage', 'local', '--data', '{"dryRun":true}', '--yes');
    expect(dryRun.stdout).toMatch(/started syncInventory run/);
    const summary = JSON.parse(dryRun.stdout.slice(dryRun.stdout.indexOf('\n{') + 1)) as { job: string; dryRun: boolean; error?: unknown };
    expect(summary).toMatchObject({ job: 'syncInventory', dryRun: true });
    expect(summary.error).toBeUndefined();
  }, 240_000);
});
