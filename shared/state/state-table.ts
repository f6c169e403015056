import type { CreateTableCommandInput } from '@aws-sdk/client-dynamodb';
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';

/**
 * One table for all run state (single-table design), key schema as in serverless.yml:
 * `pk` (S) + `sk` (S), TTL on `expiresAt`. Items:
 * - `LEASE#<job>` / `LEASE`            one run at a time, with a fencing token
 * - `CURSOR#<job>` / `CURSOR`          committed positions of a job (one per cursor name)
 * - `ORDER#<shop>#<increment_id>` / `LEDGER`   the order push ledger
 * - `RUNS#<job>` / `<startedAt>#<runId>`      run history (expires by TTL)
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
