import { userInfo } from 'node:os';
import { createStateDocumentClient } from '../../shared/state/state-table';
import { systemClock } from '../../shared/runtime/ports';
import type { OpsTarget } from '../../scripts/ops/ops-target';
import { useLocalStackEndpoints, type LocalStack } from './local-stack-file';
import { LocalProcessInvoker } from './local-invoker';

/**
 * The ops commands' target on the local stack: its state table on dynalite, runs started as local
 * processes, and no schedules (pause is the state-table switch alone: there is nothing to disable).
 */
export function localOpsTarget(stack: LocalStack): OpsTarget {
  useLocalStackEndpoints(stack);
  return {
    stage: 'local',
    table: stack.table,
    doc: createStateDocumentClient(),
    invoker: new LocalProcessInvoker(),
    schedules: { setEnabled: async () => ['local stack: no schedules to change (the pause switch alone applies)'] },
    clock: systemClock,
    operator: `ops:${userInfo().username}`,
    shopId: async () => stack.shopId,
  };
}
