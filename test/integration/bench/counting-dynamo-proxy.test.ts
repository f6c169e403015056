import { DynamoDBClient, GetItemCommand, ProvisionedThroughputExceededException, PutItemCommand } from '@aws-sdk/client-dynamodb';
import { startCountingDynamoProxy, type CountingDynamoProxy } from '../../../dev/bench/_freshness-dynamo-proxy';
import { useDynalite } from '../../support/dynamo';
import { createStateTable } from '../../support/state-table';

describe("the freshness benchmark's counting DynamoDB proxy (dynalite)", () => {
  const dynalite = useDynalite();
  let table: string;
  let proxy: CountingDynamoProxy | undefined;
  let client: DynamoDBClient | undefined;
  beforeAll(async () => {
    table = await createStateTable('fecjst-bench');
  });
  afterEach(async () => {
    client?.destroy();
    await proxy?.close();
  });
  const through = async (options: Parameters<typeof startCountingDynamoProxy>[1] = {}) => {
    proxy = await startCountingDynamoProxy(dynalite(), options);
    client = new DynamoDBClient({ endpoint: proxy.endpoint, maxAttempts: 1 });
    return client;
  };
  const item = (sk: string) => ({ pk: { S: 'HINT#syncInventory' }, sk: { S: sk } });

  it('forwards every request and counts it, per operation', async () => {
    const ddb = await through();
    await ddb.send(new PutItemCommand({ TableName: table, Item: item('A') }));
    const got = await ddb.send(new GetItemCommand({ TableName: table, Key: item('A') }));
    expect(got.Item?.sk?.S).toBe('A');
    expect(proxy!.requests()).toBe(2);
    expect(proxy!.byOperation).toEqual({ PutItem: 1, GetItem: 1 });
    expect(proxy!.throttled()).toBe(0);
  });

  it('answers the chosen share of writes as throttled, writing nothing, and lets reads through', async () => {
    const draws = [0.1, 0.9];
    const ddb = await through({ throttleWriteShare: 0.5, random: () => draws.shift() ?? 0.9 });
    await expect(ddb.send(new PutItemCommand({ TableName: table, Item: item('B') }))).rejects.toBeInstanceOf(ProvisionedThroughputExceededException);
    await ddb.send(new PutItemCommand({ TableName: table, Item: item('C') }));
    expect((await ddb.send(new GetItemCommand({ TableName: table, Key: item('B') }))).Item).toBeUndefined();
    expect((await ddb.send(new GetItemCommand({ TableName: table, Key: item('C') }))).Item?.sk?.S).toBe('C');
    expect({ requests: proxy!.requests(), throttled: proxy!.throttled() }).toEqual({ requests: 4, throttled: 1 });
  });
});
