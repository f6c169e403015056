#!/usr/bin/env node
// `npm test`: installs the npm packages if they are missing, then runs jest with any extra arguments.
// The services the tests need (MySQL/MariaDB, dynalite, moto_server) are found or started by
// test/support/global-setup.ts; see README "Tests".
import { spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
if (!existsSync(join(root, 'node_modules', '.bin', 'jest'))) {
  console.log('[npm test] node_modules is missing: running npm ci');
  const ci = spawnSync('npm', ['ci', '--no-audit', '--no-fund'], { cwd: root, stdio: 'inherit' });
  if (ci.status !== 0) process.exit(ci.status ?? 1);
}
const env = { ...process.env, AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED: 'true' };
const result = spawnSync(join(root, 'node_modules', '.bin', 'jest'), process.argv.slice(2), { cwd: root, stdio: 'inherit', env });
process.exit(result.status ?? 1);
