import { DeleteCommand, PutCommand, QueryCommand, type DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { assertLeaseFence } from './lease';
import { expiresAtSeconds, stateKeys } from './state-keys';

/** An order pushOrders stopped retrying after ORDER_MAX_ATTEMPTS failed attempts. No customer data. */
export interface GivenUpOrder {
  incrementId: string;
  attempts: number;
  /** The last failure's operator-readable reason. */
  reason: string;
  /** Epoch ms. */
  givenUpAt: number;
}

/** One partition per ERP shop: `pk=ORDERS_GIVEN_UP#<shopId>`, `sk=<increment_id>` (docs/design.md §5). */
export const givenUpKeys = { partition: stateKeys.givenUpOrdersPartition, item: stateKeys.givenUpOrder };

const RETENTION_DAYS = 400;
const PAGE = 1000;

/**
 * The orders pushOrders gave up on, listed with one Query (never a Scan) — not the generic RetrySet, as
 * an order's attempts and backoff belong to its payload and live in its ledger entry (docs/design.md §5):
 * `aws dynamodb query --key-condition-expression "pk = :p" --expression-attribute-values '{":p":{"S":"ORDERS_GIVEN_UP#<shopId>"}}'`.
 * An order leaves the list when a later upload (a changed order, or a manual `{"orders":[…]}` run) is
 * accepted. Writes check the caller's lease fence first, like the ledger's.
 */
export class GivenUpOrders {
  constructor(
    private readonly doc: DynamoDBDocumentClient,
    private readonly table: string,
    private readonly shopId: number,
  ) {}

  async add(orders: readonly GivenUpOrder[], fence: number, job: string): Promise<void> {
    if (orders.length === 0) return;
    await assertLeaseFence(this.doc, this.table, job, fence, 'record given-up orders');
    for (const order of orders) {
      await this.doc.send(
        new PutCommand({
          TableName: this.table,
          Item: { ...givenUpKeys.item(this.shopId, order.incrementId), ...order, expiresAt: expiresAtSeconds(order.givenUpAt, RETENTION_DAYS) },
        }),
      );
    }
  }

  async remove(incrementIds: readonly string[], fence: number, job: string): Promise<void> {
    if (incrementIds.length === 0) return;
    await assertLeaseFence(this.doc, this.table, job, fence, 'clear given-up orders');
    for (const id of incrementIds) await this.doc.send(new DeleteCommand({ TableName: this.table, Key: givenUpKeys.item(this.shopId, id) }));
  }

  /** Every given-up order of the shop, in increment-id order. */
  async list(): Promise<GivenUpOrder[]> {
    const out: GivenUpOrder[] = [];
    let start: Record<string, unknown> | undefined;
    do {
      const page = await this.doc.send(
        new QueryCommand({
          TableName: this.table,
          KeyConditionExpression: 'pk = :pk',
          ExpressionAttributeValues: { ':pk': givenUpKeys.partition(this.shopId) },
          ExclusiveStartKey: start,
          Limit: PAGE,
          ConsistentRead: true,
        }),
      );
      for (const item of page.Items ?? [])
        out.push({ incrementId: String(item.incrementId), attempts: Number(item.attempts), reason: String(item.reason), givenUpAt: Number(item.givenUpAt) });
      start = page.LastEvaluatedKey;
    } while (start);
    return out;
  }
}
