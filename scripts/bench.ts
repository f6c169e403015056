/**
 * `npm run bench [-- name ...]`: runs the benchmark scripts in dev/bench/<name>.ts and prints their
 * figures. Without a name it runs all of them. Benchmarks print figures; they never assert timings.
 */
import { readdirSync } from 'node:fs';
import { join } from 'node:path';
import { spawnSync } from 'node:child_process';

const dir = join(__dirname, '..', 'dev', 'bench');
const available = readdirSync(dir)
  .filter((f) => f.endsWith('.ts') && !f.startsWith('_'))
  .map((f) => f.replace(/\.ts$/, ''))
  .sort();
const asked = process.argv.slice(2).filter((a) => !a.startsWith('-'));
const unknown = asked.filter((a) => !available.includes(a));
if (unknown.length > 0) {
  console.error(`Unknown benchmark(s): ${unknown.join(', ')}. Available: ${available.join(', ')}`);
  process.exit(2);
}
const names = asked.length > 0 ? asked : available;
let failed = 0;
for (const name of names) {
  console.log(`\n=== bench: ${name} ===`);
  const r = spawnSync(process.execPath, ['--import', 'tsx', '--expose-gc', join(dir, `${name}.ts`)], {
    stdio: 'inherit',
    env: { ...process.env, AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED: 'true' },
  });
  if (r.status !== 0) failed += 1;
}
process.exit(failed > 0 ? 1 : 0);
