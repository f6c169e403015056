import { ConditionalCheckFailedException, CreateTableCommand, DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { DynamoDBDocumentClient, GetCommand, PutCommand } from '@aws-sdk/lib-dynamodb';
import { useDynalite } from '../../support/dynamo';

describe('test harness: DynamoDB (dynalite)', () => {
  const endpoint = useDynalite();

  it('is reached by an ordinary client through AWS_ENDPOINT_URL_DYNAMODB and enforces conditional writes', async () => {
    expect(process.env.AWS_ENDPOINT_URL_DYNAMODB).toBe(endpoint());
    const raw = new DynamoDBClient({});
    const doc = DynamoDBDocumentClient.from(raw);
    await raw.send(
      new CreateTableCommand({
        TableName: 'harness',
        AttributeDefinitions: [{ AttributeName: 'pk', AttributeType: 'S' }],
        KeySchema: [{ AttributeName: 'pk', KeyType: 'HASH' }],
        BillingMode: 'PAY_PER_REQUEST',
      }),
    );
    const put = (value: number) =>
      doc.send(
        new PutCommand({
          TableName: 'harness',
          Item: { pk: 'LEASE#x', value },
          ConditionExpression: 'attribute_not_exists(pk)',
        }),
      );
    await put(1);
    await expect(put(2)).rejects.toBeInstanceOf(ConditionalCheckFailedException);
    const got = await doc.send(new GetCommand({ TableName: 'harness', Key: { pk: 'LEASE#x' }, ConsistentRead: true }));
    expect(got.Item).toEqual({ pk: 'LEASE#x', value: 1 });
    raw.destroy();
  });
});
