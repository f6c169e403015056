import { buildConnectorDependencies, createJobHandler, disposeConnectorDependencies, pushOrders, reconcileOrders } from '../../shared';

/** pushOrders: paid, changed and cancelled store orders into the ERP (scheduled every minute; or by hand). */
export const handler = createJobHandler({
  job: 'pushOrders',
  buildDependencies: (env, runtime) => buildConnectorDependencies(env, runtime, 'pushOrders'),
  run: (deps, ctx) => (ctx.request.mode === 'reconcile' ? reconcileOrders(deps, ctx) : pushOrders(deps, ctx)),
  erpBudget: (deps) => deps.budget,
  ownReconcileLease: true,
  dispose: disposeConnectorDependencies,
});
