/**
 * `npm run bench -- bundles`: packages the service offline (`serverless package`: the shared layer
 * plus one zip per function) and prints each artifact's size and the time to load each function in a
 * fresh Node process with the layer on its module path, as Lambda does (median of BENCH_LOADS, 7).
 */
import { execFileSync, spawnSync } from 'node:child_process';
import { mkdtempSync, readdirSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { printTable } from './_support';

const root = join(__dirname, '..', '..');
const LOADS = Number(process.env.BENCH_LOADS ?? 7);
const FUNCTIONS = { syncInventory: 'sync-inventory', pushOrders: 'push-orders', syncShipping: 'sync-shipping' } as const;

function median(values: number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.floor(sorted.length / 2)]!;
}

function loadMs(dir: string, layerModules: string): number {
  const script = `const t=process.hrtime.bigint();require(${JSON.stringify(join(dir, 'handler.js'))});process.stdout.write(String(Number(process.hrtime.bigint()-t)/1e6))`;
  const runs: number[] = [];
  for (let i = 0; i < LOADS; i++) {
    const r = spawnSync(process.execPath, ['-e', script], {
      env: { ...process.env, NODE_PATH: layerModules, AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED: 'true' },
      encoding: 'utf8',
    });
    if (r.status !== 0) throw new Error(`loading ${dir} failed: ${r.stderr}`);
    runs.push(Number(r.stdout));
  }
  return median(runs);
}

function main(): void {
  const out = mkdtempSync(join(tmpdir(), 'fecjst-bundles-'));
  try {
    execFileSync(join(root, 'node_modules', '.bin', 'serverless'), ['package', '--stage', 'bench', '--package', out, '--param', 'jstShopId=10001'], {
      cwd: root,
      env: { ...process.env, SLS_TELEMETRY_DISABLED: '1', AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED: 'true' },
      stdio: 'ignore',
    });
    const zips = Object.fromEntries(
      readdirSync(out)
        .filter((f) => f.endsWith('.zip'))
        .map((f) => [f.replace(/\.zip$/, ''), statSync(join(out, f)).size]),
    );
    const layerModules = join(root, '.build', 'layer', 'nodejs', 'node_modules');
    const layerBytes = statSync(join(layerModules, '@fecjst', 'shared', 'index.js')).size;
    const rows: Array<Record<string, string | number>> = [
      { artifact: 'shared layer', 'zip bytes': zips.shared ?? 0, 'bundle bytes': layerBytes, 'load ms (median)': '' },
    ];
    const work = mkdtempSync(join(tmpdir(), 'fecjst-fn-'));
    for (const [name, dir] of Object.entries(FUNCTIONS)) {
      const target = join(work, name);
      execFileSync('unzip', ['-q', '-o', join(out, `${name}.zip`), '-d', target]);
      const fnDir = join(target, 'functions', dir);
      rows.push({
        artifact: name,
        'zip bytes': zips[name] ?? 0,
        'bundle bytes': statSync(join(fnDir, 'handler.js')).size,
        'load ms (median)': +loadMs(fnDir, layerModules).toFixed(0),
      });
    }
    rmSync(work, { recursive: true, force: true });
    printTable(`Bundles (Node ${process.version}; load = require() of handler + layer in a fresh process, node start excluded)`, rows);
  } finally {
    rmSync(out, { recursive: true, force: true });
  }
}

main();
