import { buildNotifyDependencies, createErpNotifyHandler } from '../../shared';

/** erpNotify: the ERP's pushes (stock, shipments, cancellations) behind a Function URL, recorded as hints (docs/design.md §18). */
export const handler = createErpNotifyHandler({ buildDependencies: buildNotifyDependencies });
