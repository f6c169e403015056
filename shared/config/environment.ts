import { z } from 'zod';
import { ConfigError, describeZodIssues } from './config-error';

/** An environment variable set to '' counts as unset (serverless.yml writes optional ones as ''). */
const optional = <T extends z.ZodTypeAny>(schema: T) => z.preprocess((v) => (v === '' ? undefined : v), schema.optional());
const int = (min: number, max: number) => z.coerce.number({ message: 'expected a number' }).int('expected a whole number').min(min).max(max);
const bool = z.enum(['true', 'false', '1', '0'], { message: 'expected true or false' }).transform((v) => v === 'true' || v === '1');

const environmentSchema = z.object({
  STATE_TABLE: z.string({ message: 'required (the DynamoDB state table)' }).min(1, 'required (the DynamoDB state table)'),
  JST_SECRET_ID: z.string({ message: 'required (Secrets Manager id of the ERP credentials)' }).min(1),
  DB_SECRET_ID: z.string({ message: 'required (Secrets Manager id of the store database credentials)' }).min(1),
  JST_SHOP_ID: z.coerce.number({ message: 'required: the ERP shop number' }).int('expected a whole number').positive('expected the ERP shop number (a positive integer)'),
  JST_BASE_URL: optional(z.string().url('expected a URL')),
  JST_RATE_PER_SECOND: optional(int(1, 100)).default(5),
  JST_RATE_PER_MINUTE: optional(int(1, 6000)).default(100),
  JST_TIMEOUT_MS: optional(int(1000, 120_000)).default(15_000),
  SETTLE_LAG_SECONDS: optional(int(0, 3600)).default(60),
  LOOKBACK_SECONDS: optional(int(0, 7 * 86400)).default(600),
  DEADLINE_MARGIN_MS: optional(int(0, 300_000)).default(20_000),
  LEASE_SECONDS: optional(int(30, 3600)).default(900),
  SECRETS_CACHE_SECONDS: optional(int(0, 86400)).default(300),
  RUN_HISTORY_DAYS: optional(int(1, 365)).default(30),
  STOCK_FORMULA: optional(z.enum(['available', 'qty'], { message: 'expected available or qty' })).default('available'),
  STOCK_WAREHOUSE_ID: optional(int(0, 1_000_000_000)).default(0),
  INVENTORY_INITIAL_LOOKBACK_HOURS: optional(int(1, 24 * 30)).default(24),
  ORDER_HORIZON_DAYS: optional(int(1, 365)).default(30),
  ORDER_PUSH_BATCH_SIZE: optional(int(1, 50)).default(50),
  ORDER_READY_STATUSES: optional(z.string()).transform((v) => (v ? v.split(',').map((s) => s.trim()).filter(Boolean) : undefined)),
  ORDER_CURRENCY: optional(z.enum(['order', 'base'], { message: 'expected order or base' })).default('order'),
  ORDER_HOLD_AFTER_PUSH: optional(bool).default(false),
  ORDER_MAX_ATTEMPTS: optional(int(1, 100)).default(10),
  CARRIER_MAP: optional(z.string())
    .transform((v, ctx) => {
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
});

export type Environment = z.infer<typeof environmentSchema>;

/** Parses and validates the function's environment once, at cold start. Errors name each variable, never a value. */
export function loadEnvironment(env: NodeJS.ProcessEnv = process.env): Environment {
  const parsed = environmentSchema.safeParse(env);
  if (!parsed.success) throw new ConfigError('ENV_INVALID', `Invalid environment: ${describeZodIssues(parsed.error)}`);
  return parsed.data;
}
