import { z } from 'zod';
import { ConfigError, describeZodIssues } from '../config/config-error';
import type { JobMode, JobName, JobRequest } from '../domain/job-request';
import { checkManualRequest, EVENT_LIMITS, type ManualFields } from './job-request-rules';

/** What the parser checks windows against; the handler passes the database-independent clock and the horizon. */
export interface EventLimits {
  /** Epoch ms "now": a window may not end in the future. */
  nowMs?: number;
  /** A window may not be longer than this without `force` (the order horizon, ORDER_HORIZON_DAYS). */
  maxWindowDays?: number;
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
const idList = (what: string, maxLength: number, where: string) =>
  z
    .array(
      z
        .string({ message: `each ${what} must be a string` })
        .trim()
        .min(1, `each ${what} must be a non-empty string`)
        .max(maxLength, `each ${what} has at most ${maxLength} characters (${where})`),
      { message: `expected a list of ${what}s` },
    )
    .min(1, `give at least one ${what}`)
    .max(EVENT_LIMITS.maxListLength, `at most ${EVENT_LIMITS.maxListLength} ${what}s per run`);

const modes = (...allowed: JobMode[]) =>
  z.enum(allowed as [JobMode, ...JobMode[]], {
    message: `expected ${allowed
      .map((m) => `"${m}"`)
      .join(', ')
      .replace(/, ([^,]*)$/, ' or $1')}`,
  });
const JOB_MODES: Record<JobName, JobMode[]> = {
  syncInventory: ['incremental', 'full', 'reconcile'],
  pushOrders: ['incremental', 'reconcile'],
  syncShipping: ['incremental', 'reconcile'],
};

const common = (job: JobName) => ({
  dryRun: z.boolean({ message: 'expected true or false' }).optional(),
  from: instant.optional(),
  to: instant.optional(),
  mode: modes(...JOB_MODES[job]).optional(),
  force: z.boolean({ message: 'expected true or false' }).optional(),
});
const orderIds = idList('order increment id', EVENT_LIMITS.maxOrderIdLength, 'sales_flat_order.increment_id, docs/store-schema.md §2.1');
/** The manual-event fields of docs/design.md §9, per job. */
const manualSchemas: Record<JobName, z.ZodType> = {
  syncInventory: z
    .object({ ...common('syncInventory'), skus: idList('SKU', EVENT_LIMITS.maxSkuLength, 'product_flat.sku, docs/store-schema.md §1.2').optional() })
    .strict(),
  pushOrders: z.object({ ...common('pushOrders'), orders: orderIds.optional() }).strict(),
  syncShipping: z.object({ ...common('syncShipping'), orders: orderIds.optional() }).strict(),
};

/**
 * Reads a Lambda event: an EventBridge scheduled event (rule or Scheduler, whose input carries the same
 * envelope with an optional `detail.mode`) runs the normal job; anything else is a manual request whose
 * fields are validated strictly — an unknown field, a bad value, conflicting fields or a window beyond
 * the limits is named in the error, before anything is touched.
 */
export function parseJobEvent(job: JobName, event: unknown, limits: EventLimits = {}): JobRequest {
  if (event === undefined || event === null || (typeof event === 'string' && event.trim() === ''))
    return { trigger: 'manual', dryRun: false, mode: 'incremental' };
  if (typeof event !== 'object' || Array.isArray(event)) throw new InvalidEventError(`${job}: the event must be a JSON object`);
  const e = event as Record<string, unknown>;
  if (isScheduledEvent(e)) return parseScheduledEvent(job, e);
  if ('trigger' in e) return parsePushEvent(job, e);
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
  const problem = checkManualRequest(job, m, { nowMs: limits.nowMs ?? Date.now(), maxWindowDays: limits.maxWindowDays ?? EVENT_LIMITS.defaultMaxWindowDays });
  if (problem) throw new InvalidEventError(`${job}: invalid event: ${problem}`);
  const request: JobRequest = {
    trigger: 'manual',
    dryRun: m.dryRun ?? false,
    mode: m.mode ?? 'incremental',
    window: m.from !== undefined && m.to !== undefined ? { fromMs: m.from, toMs: m.to } : undefined,
    skus: m.skus,
    orders: m.orders,
  };
  if (m.force) request.force = true;
  return request;
}

const SCHEDULE_SOURCES = new Set(['aws.events', 'aws.scheduler']);
/** The fields of an EventBridge event envelope; anything else on a scheduled event is a mistake. */
const ENVELOPE_FIELDS = new Set(['version', 'id', 'detail-type', 'source', 'account', 'time', 'region', 'resources', 'detail']);

function isScheduledEvent(e: Record<string, unknown>): boolean {
  return typeof e.source === 'string' && SCHEDULE_SOURCES.has(e.source) && e['detail-type'] === 'Scheduled Event';
}

const scheduleDetailSchema = (job: JobName) => z.object({ mode: modes(...JOB_MODES[job]).optional() }).strict();

/**
 * A scheduled event: an EventBridge rule's `{ id, source: 'aws.events', 'detail-type': 'Scheduled Event',
 * detail: {} }`, or the same envelope written as an EventBridge Scheduler input (serverless.yml sends
 * `source: aws.scheduler` and `detail: { mode: full }` for the daily full inventory). The detail is
 * validated too, and manual fields beside the envelope (`dryRun`, `orders` …) are refused: a scheduled
 * run never silently ignores them.
 */
function parseScheduledEvent(job: JobName, e: Record<string, unknown>): JobRequest {
  const extra = Object.keys(e).filter((k) => !ENVELOPE_FIELDS.has(k));
  if (extra.length > 0) {
    throw new InvalidEventError(
      `${job}: invalid scheduled event: field${extra.length > 1 ? 's' : ''} ${extra.map((k) => `"${k}"`).join(', ')} beside a scheduled-event envelope; send manual fields without "source"/"detail-type"`,
    );
  }
  const parsed = scheduleDetailSchema(job).safeParse(e.detail ?? {});
  if (!parsed.success) {
    const issues = parsed.error.issues.map((i) =>
      i.code === 'unrecognized_keys'
        ? `unknown field${i.keys.length > 1 ? 's' : ''} ${i.keys.map((k) => `"detail.${k}"`).join(', ')}`
        : `detail${i.path.length ? '.' + i.path.join('.') : ''}: ${i.message}`,
    );
    throw new InvalidEventError(`${job}: invalid scheduled event: ${issues.join('; ')}`);
  }
  return { trigger: 'schedule', dryRun: false, mode: parsed.data.mode ?? 'incremental', eventId: typeof e.id === 'string' && e.id ? e.id : undefined };
}

/** The jobs erpNotify starts for a push (docs/design.md §18); their hints are what a push-started run is for. */
const PUSH_STARTED_JOBS: ReadonlySet<JobName> = new Set(['syncInventory', 'syncShipping']);

/**
 * erpNotify's asynchronous start, `{"trigger":"push"}` and nothing else: the same run as a scheduled
 * incremental one (paused jobs skip it), which drains the job's hints first. Any other field beside
 * `trigger`, another value, or a job no push starts is refused — a push-started run never carries data.
 */
function parsePushEvent(job: JobName, e: Record<string, unknown>): JobRequest {
  if (e.trigger !== 'push') throw new InvalidEventError(`${job}: invalid event: "trigger" may only be "push" (erpNotify's start); leave it out otherwise`);
  const extra = Object.keys(e).filter((k) => k !== 'trigger');
  if (extra.length > 0)
    throw new InvalidEventError(
      `${job}: invalid push event: field${extra.length > 1 ? 's' : ''} ${extra.map((k) => `"${k}"`).join(', ')} beside "trigger"; a push-started run takes no other field`,
    );
  if (!PUSH_STARTED_JOBS.has(job)) throw new InvalidEventError(`${job}: invalid event: pushes start syncInventory and syncShipping only, not ${job}`);
  return { trigger: 'push', dryRun: false, mode: 'incremental' };
}

function allowedFields(job: JobName): string {
  return ['dryRun', 'mode', 'from', 'to', 'force', job === 'syncInventory' ? 'skus' : 'orders'].join(', ');
}
