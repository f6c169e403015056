import { randomBytes } from 'node:crypto';
import { CreateTableCommand, DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { stateTableDefinition } from '../../shared/state/state-table';

/** Creates a fresh state table (same key schema as serverless.yml) on the current DynamoDB endpoint. */
export async function createStateTable(prefix = 'fecjst-test'): Promise<string> {
  const name = `${prefix}-${randomBytes(4).toString('hex')}`;
  const client = new DynamoDBClient({});
  await client.send(new CreateTableCommand(stateTableDefinition(name)));
  client.destroy();
  return name;
}
