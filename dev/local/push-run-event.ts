import { randomUUID } from 'node:crypto';
import type { JobName } from '../../shared/domain/job-request';
import { parseJobEvent } from '../../shared/runtime/job-request';

/**
 * The event a local stand-in for Lambda hands the job when erpNotify asks to start it. erpNotify always
 * sends `{"trigger":"push"}` (docs/design.md §18); a push-triggered run behaves like a scheduled
 * incremental run. Where this code's job-request parser does not know `trigger` yet (the drain part of
 * issue #23 not merged), the run is started with the scheduled event instead — the same run — and
 * as soon as the parser accepts it, the push event itself is passed through.
 */
export function runEventForPush(job: JobName, event: unknown): unknown {
  const isPush = typeof event === 'object' && event !== null && (event as { trigger?: unknown }).trigger === 'push';
  if (!isPush) return event;
  try {
    parseJobEvent(job, event);
    return event;
  } catch {
    return { id: randomUUID(), source: 'aws.events', 'detail-type': 'Scheduled Event', detail: {} };
  }
}

/** The job a local function name (`fecjst-<stage>-<job>`, `demo-<job>`) stands for. */
export function jobOfFunction(functionName: string): JobName | undefined {
  const job = functionName.split(/[-:]/).find((part) => part === 'syncInventory' || part === 'syncShipping' || part === 'pushOrders');
  return job as JobName | undefined;
}
