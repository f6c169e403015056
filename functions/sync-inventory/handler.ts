import { buildConnectorDependencies, createJobHandler, disposeConnectorDependencies, syncInventory } from '../../shared';

/** syncInventory: ERP stock into the store (scheduled every 2 min, started by ERP pushes, full pass / stock reconcile daily; or by hand). */
export const handler = createJobHandler({
  job: 'syncInventory',
  buildDependencies: (env, runtime) => buildConnectorDependencies(env, runtime, 'syncInventory'),
  run: (deps, ctx) => syncInventory({ ...deps, retries: deps.inventoryRetries, hints: deps.inventoryHints }, ctx),
  erpBudget: (deps) => deps.budget,
  dispose: disposeConnectorDependencies,
});
