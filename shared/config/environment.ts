import { z } from 'zod';
import { ConfigError, describeZodIssues } from './config-error';
import type { StockWarehouses } from '../domain/stock-warehouses';
import { JST_BASE_URL_FORMS, jstBaseUrlProblem } from './jst-base-url';
import { parseSkuTransform, SkuTransform } from '../domain/sku-mapping';

/** An environment variable set to '' counts as unset (serverless.yml writes optional ones as ''). */
const optional = <T extends z.ZodTypeAny>(schema: T) => z.preprocess((v) => (v === '' ? undefined : v), schema.optional());
const int = (min: number, max: number) =>
  z.coerce.number({ message: 'expected a number' }).int('expected a whole number').min(min, `expected at least ${min}`).max(max, `expected at most ${max}`);
const required = (what: string) =>
  z
    .string({ message: `required (${what})` })
    .trim()
    .min(1, `required (${what})`);
const bool = z
  .string()
  .transform((v) => v.trim().toLowerCase())
  .pipe(z.enum(['true', 'false', '1', '0'], { message: 'expected true or false (or 1 or 0)' }))
  .transform((v) => v === 'true' || v === '1');

export const ORDER_PUSH_BATCH_MAX = 50;
export const BUDGET_JOBS = ['pushOrders', 'syncShipping', 'syncInventory'] as const;
export const LOG_LEVELS = ['TRACE', 'DEBUG', 'INFO', 'WARN', 'ERROR', 'SILENT', 'CRITICAL'] as const;

const environmentSchema = z.object({
  STATE_TABLE: required('the DynamoDB state table name'),
  JST_SECRET_ID: required('the Secrets Manager id of the ERP credentials'),
  DB_SECRET_ID: required('the Secrets Manager id of the store database credentials'),
  JST_SHOP_ID: z
    .string({ message: 'required (the ERP shop number, shop_id)' })
    .regex(/^\s*\d+\s*$/, 'expected the ERP shop number (a positive integer)')
    .transform(Number)
    .refine((n) => Number.isSafeInteger(n) && n > 0, 'expected the ERP shop number (a positive integer)'),
  // The form is checked here; the generation (from the ERP secret) picks the URL (config/jst-base-url.ts).
  JST_BASE_URL: optional(
    z.string().superRefine((v, ctx) => {
      const problem = jstBaseUrlProblem(v);
      if (problem) ctx.addIssue({ code: 'custom', message: `${problem}; expected for the ${JST_BASE_URL_FORMS}` });
    }),
  ),
  LOG_LEVEL: optional(
    z
      .string()
      .transform((v) => v.trim().toUpperCase())
      .pipe(z.enum(LOG_LEVELS, { message: `expected one of ${LOG_LEVELS.join(', ')}` })),
  ).default('INFO'),
  // Each function's share of the account budget (docs/erp-api.md §2.7: 5/s, 100/min per account). The
  // defaults of the three functions together stay within it: 3 × 1/s, 3 × 33/min.
  JST_RATE_PER_SECOND: optional(int(1, 100)).default(1),
  JST_RATE_PER_MINUTE: optional(int(1, 6000)).default(33),
  JST_TIMEOUT_MS: optional(int(1000, 120_000)).default(15_000),
  // 10 s: the open second plus a margin for the ERP's clock and commits; loss-freedom rests on LOOKBACK_SECONDS (docs/design.md §2).
  SETTLE_LAG_SECONDS: optional(int(0, 3600)).default(10),
  LOOKBACK_SECONDS: optional(int(0, 7 * 86400)).default(600),
  // How often an incremental run re-reads LOOKBACK_SECONDS before the last re-read's end; the runs between read from their
  // cursor (one second of overlap), so an idle run costs one ERP call (docs/design.md §2). 0: every run re-reads.
  LOOKBACK_EVERY_SECONDS: optional(int(0, 86400)).default(300),
  DEADLINE_MARGIN_MS: optional(int(0, 300_000)).default(20_000),
  LEASE_SECONDS: optional(int(30, 3600)).default(900),
  SECRETS_CACHE_SECONDS: optional(int(0, 86400)).default(300),
  RUN_HISTORY_DAYS: optional(int(1, 365)).default(30),
  STOCK_FORMULA: optional(z.enum(['available', 'qty'], { message: 'expected available or qty' })).default('available'),
  // The ERP warehouses the stock sync reads (domain/stock-warehouses.ts): `main` (default, the warehouse
  // the ERP flags as main), `all` (no wms_co_id: the ERP sums every warehouse) or comma-separated wms_co_ids.
  STOCK_WAREHOUSES: optional(z.string()).transform((v, ctx): StockWarehouses | undefined => {
    const text = v?.trim().toLowerCase();
    if (!text) return undefined;
    if (text === 'main' || text === 'all') return { kind: text };
    const parts = text.split(',').map((s) => s.trim());
    if (parts.every((p) => /^\d{1,10}$/.test(p) && Number(p) > 0)) return { kind: 'list', ids: [...new Set(parts.map(Number))] };
    ctx.addIssue({
      code: 'custom',
      message: 'expected main, all, or comma-separated ERP warehouse ids (wms_co_id), e.g. 10001,10002; `npm run ops -- warehouses` lists them',
    });
    return z.NEVER;
  }),
  // Before STOCK_WAREHOUSES: 0 = all warehouses summed, another value = that warehouse. Still honoured
  // when STOCK_WAREHOUSES is unset; setting both is refused (loadEnvironment).
  STOCK_WAREHOUSE_ID: optional(int(0, 1_000_000_000)),
  // The walk's first-run lookback; syncInventory never reaches it (a run with no cursor starts a full
  // pass instead), still accepted so existing settings stay valid.
  INVENTORY_INITIAL_LOOKBACK_HOURS: optional(int(1, 24 * 30)).default(24),
  // Combined SKUs (组合装) kept out of the stock sync: comma-separated SKUs, `PREFIX*` for a prefix.
  INVENTORY_COMBINED_SKUS: optional(z.string())
    .transform((v) =>
      v
        ? v
            .split(',')
            .map((s) => s.trim())
            .filter(Boolean)
        : [],
    )
    .refine((list) => !list.includes('*'), 'a bare "*" would keep every SKU out of the sync; list SKUs or PREFIX* entries')
    .refine((list) => list.every((s) => s.length <= 150), 'each entry must fit the store SKU column (at most 150 characters)'),
  // How a store SKU becomes the ERP's sku_id when the mapping table has no row for it (docs/design.md §19):
  // comma-separated steps applied in order (inverted in reverse order for ERP → store), e.g. strip-prefix:SHOP-,upper.
  SKU_TRANSFORM: optional(z.string()).transform((v, ctx): SkuTransform | undefined => {
    if (!v?.trim()) return undefined;
    const parsed = parseSkuTransform(v);
    if (parsed instanceof SkuTransform) return parsed;
    ctx.addIssue({ code: 'custom', message: parsed.problem });
    return z.NEVER;
  }),
  // Attempts before a failed SKU of the retry set is given up on (ItemsAbandoned).
  INVENTORY_RETRY_MAX_ATTEMPTS: optional(int(1, 100)).default(8),
  ORDER_HORIZON_DAYS: optional(int(1, 365)).default(30),
  // The ERP documents no upload batch limit (docs/erp-api.md "not found; 50 is a common guess"): stay at 50.
  ORDER_PUSH_BATCH_SIZE: optional(int(1, ORDER_PUSH_BATCH_MAX)).default(ORDER_PUSH_BATCH_MAX),
  ORDER_READY_STATUSES: optional(z.string())
    .transform((v) =>
      v
        ? v
            .split(',')
            .map((s) => s.trim())
            .filter(Boolean)
        : undefined,
    )
    .refine((v) => v === undefined || v.length > 0, 'expected a comma-separated list of order statuses'),
  ORDER_CURRENCY: optional(z.enum(['order', 'base'], { message: 'expected order or base' })).default('order'),
  ORDER_HOLD_AFTER_PUSH: optional(bool).default(false),
  ORDER_MAX_ATTEMPTS: optional(int(1, 100)).default(10),
  CARRIER_MAP: optional(z.string()).transform((v, ctx) => {
    if (!v) return {} as Record<string, string>;
    try {
      const parsed = JSON.parse(v) as unknown;
      if (typeof parsed !== 'object' || parsed === null || Array.isArray(parsed) || Object.values(parsed).some((x) => typeof x !== 'string')) throw new Error();
      return parsed as Record<string, string>;
    } catch {
      ctx.addIssue({ code: 'custom', message: 'expected a JSON object of ERP lc_id → store carrier code, e.g. {"SF":"SF"}' });
      return z.NEVER;
    }
  }),
  SHIPPING_INITIAL_LOOKBACK_HOURS: optional(int(1, 24 * 30)).default(72),
  // Attempts before a shipment of the retry set is given up on (ItemsAbandoned).
  SHIPPING_RETRY_MAX_ATTEMPTS: optional(int(1, 100)).default(8),
  // ERP cancellations (docs/design.md §15): recorded always; applied to the store (Fecmall's cancel,
  // never after dispatch) only when switched on. The ERP's cancelled orders are also polled (order query,
  // status Cancelled, over the modified window) at most every ERP_CANCEL_POLL_MINUTES (0 = pushes only).
  ERP_CANCEL_APPLY: optional(bool).default(false),
  ERP_CANCEL_POLL_MINUTES: optional(int(0, 1440)).default(10),
  // The account-wide ERP budget (docs/design.md §7; README "ERP budget"). With `shared` (default) the
  // three functions share the account's limits JST_BUDGET_PER_SECOND / _PER_MINUTE through the state
  // table; with `local` each function paces alone at its JST_RATE_* share (the pre-budget behaviour).
  JST_BUDGET: optional(z.enum(['shared', 'local'], { message: 'expected shared or local' })).default('shared'),
  JST_BUDGET_PER_SECOND: optional(int(1, 100)).default(5),
  JST_BUDGET_PER_MINUTE: optional(int(1, 6000)).default(100),
  JST_BUDGET_ACCOUNT: optional(
    z
      .string()
      .trim()
      .regex(/^[A-Za-z0-9._-]{1,64}$/, 'expected 1-64 letters, digits, dot, dash or underscore'),
  ).default('default'),
  JST_BUDGET_PRIORITIES: optional(z.string())
    .transform((v) =>
      (v ?? 'pushOrders,syncShipping,syncInventory')
        .split(',')
        .map((s) => s.trim())
        .filter(Boolean),
    )
    .pipe(z.array(z.enum(BUDGET_JOBS, { message: `expected a comma-separated order of ${BUDGET_JOBS.join(', ')}` })).min(1, 'expected at least one job name')),
  JST_BUDGET_SLICE: optional(int(1, 50)).default(20),
  JST_BUDGET_SKEW_MS: optional(int(0, 5000)).default(100),
  JST_BUDGET_JITTER_MS: optional(int(0, 2000)).default(100),
  JST_BUDGET_HEADROOM_PERCENT: optional(int(0, 30)).default(15),
  JST_BUDGET_FLOOR_PERCENT: optional(int(0, 30)).default(10),
  JST_BUDGET_BACKOFF_SECONDS: optional(int(1, 3600)).default(60),
  // A scheduled reconcile run starts a new pass only when the last one finished at least this long ago.
  RECONCILE_MIN_INTERVAL_HOURS: optional(int(0, 24 * 60)).default(72),
  // erpNotify (docs/design.md §18, docs/erp-push.md): the functions it starts when a push names their keys
  // (set by serverless.yml on erpNotify only), the accepted clock distance of a push's ts, the body cap,
  // and how long one state-table request may take (the ERP gets its answer within a second).
  SYNC_INVENTORY_FUNCTION: optional(z.string().trim().min(1)),
  SYNC_SHIPPING_FUNCTION: optional(z.string().trim().min(1)),
  PUSH_TIMESTAMP_WINDOW_SECONDS: optional(int(30, 3600)).default(300),
  PUSH_MAX_BODY_KB: optional(int(1, 5 * 1024)).default(256),
  PUSH_STATE_TIMEOUT_MS: optional(int(100, 5000)).default(400),
});

type ParsedEnvironment = z.infer<typeof environmentSchema>;
/** The validated environment; STOCK_WAREHOUSES is always settled (the legacy STOCK_WAREHOUSE_ID folded in). */
export type Environment = Omit<ParsedEnvironment, 'STOCK_WAREHOUSES'> & { STOCK_WAREHOUSES: StockWarehouses };

/** Parses and validates the function's environment once, at cold start. Errors name each variable, never a value. */
export function loadEnvironment(env: NodeJS.ProcessEnv = process.env): Environment {
  const parsed = environmentSchema.safeParse(env);
  if (!parsed.success) throw new ConfigError('ENV_INVALID', `Invalid environment: ${describeZodIssues(parsed.error)}`);
  return { ...parsed.data, STOCK_WAREHOUSES: stockWarehouses(parsed.data) };
}

function stockWarehouses(env: ParsedEnvironment): StockWarehouses {
  const legacy = env.STOCK_WAREHOUSE_ID;
  if (env.STOCK_WAREHOUSES && legacy !== undefined)
    throw new ConfigError('ENV_INVALID', 'Invalid environment: STOCK_WAREHOUSE_ID: set either STOCK_WAREHOUSES or the older STOCK_WAREHOUSE_ID, not both');
  if (env.STOCK_WAREHOUSES) return env.STOCK_WAREHOUSES;
  if (legacy === undefined) return { kind: 'main' };
  return legacy === 0 ? { kind: 'all' } : { kind: 'list', ids: [legacy] };
}

/** What erpNotify needs beyond the common variables: the two functions it starts (named in the error when unset). */
export function notifyFunctionNames(env: Environment): { syncInventory: string; syncShipping: string } {
  const missing = (['SYNC_INVENTORY_FUNCTION', 'SYNC_SHIPPING_FUNCTION'] as const).filter((name) => !env[name]);
  if (missing.length > 0)
    throw new ConfigError(
      'ENV_INVALID',
      `Invalid environment: ${missing.map((n) => `${n}: required by erpNotify (the Lambda function it starts)`).join('; ')}`,
    );
  return { syncInventory: env.SYNC_INVENTORY_FUNCTION!, syncShipping: env.SYNC_SHIPPING_FUNCTION! };
}

/** Every variable the schema reads (the deploy template sets each from a parameter; the README table lists each). */
export const ENVIRONMENT_VARIABLES: readonly string[] = Object.keys(environmentSchema.shape);
