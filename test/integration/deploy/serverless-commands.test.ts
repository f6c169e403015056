import { execFile } from 'node:child_process';
import { join } from 'node:path';
import { promisify } from 'node:util';

const execFileAsync = promisify(execFile);
const root = join(__dirname, '..', '..', '..');

/**
 * `serverless invoke local` as an outside test suite drives it: the documented variables
 * (docs/design.md §9) in `--env` or the process environment, no `--param`. No secret exists, so a
 * run that got past its configuration stops at reading one of the two secrets it was given.
 */
async function invokeLocal(args: string[], environment: Record<string, string> = {}): Promise<string> {
  const env: NodeJS.ProcessEnv = {
    ...process.env,
    SLS_TELEMETRY_DISABLED: '1',
    AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED: 'true',
    AWS_REGION: 'eu-west-1',
    AWS_ACCESS_KEY_ID: 'test',
    AWS_SECRET_ACCESS_KEY: 'test',
    AWS_ENDPOINT_URL: 'http://127.0.0.1:9',
    ...environment,
  };
  delete env.JST_SHOP_ID;
  delete env.JST_SECRET_ID;
  delete env.DB_SECRET_ID;
  Object.assign(env, environment);
  const cli = join(root, 'node_modules', '.bin', 'serverless');
  const cmd = ['invoke', 'local', '-f', 'pushOrders', '--stage', 'test', '--data', '{"dryRun":true}', ...args];
  return execFileAsync(cli, cmd, { cwd: root, env, maxBuffer: 16 * 1024 * 1024 }).then(
    ({ stdout, stderr }) => stdout + stderr,
    (error: { stdout?: string; stderr?: string }) => `${error.stdout ?? ''}${error.stderr ?? ''}`,
  );
}

describe('serverless invoke local without --param', () => {
  it('takes the shop number and the secret id from --env', async () => {
    const output = await invokeLocal(['--env', 'JST_SHOP_ID=10001', '--env', 'JST_SECRET_ID=outside/suite/jst', '--env', 'DB_SECRET_ID=outside/suite/db']);
    expect(output).not.toMatch(/jstShopId is required/);
    expect(output).toMatch(/Cannot read secret outside\/suite\/(jst|db) from Secrets Manager/);
  }, 120_000);

  it('takes the documented variables from the process environment', async () => {
    const output = await invokeLocal([], { JST_SHOP_ID: '10001', JST_SECRET_ID: 'from/process/jst', DB_SECRET_ID: 'from/process/db' });
    expect(output).not.toMatch(/jstShopId is required/);
    expect(output).toMatch(/Cannot read secret from\/process\/(jst|db) from Secrets Manager/);
  }, 120_000);

  it('without any shop number, the function itself says which variable is missing', async () => {
    const output = await invokeLocal([]);
    expect(output).not.toMatch(/jstShopId is required/);
    expect(output).toMatch(/JST_SHOP_ID/);
  }, 120_000);
});

describe('serverless info, logs, invoke and remove without --param', () => {
  /** Runs a framework command against an AWS endpoint that refuses connections (nothing can change). */
  async function command(args: string[]): Promise<string> {
    const env: NodeJS.ProcessEnv = {
      ...process.env,
      SLS_TELEMETRY_DISABLED: '1',
      AWS_REGION: 'eu-west-1',
      AWS_ACCESS_KEY_ID: 'test',
      AWS_SECRET_ACCESS_KEY: 'test',
    };
    for (const name of Object.keys(env)) if (name.startsWith('AWS_ENDPOINT_URL')) delete env[name];
    env.AWS_ENDPOINT_URL = 'http://127.0.0.1:9';
    const cli = join(root, 'node_modules', '.bin', 'serverless');
    return execFileAsync(cli, [...args, '--stage', 'test'], { cwd: root, env, maxBuffer: 16 * 1024 * 1024 }).then(
      ({ stdout, stderr }) => stdout + stderr,
      (error: { stdout?: string; stderr?: string }) => `${error.stdout ?? ''}${error.stderr ?? ''}`,
    );
  }

  it.each([[['info']], [['logs', '-f', 'pushOrders']], [['invoke', '-f', 'pushOrders', '--data', '{"dryRun":true}']], [['remove']]])(
    '%j resolves the configuration and goes on to AWS',
    async (args) => {
      const output = await command(args);
      expect(output).not.toMatch(/jstShopId is required/);
      expect(output).toMatch(/ECONNREFUSED 127\.0\.0\.1:9/);
    },
    120_000,
  );
});
