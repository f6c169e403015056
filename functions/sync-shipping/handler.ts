import { buildConnectorDependencies, createJobHandler, disposeConnectorDependencies, reconcileShipments, syncShipping } from '../../shared';

/** syncShipping: ERP logistics onto store orders, moving them to dispatched (scheduled every 2 min, started by ERP pushes; or by hand). */
export const handler = createJobHandler({
  job: 'syncShipping',
  buildDependencies: (env, runtime) => buildConnectorDependencies(env, runtime, 'syncShipping'),
  run: (deps, ctx) =>
    ctx.request.mode === 'reconcile'
      ? reconcileShipments(deps, ctx)
      : syncShipping(
          { erp: deps.erp, shipments: deps.shipments, retries: deps.shippingRetries, erpCancellations: deps.erpCancellations, hints: deps.shippingHints },
          ctx,
        ),
  erpBudget: (deps) => deps.budget,
  ownReconcileLease: true,
  dispose: disposeConnectorDependencies,
});
