import type { CreateTableCommandInput, UpdateTimeToLiveCommandInput } from '@aws-sdk/client-dynamodb';
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';

/** The TTL attribute (epoch seconds). Only run history and ledger entries carry it; leases never do. */
export const STATE_TTL_ATTRIBUTE = 'expiresAt';

/**
 * One table for all run state (single-table design, keys in state-keys.ts), the same key schema as
 * serverless.yml: `pk` (S) + `sk` (S), on-demand billing. TTL is a separate call (see below).
 */
export function stateTableDefinition(tableName: string): CreateTableCommandInput {
  return {
    TableName: tableName,
    BillingMode: 'PAY_PER_REQUEST',
    AttributeDefinitions: [
      { AttributeName: 'pk', AttributeType: 'S' },
      { AttributeName: 'sk', AttributeType: 'S' },
    ],
    KeySchema: [
      { AttributeName: 'pk', KeyType: 'HASH' },
      { AttributeName: 'sk', KeyType: 'RANGE' },
    ],
  };
}

/** Turns on TTL on `expiresAt` (UpdateTimeToLive; dynalite does not implement it, DynamoDB and moto do). */
export function stateTableTimeToLive(tableName: string): UpdateTimeToLiveCommandInput {
  return { TableName: tableName, TimeToLiveSpecification: { AttributeName: STATE_TTL_ATTRIBUTE, Enabled: true } };
}

/** A document client built with the default configuration (AWS_ENDPOINT_URL_DYNAMODB reaches emulators). */
export function createStateDocumentClient(): DynamoDBDocumentClient {
  return DynamoDBDocumentClient.from(new DynamoDBClient({}), { marshallOptions: { removeUndefinedValues: true } });
}
