import { randomUUID } from 'node:crypto';
import { join } from 'node:path';
import type { JobName } from '../../shared/domain/job-request';
import type { RunSummary } from '../../shared/runtime/run-summary';
import { useLocalStackEndpoints, type LocalStack } from './local-stack-file';

/** The function timeout in serverless.yml (provider.timeout), for getRemainingTimeInMillis. */
const FUNCTION_TIMEOUT_MS = 300_000;

/**
 * serverless.yml's parameters as the local stage sets them. `settleLagSeconds` is 0 locally, so a
 * change made in the sandbox shows in the next run at once (deployed, windows end SETTLE_LAG_SECONDS
 * = 60 s before now, and a change younger than that waits for a later run).
 */
function localParams(stack: LocalStack, overrides: Record<string, string>): Record<string, string> {
  return {
    jstSecretId: stack.jstSecretId,
    dbSecretId: stack.dbSecretId,
    jstShopId: String(stack.shopId),
    jstBaseUrl: stack.sandbox.url,
    logLevel: 'INFO',
    inventoryRatePerSecond: '2',
    ordersRatePerSecond: '2',
    shippingRatePerSecond: '1',
    deadlineMarginMs: '20000',
    settleLagSeconds: '0',
    inventoryRatePerMinute: '50',
    ordersRatePerMinute: '30',
    shippingRatePerMinute: '20',
    ...overrides,
  };
}

const FUNCTION_PARAMS: Record<JobName, { dir: string; ratePerMinute: string; ratePerSecond: string }> = {
  syncInventory: { dir: 'sync-inventory', ratePerMinute: 'inventoryRatePerMinute', ratePerSecond: 'inventoryRatePerSecond' },
  pushOrders: { dir: 'push-orders', ratePerMinute: 'ordersRatePerMinute', ratePerSecond: 'ordersRatePerSecond' },
  syncShipping: { dir: 'sync-shipping', ratePerMinute: 'shippingRatePerMinute', ratePerSecond: 'shippingRatePerSecond' },
};

/**
 * The function's environment exactly as the deploy template builds it (scripts/deploy/environment.js
 * with the local stage's parameters), plus what `serverless invoke local` adds (IS_LOCAL) and the
 * function's own variables.
 */
export async function functionEnvironment(stack: LocalStack, job: JobName, overrides: Record<string, string> = {}): Promise<Record<string, string>> {
  const params = localParams(stack, overrides);
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  const build = require(join(__dirname, '..', '..', 'scripts', 'deploy', 'environment.js')) as (api: {
    resolveVariable(v: string): Promise<unknown>;
  }) => Promise<Record<string, string>>;
  const env = await build({
    resolveVariable: async (variable: string) => {
      if (variable === 'self:custom.stateTableName') return stack.table;
      const match = /^param:(\w+)(?:, '')?$/.exec(variable);
      if (!match) throw new Error(`local invoke cannot resolve ${variable}`);
      return params[match[1]!] ?? '';
    },
  });
  const fn = FUNCTION_PARAMS[job];
  // serverless.yml's per-function `environment:` (it overrides the provider's).
  return {
    ...env,
    IS_LOCAL: 'true',
    POWERTOOLS_SERVICE_NAME: job,
    JST_RATE_PER_SECOND: params[fn.ratePerSecond] ?? '',
    JST_RATE_PER_MINUTE: params[fn.ratePerMinute] ?? '',
  };
}

/**
 * Runs one function in this process as `serverless invoke local` does: the function's environment,
 * the handler module loaded from functions/<job>/handler.ts, a context with the Lambda timeout. The
 * handler closes its pool afterwards (IS_LOCAL), so the process can exit.
 */
export async function invokeLocally(
  stack: LocalStack,
  job: JobName,
  event: unknown,
  options: { runId?: string; params?: Record<string, string> } = {},
): Promise<RunSummary> {
  useLocalStackEndpoints(stack);
  Object.assign(process.env, await functionEnvironment(stack, job, options.params));
  const mod = (await import(join(__dirname, '..', '..', 'functions', FUNCTION_PARAMS[job].dir, 'handler'))) as {
    handler: (e: unknown, c: unknown) => Promise<RunSummary>;
  };
  const started = Date.now();
  const context = {
    awsRequestId: options.runId ?? randomUUID(),
    functionName: `fecjst-local-${job}`,
    functionVersion: '$LATEST',
    memoryLimitInMB: '512',
    getRemainingTimeInMillis: () => FUNCTION_TIMEOUT_MS - (Date.now() - started),
  };
  return mod.handler(event ?? {}, context);
}
