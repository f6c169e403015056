// esbuild plugins for serverless-esbuild (custom.esbuild.plugins in serverless.yml).
//
// Functions import shared code only through the layer entry, shared/index.ts. When packaging, that
// import becomes `require('@fecjst/shared')`, served at run time by the layer, so each function zip
// holds only its own handler. `serverless invoke local` has no layer, so there the shared code is
// bundled into the function instead.
const { join, resolve, dirname } = require('node:path');
const { SHARED_ENTRY, LAYER_PACKAGE } = require('./layer');

const sharedDir = join(__dirname, '..', '..', 'shared');
const invokedLocally = process.argv.includes('invoke') && process.argv.includes('local');

const sharedFromLayer = {
  name: 'fecjst-shared-from-layer',
  setup(build) {
    build.onResolve({ filter: /^\.{1,2}\// }, (args) => {
      if (!args.importer || args.importer.startsWith(sharedDir)) return undefined;
      const target = resolve(dirname(args.importer), args.path);
      if (!target.startsWith(sharedDir)) return undefined;
      const isEntry = target === sharedDir || target === SHARED_ENTRY.replace(/\.ts$/, '') || target === SHARED_ENTRY;
      if (!isEntry) {
        return { errors: [{ text: `${args.importer} imports ${args.path}: functions must import shared code only from shared/index.ts (the layer entry)` }] };
      }
      return invokedLocally ? undefined : { path: LAYER_PACKAGE, external: true };
    });
  },
};

module.exports = [sharedFromLayer];
