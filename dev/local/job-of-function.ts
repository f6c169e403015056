import type { JobName } from '../../shared/domain/job-request';

/** The job a local function name (`fecjst-<stage>-<job>`, `demo-<job>`) stands for. */
export function jobOfFunction(functionName: string): JobName | undefined {
  const job = functionName.split(/[-:]/).find((part) => part === 'syncInventory' || part === 'syncShipping' || part === 'pushOrders');
  return job as JobName | undefined;
}
