import { BatchWriteCommand, DeleteCommand, GetCommand, PutCommand, QueryCommand, type DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { FecjstError } from '../errors';
import { assertValidStockRule, ruleName, SafetyStock, stockRuleProblem, type StockBuffer, type StockRule, type StockRuleKind } from '../domain/safety-stock';
import { StateThrottledError } from './state-errors';
import { stateKeys } from './state-keys';

/** A kept rule with who changed it last and when (epoch ms). */
export interface StockRuleRecord extends StockRule {
  changedAt: number;
  changedBy: string;
}

/** A stored rule that does not read as a valid rule: the run fails naming it, before anything is written. */
export class StockRulesCorruptError extends FecjstError {
  constructor(sk: string, problem: string) {
    super(
      'STOCK_RULE_CORRUPT',
      `safety-stock rule ${sk} in the state table is not valid (${problem}); nothing was synced — fix it with npm run ops -- stock-rules set … or remove it with npm run ops -- stock-rules remove …`,
      { rule: sk, problem },
    );
  }
}

/** A stored item that does not read as a valid rule. */
export interface CorruptStockRule {
  sk: string;
  problem: string;
}

export type StoredStockRule = { ok: true; rule: StockRuleRecord } | ({ ok: false } & CorruptStockRule);

const BATCH_WRITE = 25;
const BATCH_ATTEMPTS = 8;

/**
 * The safety-stock rules of the shop (docs/design.md §14), one item each in the `STOCK_RULES` partition
 * (sk `global`, `prefix#<prefix>`, `sku#<sku>`), so operators change them without a deploy
 * (`npm run ops -- stock-rules …`). A run reads them all with one paged Query and validates them on read:
 * a corrupt item fails the run (StockRulesCorruptError naming it). Writes are operator writes: not fenced
 * (no run writes rules), each item a plain put or delete, so repeating a write changes nothing more.
 */
export class StockRulesStore {
  constructor(
    private readonly doc: DynamoDBDocumentClient,
    private readonly table: string,
  ) {}

  /** Every rule, validated (global first, then prefixes, then SKUs, each in key order); a corrupt item throws. */
  async list(): Promise<StockRuleRecord[]> {
    return sortRules((await this.items()).map(toRecord));
  }

  /** The rule set a run applies: read once per run (one paged Query), validated. */
  async safetyStock(): Promise<SafetyStock> {
    return new SafetyStock(await this.list());
  }

  /** Every item, the valid rules and the corrupt ones apart (for operators, who must see both to fix them). */
  async inspectAll(): Promise<{ rules: StockRuleRecord[]; corrupt: CorruptStockRule[] }> {
    const rules: StockRuleRecord[] = [];
    const corrupt: CorruptStockRule[] = [];
    for (const stored of (await this.items()).map(parse)) {
      if (stored.ok) rules.push(stored.rule);
      else corrupt.push({ sk: stored.sk, problem: stored.problem });
    }
    return { rules: sortRules(rules), corrupt };
  }

  /** The item of one rule as stored (valid or corrupt), or undefined when there is none. */
  async inspect(kind: StockRuleKind, key: string): Promise<StoredStockRule | undefined> {
    const out = await this.doc.send(new GetCommand({ TableName: this.table, Key: stateKeys.stockRule(kind, key), ConsistentRead: true }));
    return out.Item ? parse(out.Item) : undefined;
  }

  /** Sets one rule (validated first), replacing whatever the item held, a corrupt one included. */
  async set(rule: StockRule, changedAt: number, changedBy: string): Promise<void> {
    assertValidStockRule(rule);
    await this.doc.send(new PutCommand({ TableName: this.table, Item: toItem({ ...rule, changedAt, changedBy }) }));
  }

  /** Removes one rule (a corrupt one too); false when there was none. */
  async remove(kind: StockRuleKind, key: string): Promise<boolean> {
    const out = await this.doc.send(new DeleteCommand({ TableName: this.table, Key: stateKeys.stockRule(kind, key), ReturnValues: 'ALL_OLD' }));
    return out.Attributes !== undefined;
  }

  private async items(): Promise<Array<Record<string, unknown>>> {
    const items: Array<Record<string, unknown>> = [];
    let start: Record<string, unknown> | undefined;
    do {
      const out = await this.doc.send(
        new QueryCommand({
          TableName: this.table,
          KeyConditionExpression: 'pk = :pk',
          ExpressionAttributeValues: { ':pk': stateKeys.stockRulesPartition() },
          ConsistentRead: true,
          ExclusiveStartKey: start,
        }),
      );
      items.push(...(out.Items ?? []));
      start = out.LastEvaluatedKey;
    } while (start);
    return items;
  }

  /**
   * Writes many rules and deletes others (by sort key: corrupt items too) in batches of 25 (an import). Every rule is validated before the
   * first write; unprocessed items are retried with backoff (StateThrottledError after 8 attempts).
   */
  async write(put: readonly StockRule[], removeSortKeys: readonly string[], changedAt: number, changedBy: string): Promise<void> {
    for (const rule of put) assertValidStockRule(rule);
    type Request = { PutRequest: { Item: Record<string, unknown> } } | { DeleteRequest: { Key: Record<string, unknown> } };
    const requests: Request[] = [
      ...put.map((rule) => ({ PutRequest: { Item: toItem({ ...rule, changedAt, changedBy }) } })),
      ...removeSortKeys.map((sk) => ({ DeleteRequest: { Key: { pk: stateKeys.stockRulesPartition(), sk } } })),
    ];
    for (let i = 0; i < requests.length; i += BATCH_WRITE) {
      let pending = requests.slice(i, i + BATCH_WRITE);
      for (let attempt = 1; pending.length > 0; attempt++) {
        if (attempt > BATCH_ATTEMPTS) throw new StateThrottledError('stock rules BatchWriteItem', pending.length, BATCH_ATTEMPTS);
        if (attempt > 1) await new Promise((resolve) => setTimeout(resolve, 50 * 2 ** attempt));
        const out = await this.doc.send(new BatchWriteCommand({ RequestItems: { [this.table]: pending } }));
        pending = (out.UnprocessedItems?.[this.table] ?? []) as Request[];
      }
    }
  }
}

function sortRules(rules: StockRuleRecord[]): StockRuleRecord[] {
  const order: Record<StockRuleKind, number> = { global: 0, prefix: 1, sku: 2 };
  return rules.sort((a, b) => order[a.kind] - order[b.kind] || (a.key < b.key ? -1 : a.key > b.key ? 1 : 0));
}

function parse(item: Record<string, unknown>): StoredStockRule {
  try {
    return { ok: true, rule: toRecord(item) };
  } catch (error) {
    if (error instanceof StockRulesCorruptError) return { ok: false, sk: String(item.sk), problem: String(error.context.problem) };
    throw error;
  }
}

function toItem(record: StockRuleRecord): Record<string, unknown> {
  return {
    ...stateKeys.stockRule(record.kind, record.key),
    kind: record.kind,
    key: record.key,
    ...(record.buffer.type === 'units' ? { units: record.buffer.units } : { percent: record.buffer.percent }),
    changedAt: record.changedAt,
    changedBy: record.changedBy,
  };
}

/** Reads a stored item back as a rule, or throws StockRulesCorruptError naming its sort key. */
function toRecord(item: Record<string, unknown>): StockRuleRecord {
  const sk = String(item.sk);
  const fail = (problem: string): never => {
    throw new StockRulesCorruptError(sk, problem);
  };
  const kind = item.kind as StockRuleKind;
  const key = typeof item.key === 'string' ? item.key : kind === 'global' && item.key === undefined ? '' : fail('its key is missing or not text');
  if (!['global', 'prefix', 'sku'].includes(kind)) fail(`kind ${JSON.stringify(item.kind)} is not global, prefix or sku`);
  if (stateKeys.stockRule(kind, key).sk !== sk) fail(`its kind and key (${ruleName({ kind, key })}) do not match its sort key`);
  const hasUnits = item.units !== undefined;
  const hasPercent = item.percent !== undefined;
  if (hasUnits === hasPercent) fail(hasUnits ? 'it has both units and percent' : 'it has neither units nor percent');
  const raw = hasUnits ? item.units : item.percent;
  if (typeof raw !== 'number') fail(`${hasUnits ? 'units' : 'percent'} ${JSON.stringify(raw)} is not a number`);
  const buffer: StockBuffer = hasUnits ? { type: 'units', units: raw as number } : { type: 'percent', percent: raw as number };
  const rule: StockRule = { kind, key, buffer };
  const problem = stockRuleProblem(rule);
  if (problem) fail(problem);
  return { ...rule, changedAt: Number(item.changedAt ?? 0), changedBy: String(item.changedBy ?? '') };
}
