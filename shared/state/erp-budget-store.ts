import { ConditionalCheckFailedException } from '@aws-sdk/client-dynamodb';
import { GetCommand, PutCommand, type DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { EMPTY_BUDGET, type BudgetSlice, type BudgetState } from './erp-budget-plan';
import { stateKeys } from './state-keys';

/**
 * The shared ERP budget item, `pk=BUDGET#<account>`, `sk=BUDGET` (see erp-budget-plan.ts for what it
 * holds). Written whole, conditional on the version read: of two containers planning from the same
 * version only one write succeeds, the other reads again and replans — so the table, not anybody's
 * clock, decides who got which slice. Counts every request it sends (`requests`).
 */
export class ErpBudgetStore {
  requests = 0;

  constructor(
    private readonly doc: DynamoDBDocumentClient,
    private readonly table: string,
    private readonly account: string,
  ) {}

  /** The current state (a consistent read); the empty budget when the item does not exist yet. */
  async read(): Promise<BudgetState> {
    this.requests++;
    const out = await this.doc.send(new GetCommand({ TableName: this.table, Key: stateKeys.budget(this.account), ConsistentRead: true }));
    return out.Item ? fromItem(out.Item) : EMPTY_BUDGET;
  }

  /** Writes `next` if the item still has version `next.version − 1`; false when someone wrote first. */
  async write(next: BudgetState): Promise<boolean> {
    this.requests++;
    try {
      await this.doc.send(
        new PutCommand({
          TableName: this.table,
          Item: {
            ...stateKeys.budget(this.account),
            version: next.version,
            slices: next.slices,
            active: next.active,
            ...(next.released ? { released: next.released } : {}),
            ...(next.penalty ? { penalty: next.penalty } : {}),
          },
          ConditionExpression: 'attribute_not_exists(pk) OR version = :seen',
          ExpressionAttributeValues: { ':seen': next.version - 1 },
        }),
      );
      return true;
    } catch (error) {
      if (error instanceof ConditionalCheckFailedException) return false;
      throw error;
    }
  }
}

function fromItem(item: Record<string, unknown>): BudgetState {
  const slices = Array.isArray(item.slices) ? (item.slices as Array<Record<string, unknown>>) : [];
  const active = typeof item.active === 'object' && item.active !== null ? (item.active as Record<string, unknown>) : {};
  const penalty = item.penalty as Record<string, unknown> | undefined;
  const released = typeof item.released === 'object' && item.released !== null ? (item.released as Record<string, unknown>) : undefined;
  return {
    version: Number(item.version ?? 0),
    slices: slices.map((s): BudgetSlice => ({ j: String(s.j), s: Number(s.s), e: Number(s.e), n: Number(s.n) })),
    active: Object.fromEntries(Object.entries(active).map(([j, at]) => [j, Number(at)])),
    ...(released ? { released: Object.fromEntries(Object.entries(released).map(([j, at]) => [j, Number(at)])) } : {}),
    ...(penalty ? { penalty: { factor: Number(penalty.factor), until: Number(penalty.until), at: Number(penalty.at) } } : {}),
  };
}
