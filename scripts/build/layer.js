// Builds the Lambda layer from shared/: one CommonJS bundle of shared/index.ts (the layer entry) with
// its npm dependencies inlined, at .build/layer/nodejs/node_modules/@fecjst/shared/index.js. Lambda
// puts /opt/nodejs/node_modules on the module path, so the functions `require('@fecjst/shared')`.
const { build } = require('esbuild');
const { mkdirSync, writeFileSync, rmSync } = require('node:fs');
const { join } = require('node:path');

const root = join(__dirname, '..', '..');
const LAYER_DIR = join(root, '.build', 'layer');
const PACKAGE_DIR = join(LAYER_DIR, 'nodejs', 'node_modules', '@fecjst', 'shared');
const SHARED_ENTRY = join(root, 'shared', 'index.ts');
const LAYER_PACKAGE = '@fecjst/shared';

async function buildLayer({ minify = true, metafile = false } = {}) {
  rmSync(LAYER_DIR, { recursive: true, force: true });
  mkdirSync(PACKAGE_DIR, { recursive: true });
  const result = await build({
    entryPoints: [SHARED_ENTRY],
    outfile: join(PACKAGE_DIR, 'index.js'),
    bundle: true,
    platform: 'node',
    target: 'node22',
    format: 'cjs',
    minify,
    // Error class names stay readable in logs and summaries ("LeaseLostError", not "At").
    keepNames: true,
    sourcemap: false,
    metafile,
    // Prefer the CommonJS builds: they are what the tests ran.
    mainFields: ['main', 'module'],
    logLevel: 'warning',
  });
  writeFileSync(join(PACKAGE_DIR, 'package.json'), JSON.stringify({ name: LAYER_PACKAGE, version: '0.0.0', main: 'index.js' }, null, 2));
  return { layerDir: LAYER_DIR, packageDir: PACKAGE_DIR, metafile: result.metafile };
}

module.exports = { buildLayer, LAYER_DIR, PACKAGE_DIR, SHARED_ENTRY, LAYER_PACKAGE };

if (require.main === module) {
  buildLayer().then(
    ({ packageDir }) => console.log(`layer built: ${packageDir}`),
    (error) => {
      console.error(error);
      process.exit(1);
    },
  );
}
