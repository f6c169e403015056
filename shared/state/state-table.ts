import type { CreateTableCommandInput } from '@aws-sdk/client-dynamodb';
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';

/** The TTL attribute (epoch seconds). Only run history and ledger entries carry it; leases never do. */
export const STATE_TTL_ATTRIBUTE = 'expiresAt';

/**
 * One table for all run state (single-table design, keys in state-keys.ts), the same key schema as
 * serverless.yml: `pk` (S) + `sk` (S), on-demand billing. TTL on STATE_TTL_ATTRIBUTE is turned on by serverless.yml (dynalite, used by the tests, does not implement it).
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

/** A document client built with the default configuration (AWS_ENDPOINT_URL_DYNAMODB reaches emulators). */
export function createStateDocumentClient(): DynamoDBDocumentClient {
  return DynamoDBDocumentClient.from(new DynamoDBClient({}), { marshallOptions: { removeUndefinedValues: true } });
}
