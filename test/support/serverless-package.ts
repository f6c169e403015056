import { execFile } from 'node:child_process';
import { mkdtempSync, readFileSync, readdirSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';

const execFileAsync = promisify(execFile);
const root = join(__dirname, '..', '..');

export interface PackagedService {
  dir: string;
  /** The CloudFormation template `serverless deploy` would send. */
  template: { Resources: Record<string, { Type: string; Properties?: Record<string, any>; DependsOn?: unknown }>; Outputs?: Record<string, unknown> };
  /** Artifact name -> size in bytes. */
  artifacts: Record<string, number>;
}

/** Runs `serverless package` offline (no AWS credentials, no network) into a fresh directory. */
export async function packageService(stage = 'test', params: string[] = []): Promise<PackagedService> {
  const dir = mkdtempSync(join(tmpdir(), 'fecjst-sls-'));
  const env: NodeJS.ProcessEnv = { ...process.env, SLS_TELEMETRY_DISABLED: '1', AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED: 'true' };
  delete env.AWS_ACCESS_KEY_ID;
  delete env.AWS_SECRET_ACCESS_KEY;
  // jstShopId is required at package time; tests that do not name one get a placeholder
  // (`jstShopId=` means: pass none at all, the CLI refuses an empty value).
  const allParams = params.some((p) => p.startsWith('jstShopId=')) ? params.filter((p) => p !== 'jstShopId=') : ['jstShopId=10001', ...params];
  await execFileAsync(
    join(root, 'node_modules', '.bin', 'serverless'),
    ['package', '--stage', stage, '--package', dir, ...allParams.flatMap((p) => ['--param', p])],
    { cwd: root, env, maxBuffer: 16 * 1024 * 1024 },
  );
  const template = JSON.parse(readFileSync(join(dir, 'cloudformation-template-update-stack.json'), 'utf8'));
  const artifacts: Record<string, number> = {};
  for (const name of readdirSync(dir)) if (name.endsWith('.zip')) artifacts[name] = statSync(join(dir, name)).size;
  return { dir, template, artifacts };
}
