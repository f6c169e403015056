import { z } from 'zod';
import { ConfigError, describeZodIssues } from '../config/config-error';

export type JobName = 'syncInventory' | 'pushOrders' | 'syncShipping';

/** A validated invocation (design.md §9). */
export interface JobRequest {
  trigger: 'schedule' | 'manual';
  dryRun: boolean;
  mode: 'incremental' | 'full';
  /** An explicit window (manual `from`/`to`): the cursor is neither read nor moved. */
  window?: { fromMs: number; toMs: number };
  /** syncInventory: only these SKUs (cursor untouched). */
  skus?: string[];
  /** pushOrders, syncShipping: only these store increment ids (cursor untouched). */
  orders?: string[];
  /** EventBridge event id, for log correlation. */
  eventId?: string;
}

/** The event was not a scheduled event nor a valid manual request. Nothing was touched. */
export class InvalidEventError extends ConfigError {
  constructor(message: string) {
    super('EVENT_INVALID', message);
  }
}

const ISO_WITH_OFFSET = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}(:\d{2}(\.\d{1,9})?)?(Z|[+-]\d{2}:\d{2})$/;
const instant = z
  .string({ message: 'expected an ISO-8601 time with offset, e.g. 2026-11-28T10:00:00+08:00' })
  .regex(ISO_WITH_OFFSET, 'expected an ISO-8601 time with offset, e.g. 2026-11-28T10:00:00+08:00')
  .transform((v, ctx) => {
    const ms = Date.parse(v);
    if (Number.isNaN(ms)) {
      ctx.addIssue({ code: 'custom', message: 'not a valid date' });
      return z.NEVER;
    }
    return ms;
  });
const idList = (what: string) => z.array(z.string().trim().min(1, `each ${what} must be a non-empty string`), { message: `expected a list of ${what}s` }).min(1, `give at least one ${what}`).max(1000, `at most 1000 ${what}s per run`);

const common = { dryRun: z.boolean({ message: 'expected true or false' }).optional(), from: instant.optional(), to: instant.optional() };
const manualSchemas: Record<JobName, z.ZodType> = {
  syncInventory: z.object({ ...common, mode: z.enum(['incremental', 'full'], { message: 'expected "incremental" or "full"' }).optional(), skus: idList('SKU').optional() }).strict(),
  pushOrders: z.object({ ...common, orders: idList('order increment id').optional() }).strict(),
  syncShipping: z.object({ ...common, orders: idList('order increment id').optional() }).strict(),
};

interface ManualFields {
  dryRun?: boolean;
  from?: number;
  to?: number;
  mode?: 'incremental' | 'full';
  skus?: string[];
  orders?: string[];
}

/**
 * Reads a Lambda event: an EventBridge scheduled event (rule or Scheduler, whose input carries the same
 * envelope with an optional `detail.mode`) runs the normal job; anything else is a manual request whose
 * fields are validated strictly — an unknown field or a bad value is named in the error.
 */
export function parseJobEvent(job: JobName, event: unknown): JobRequest {
  if (event === undefined || event === null || (typeof event === 'string' && event.trim() === '')) return { trigger: 'manual', dryRun: false, mode: 'incremental' };
  if (typeof event !== 'object' || Array.isArray(event)) throw new InvalidEventError(`${job}: the event must be a JSON object`);
  const e = event as Record<string, unknown>;
  if ((e.source === 'aws.events' || e.source === 'aws.scheduler') && e['detail-type'] === 'Scheduled Event') {
    const detail = (e.detail ?? {}) as Record<string, unknown>;
    const mode = detail.mode === 'full' && job === 'syncInventory' ? 'full' : 'incremental';
    return { trigger: 'schedule', dryRun: false, mode, eventId: typeof e.id === 'string' ? e.id : undefined };
  }
  const parsed = manualSchemas[job].safeParse(e);
  if (!parsed.success) {
    const issues = parsed.error.issues.map((i) =>
      i.code === 'unrecognized_keys' ? `unknown field${i.keys.length > 1 ? 's' : ''} ${i.keys.map((k) => `"${k}"`).join(', ')} (allowed: ${allowedFields(job)})` : null,
    );
    const unknown = issues.filter(Boolean).join('; ');
    throw new InvalidEventError(`${job}: invalid event: ${unknown || describeZodIssues(parsed.error)}`);
  }
  const m = parsed.data as ManualFields;
  if ((m.from === undefined) !== (m.to === undefined)) throw new InvalidEventError(`${job}: invalid event: "from" and "to" go together`);
  if (m.from !== undefined && m.to !== undefined && !(m.from < m.to)) throw new InvalidEventError(`${job}: invalid event: "from" must be before "to"`);
  return {
    trigger: 'manual',
    dryRun: m.dryRun ?? false,
    mode: m.mode ?? 'incremental',
    window: m.from !== undefined && m.to !== undefined ? { fromMs: m.from, toMs: m.to } : undefined,
    skus: m.skus,
    orders: m.orders,
  };
}

function allowedFields(job: JobName): string {
  return ['dryRun', 'from', 'to', ...(job === 'syncInventory' ? ['mode', 'skus'] : ['orders'])].join(', ');
}
