import { injectLambdaContext } from '@aws-lambda-powertools/logger/middleware';
import middy from '@middy/core';
import type { Context } from 'aws-lambda';
import { SecretsLoader } from '../config/secrets-loader';
import { loadEnvironment, type Environment } from '../config/environment';
import { PUSH_UNAVAILABLE_CODE, type InboundPush, type PushReply } from '../domain/erp-push';
import { systemClock, type Clock } from '../domain/ports';
import { receiveErpPush } from '../jobs/notify/receive-erp-push';
import type { PushReceiverPorts } from '../jobs/notify/push-ports';
import { createPowertools, PowertoolsMetricsSink, RedactingLogger } from './powertools-adapters';

/** The ERP gets its answer within this long, whatever the state table does (docs/design.md §18). */
export const ANSWER_WITHIN_MS = 900;

/** The part of a Lambda Function URL event (payload format 2.0) erpNotify reads. */
export interface FunctionUrlEvent {
  rawQueryString?: string;
  body?: string;
  isBase64Encoded?: boolean;
  headers?: Record<string, string | undefined>;
  requestContext?: { http?: { method?: string } };
}

export interface FunctionUrlResult {
  statusCode: number;
  headers: Record<string, string>;
  body: string;
}

export interface ErpNotifyDefinition {
  buildDependencies(env: Environment, secrets: SecretsLoader): Omit<PushReceiverPorts, 'clock' | 'logger' | 'metrics'> & { dispose?(): void };
  /** Defaults to process.env (tests pass their own). */
  environment?: NodeJS.ProcessEnv;
  clock?: Clock;
  answerWithinMs?: number;
}

/**
 * The erpNotify handler: a Function URL request → receiveErpPush → `{"code":…,"msg":…}` with HTTP 200
 * (the ERP reads the code [C1]; HTTP statuses are not part of the documented contract). Environment
 * and adapters once per cold start; a configuration error fails the invocation (the Errors alarm
 * pages). The answer never waits longer than ANSWER_WITHIN_MS: past it the push is answered -2 and
 * left to the polls. Metrics are flushed with every answer. Bodies are never logged.
 */
export function createErpNotifyHandler(definition: ErpNotifyDefinition): (event: FunctionUrlEvent, context: Context) => Promise<FunctionUrlResult> {
  const processEnv = definition.environment ?? process.env;
  const powertools = createPowertools('erpNotify', processEnv.LOG_LEVEL);
  const logger = new RedactingLogger(powertools.logger);
  const metrics = new PowertoolsMetricsSink(powertools.metrics);
  const clock = definition.clock ?? systemClock;
  let built: { env: Environment; ports: PushReceiverPorts; dispose?(): void } | undefined;

  function prepared() {
    if (!built) {
      const env = loadEnvironment(processEnv);
      const secrets = new SecretsLoader({ maxAgeSeconds: env.SECRETS_CACHE_SECONDS });
      const { dispose, ...adapters } = definition.buildDependencies(env, secrets);
      built = { env, ports: { ...adapters, clock, logger, metrics }, dispose };
    }
    return built;
  }

  async function handle(event: FunctionUrlEvent): Promise<FunctionUrlResult> {
    const { env, ports } = prepared();
    const push = toInboundPush(event);
    let timer: NodeJS.Timeout | undefined;
    const late = new Promise<PushReply>((resolve) => {
      timer = setTimeout(
        () => resolve({ code: PUSH_UNAVAILABLE_CODE, msg: 'state-unavailable: not recorded in time, try again; the polls cover it' }),
        definition.answerWithinMs ?? ANSWER_WITHIN_MS,
      );
    });
    try {
      const reply = await Promise.race([
        receiveErpPush(ports, { maxBodyBytes: env.PUSH_MAX_BODY_KB * 1024, timestampWindowSeconds: env.PUSH_TIMESTAMP_WINDOW_SECONDS }, push).then(
          (o) => o.reply,
        ),
        late,
      ]);
      return { statusCode: 200, headers: { 'content-type': 'application/json; charset=utf-8' }, body: JSON.stringify(reply) };
    } finally {
      clearTimeout(timer);
      powertools.metrics.publishStoredMetrics();
    }
  }

  return middy(handle).use(injectLambdaContext(powertools.logger, { resetKeys: true })) as unknown as (
    event: FunctionUrlEvent,
    context: Context,
  ) => Promise<FunctionUrlResult>;
}

/** The request as the use case reads it: HTTP method, raw query, the body as bytes (base64 decoded). */
export function toInboundPush(event: FunctionUrlEvent): InboundPush {
  const raw = event.body ?? '';
  const header = Object.entries(event.headers ?? {}).find(([name]) => name.toLowerCase() === 'content-type')?.[1];
  return {
    httpMethod: event.requestContext?.http?.method ?? 'POST',
    rawQuery: event.rawQueryString ?? '',
    body: event.isBase64Encoded ? Buffer.from(raw, 'base64') : Buffer.from(raw, 'utf8'),
    ...(header ? { contentType: header } : {}),
  };
}
