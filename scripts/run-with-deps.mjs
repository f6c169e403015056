#!/usr/bin/env node
// Runs a project command after making sure the npm packages are installed (npm ci when node_modules
// is missing). Used by `npm test` and `npm run demo`, so each works on a fresh clone.
//   node scripts/run-with-deps.mjs <bin-or-file> [args...]
import { spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
if (!existsSync(join(root, 'node_modules', '.bin', 'jest')) || !existsSync(join(root, 'node_modules', '.bin', 'tsx'))) {
  console.log('[fecjst] node_modules is missing: running npm ci');
  const ci = spawnSync('npm', ['ci', '--no-audit', '--no-fund'], { cwd: root, stdio: 'inherit' });
  if (ci.status !== 0) process.exit(ci.status ?? 1);
}
const [command, ...args] = process.argv.slice(2);
const bin = join(root, 'node_modules', '.bin', command);
const env = { ...process.env, AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED: 'true' };
const result = spawnSync(existsSync(bin) ? bin : command, args, { cwd: root, stdio: 'inherit', env });
process.exit(result.status ?? 1);
