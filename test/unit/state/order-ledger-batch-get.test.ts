import { BatchGetCommand, type DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { OrderLedger } from '../../../shared/state/order-ledger';

type Key = { pk: string; sk: string };

/** A document client answering BatchGetItem from a map, leaving `unprocessedPerCall` keys unprocessed each time. */
function fakeClient(known: Set<string>, unprocessedPerCall: (call: number) => number) {
  const calls: Key[][] = [];
  const client = {
    async send(command: unknown) {
      if (!(command instanceof BatchGetCommand)) throw new Error('unexpected command');
      const keys = command.input.RequestItems!.t!.Keys as Key[];
      calls.push(keys);
      const skip = unprocessedPerCall(calls.length);
      const served = keys.slice(skip);
      return {
        Responses: {
          t: served
            .filter((k) => known.has(k.pk))
            .map((k) => ({ ...k, incrementId: k.pk.split('#')[2], state: 'accepted', attempts: 0, updatedAt: 1, fence: 1 })),
        },
        UnprocessedKeys: skip > 0 ? { t: { Keys: keys.slice(0, skip) } } : {},
      };
    },
  };
  return { client: client as unknown as DynamoDBDocumentClient, calls };
}

describe('OrderLedger.getMany', () => {
  const ids = Array.from({ length: 250 }, (_, i) => String(1_100_000_000 + i));
  const known = new Set(ids.filter((_, i) => i % 2 === 0).map((id) => `ORDER#5#${id}`));

  it('asks for at most 100 keys per call and retries unprocessed keys until all are read', async () => {
    const { client, calls } = fakeClient(known, (call) => (call <= 2 ? 30 : 0));
    const ledger = new OrderLedger(client, 't', 5, { sleep: async () => {} });
    const got = await ledger.getMany(ids);
    expect(Math.max(...calls.map((c) => c.length))).toBeLessThanOrEqual(100);
    expect(got.size).toBe(125);
    expect(got.get(ids[0]!)).toEqual({ incrementId: ids[0], state: 'accepted', attempts: 0, updatedAt: 1 });
  });

  it('gives up with STATE_THROTTLED when keys stay unprocessed', async () => {
    const { client, calls } = fakeClient(known, () => 1);
    const ledger = new OrderLedger(client, 't', 5, { sleep: async () => {}, maxBatchGetAttempts: 4 });
    await expect(ledger.getMany(ids.slice(0, 10))).rejects.toMatchObject({ code: 'STATE_THROTTLED', context: { remaining: 1, attempts: 4 } });
    expect(calls).toHaveLength(4);
  });
});
