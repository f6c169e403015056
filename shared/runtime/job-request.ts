import { z } from 'zod';
import { ConfigError, describeZodIssues } from '../config/config-error';

export type JobName = 'syncInventory' | 'pushOrders' | 'syncShipping';

/** A validated invocation (docs/design.md §9). */
export interface JobRequest {
  trigger: 'schedule' | 'manual';
  dryRun: boolean;
  /** `reconcile`: compare with the ERP and heal drift (pushOrders, syncShipping; syncInventory as part of its full pass). */
  mode: 'incremental' | 'full' | 'reconcile';
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

const ISO_WITH_OFFSET = /^(\d{4})-(\d{2})-(\d{2})T(\d{2}):(\d{2})(?::(\d{2})(?:\.\d{1,9})?)?(Z|[+-]\d{2}:\d{2})$/;
const INSTANT_HINT = 'expected an ISO-8601 time with offset, e.g. 2026-11-28T10:00:00+08:00';

/** Epoch ms of an ISO-8601 time with offset; NaN for impossible dates (Date.parse rolls 02-30 over to March). */
function parseInstant(text: string): number {
  const m = ISO_WITH_OFFSET.exec(text);
  if (!m) return Number.NaN;
  const [year, month, day, hour, minute, second] = [m[1], m[2], m[3], m[4], m[5], m[6] ?? '0'].map(Number) as [number, number, number, number, number, number];
  const daysInMonth = new Date(Date.UTC(year, month, 0)).getUTCDate();
  if (month < 1 || month > 12 || day < 1 || day > daysInMonth || hour > 23 || minute > 59 || second > 59) return Number.NaN;
  return Date.parse(text);
}

const instant = z
  .string({ message: INSTANT_HINT })
  .regex(ISO_WITH_OFFSET, INSTANT_HINT)
  .transform((v, ctx) => {
    const ms = parseInstant(v);
    if (Number.isNaN(ms)) {
      ctx.addIssue({ code: 'custom', message: 'not a valid date' });
      return z.NEVER;
    }
    return ms;
  });
const idList = (what: string) => z.array(z.string().trim().min(1, `each ${what} must be a non-empty string`), { message: `expected a list of ${what}s` }).min(1, `give at least one ${what}`).max(1000, `at most 1000 ${what}s per run`);

const common = { dryRun: z.boolean({ message: 'expected true or false' }).optional(), from: instant.optional(), to: instant.optional() };
/** The manual-event fields of docs/design.md §9, per job. */
const manualSchemas: Record<JobName, z.ZodType> = {
  syncInventory: z.object({ ...common, mode: z.enum(['incremental', 'full', 'reconcile'], { message: 'expected "incremental", "full" or "reconcile"' }).optional(), skus: idList('SKU').optional() }).strict(),
  pushOrders: z.object({ ...common, mode: z.enum(['incremental', 'reconcile'], { message: 'expected "incremental" or "reconcile"' }).optional(), orders: idList('order increment id').optional() }).strict(),
  syncShipping: z.object({ ...common, mode: z.enum(['incremental', 'reconcile'], { message: 'expected "incremental" or "reconcile"' }).optional(), orders: idList('order increment id').optional() }).strict(),
};

interface ManualFields {
  dryRun?: boolean;
  from?: number;
  to?: number;
  mode?: 'incremental' | 'full' | 'reconcile';
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
  if (isScheduledEvent(e)) return parseScheduledEvent(job, e);
  const parsed = manualSchemas[job].safeParse(e);
  if (!parsed.success) {
    const issues = parsed.error.issues.map((i) =>
      i.code === 'unrecognized_keys'
        ? `unknown field${i.keys.length > 1 ? 's' : ''} ${i.keys.map((k) => `"${k}"`).join(', ')} (allowed: ${allowedFields(job)})`
        : describeZodIssues(new z.ZodError([i])),
    );
    throw new InvalidEventError(`${job}: invalid event: ${issues.join('; ')}`);
  }
  const m = parsed.data as ManualFields;
  if ((m.from === undefined) !== (m.to === undefined)) throw new InvalidEventError(`${job}: invalid event: "from" and "to" go together`);
  if (m.from !== undefined && m.to !== undefined && !(m.from < m.to)) throw new InvalidEventError(`${job}: invalid event: "from" must be before "to"`);
  if (m.mode === 'reconcile' && (m.from !== undefined || m.orders || m.skus)) throw new InvalidEventError(`${job}: invalid event: mode "reconcile" checks the whole horizon and takes no "from"/"to", "orders" or "skus"`);
  return {
    trigger: 'manual',
    dryRun: m.dryRun ?? false,
    mode: m.mode ?? 'incremental',
    window: m.from !== undefined && m.to !== undefined ? { fromMs: m.from, toMs: m.to } : undefined,
    skus: m.skus,
    orders: m.orders,
  };
}

const SCHEDULE_SOURCES = new Set(['aws.events', 'aws.scheduler']);

function isScheduledEvent(e: Record<string, unknown>): boolean {
  return typeof e.source === 'string' && SCHEDULE_SOURCES.has(e.source) && e['detail-type'] === 'Scheduled Event';
}

const scheduleDetailSchemas: Record<JobName, z.ZodType<{ mode?: 'incremental' | 'full' | 'reconcile' }>> = {
  syncInventory: z.object({ mode: z.enum(['incremental', 'full', 'reconcile'], { message: 'expected "incremental", "full" or "reconcile"' }).optional() }).strict(),
  pushOrders: z.object({ mode: z.enum(['incremental', 'reconcile'], { message: 'expected "incremental" or "reconcile"' }).optional() }).strict(),
  syncShipping: z.object({ mode: z.enum(['incremental', 'reconcile'], { message: 'expected "incremental" or "reconcile"' }).optional() }).strict(),
};

/**
 * A scheduled event: an EventBridge rule's `{ id, source: 'aws.events', 'detail-type': 'Scheduled Event',
 * detail: {} }`, or the same envelope written as an EventBridge Scheduler input (serverless.yml sends
 * `source: aws.scheduler` and `detail: { mode: full }` for the daily full inventory). The detail is
 * validated too: a mistyped schedule fails loudly instead of silently running the wrong mode.
 */
function parseScheduledEvent(job: JobName, e: Record<string, unknown>): JobRequest {
  const detail = e.detail ?? {};
  const parsed = scheduleDetailSchemas[job].safeParse(detail);
  if (!parsed.success) {
    const issues = parsed.error.issues.map((i) =>
      i.code === 'unrecognized_keys' ? `unknown field${i.keys.length > 1 ? 's' : ''} ${i.keys.map((k) => `"detail.${k}"`).join(', ')}` : `detail${i.path.length ? '.' + i.path.join('.') : ''}: ${i.message}`,
    );
    throw new InvalidEventError(`${job}: invalid scheduled event: ${issues.join('; ')}`);
  }
  return { trigger: 'schedule', dryRun: false, mode: parsed.data.mode ?? 'incremental', eventId: typeof e.id === 'string' && e.id ? e.id : undefined };
}

function allowedFields(job: JobName): string {
  return ['dryRun', 'from', 'to', 'mode', ...(job === 'syncInventory' ? ['skus'] : ['orders'])].join(', ');
}
