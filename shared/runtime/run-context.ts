import type { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import type { SecretsLoader } from '../config/secrets-loader';
import type { Logger, MetricsSink } from '../domain/ports';

/** What buildDependencies gets besides the environment. */
export interface RuntimeServices {
  /** Cached secrets (SECRETS_CACHE_SECONDS); forgotten after an authentication failure. */
  secrets: SecretsLoader;
  logger: Logger;
  /** Always set by the handler factory (optional so tests and scripts may build dependencies without it). */
  metrics?: MetricsSink;
  /** The handler's DynamoDB document client (default config): every state adapter shares this one client. */
  stateClient: DynamoDBDocumentClient;
}
