import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { LambdaClient } from '@aws-sdk/client-lambda';
import { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { notifyFunctionNames, type Environment } from '../config/environment';
import type { SecretsLoader } from '../config/secrets-loader';
import { ErpPushAuthenticator } from '../jst/push-signature';
import type { PushReceiverPorts } from '../jobs/notify/push-ports';
import { PushHints } from '../state/push-hints';
import { PushLog } from '../state/push-log';
import { PushReplayGuard } from '../state/push-replay-guard';
import { PushWake } from '../state/push-wake';
import { LambdaJobStarter } from './lambda-job-starter';

/** A woken job that has not taken its lease after this long (a lost invoke) may be woken again. */
const WAKE_QUIET_MS = 30_000;

export type NotifyDependencies = Omit<PushReceiverPorts, 'clock' | 'logger' | 'metrics'> & { dispose(): void };

/**
 * erpNotify's adapters, built once per cold start: a state-table client that fails fast
 * (PUSH_STATE_TIMEOUT_MS per request, two attempts: the ERP must get its answer within a second), the
 * replay guard, hint stores, push log and wake-up claim, the ERP secret (cached, read only) for the
 * signature check, and a Lambda client that starts the two jobs.
 */
export function buildNotifyDependencies(env: Environment, secrets: SecretsLoader): NotifyDependencies {
  const names = notifyFunctionNames(env);
  const timeout = env.PUSH_STATE_TIMEOUT_MS;
  const dynamo = new DynamoDBClient({ maxAttempts: 2, requestHandler: { connectionTimeout: timeout, requestTimeout: timeout } });
  const doc = DynamoDBDocumentClient.from(dynamo, { marshallOptions: { removeUndefinedValues: true } });
  const lambda = new LambdaClient({ maxAttempts: 2, requestHandler: { connectionTimeout: 500, requestTimeout: 1000 } });
  const table = env.STATE_TABLE;
  const hints = new Map<string, PushHints>();
  return {
    authenticator: new ErpPushAuthenticator((fresh) => secrets.loadJstCredentials(env.JST_SECRET_ID, { forceRefresh: fresh })),
    replays: new PushReplayGuard(doc, table, env.PUSH_TIMESTAMP_WINDOW_SECONDS + 120),
    hints: (partition) => {
      let store = hints.get(partition);
      if (!store) hints.set(partition, (store = new PushHints(doc, table, partition)));
      return store;
    },
    log: new PushLog(doc, table),
    wake: new PushWake(doc, table, WAKE_QUIET_MS),
    jobs: new LambdaJobStarter(lambda, names),
    dispose: () => {
      dynamo.destroy();
      lambda.destroy();
    },
  };
}
