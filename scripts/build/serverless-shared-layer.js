// Local Serverless plugin for the shared layer:
// - builds it (scripts/build/layer.js) before packaging, so `npx serverless package` and `deploy`
//   need no separate build step;
// - lets `package` work offline: the framework asks CloudFormation whether the deployed layer is
//   unchanged (an upload optimisation). Where that lookup fails (no network, no credentials), the
//   layer is treated as changed and packaging goes on, instead of failing the whole package.
const { buildLayer } = require('./layer');

class FecjstSharedLayer {
  constructor(serverless) {
    this.serverless = serverless;
    this.hooks = {
      initialize: () => this.tolerateOfflineLayerComparison(),
      'before:package:createDeploymentArtifacts': () => this.build(),
    };
  }

  async build() {
    const { packageDir } = await buildLayer();
    this.serverless.cli.log(`fecjst: shared layer built in ${packageDir}`);
  }

  tolerateOfflineLayerComparison() {
    for (const plugin of this.serverless.pluginManager.plugins) {
      if (typeof plugin.compareWithLastLayer !== 'function' || plugin.__fecjstWrapped) continue;
      const original = plugin.compareWithLastLayer.bind(plugin);
      plugin.compareWithLastLayer = async (layerName) => {
        try {
          return await original(layerName);
        } catch (error) {
          this.serverless.cli.log(
            `fecjst: could not compare layer ${layerName} with the deployed stack (${error.code || error.name || 'error'}: ${error.message}); packaging it as changed`,
          );
          return undefined;
        }
      };
      plugin.__fecjstWrapped = true;
    }
  }
}

module.exports = FecjstSharedLayer;
