import { buildConnectorDependencies, createJobHandler, disposeConnectorDependencies, syncInventory } from '../../shared';

/** syncInventory: ERP main-warehouse stock into the store (scheduled every 15 min, full daily; or by hand). */
export const handler = createJobHandler({
  job: 'syncInventory',
  buildDependencies: (env, runtime) => buildConnectorDependencies(env, runtime, 'syncInventory'),
  run: (deps, ctx) => syncInventory(deps, ctx),
  dispose: disposeConnectorDependencies,
});
