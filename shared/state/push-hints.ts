import { randomUUID } from 'node:crypto';
import { ConditionalCheckFailedException } from '@aws-sdk/client-dynamodb';
import { DeleteCommand, QueryCommand, UpdateCommand, type DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { forEachLimited } from './for-each-limited';
import { expiresAtSeconds, stateKeys } from './state-keys';

/**
 * A wake-up left by an ERP push (docs/design.md §18): "look at this key again", nothing more. It holds
 * the key the push named (a SKU for syncInventory, a so_id for syncShipping) and when and how often it
 * was named — never the push's figures, which are not trusted as data.
 */
export interface PushHint {
  key: string;
  /** Changes with every write of the hint: a hint named again after a job read it is not cleared by that job. */
  hintId: string;
  firstHintAt: number;
  lastHintAt: number;
  /** How many pushes named the key since it was last drained. */
  count: number;
  /** The push method that named it last (e.g. `inventory.upload`). */
  source: string;
}

export interface PushHintsOptions {
  /** Hints nobody drained expire (TTL) after this many days: the polls have covered them by then. */
  retentionDays?: number;
  writeConcurrency?: number;
}

export const PUSH_HINT_RETENTION_DAYS = 3;

/**
 * The hints of one job: `HINT#<job>` / `<key>` in the state table, read with a Query (never a Scan).
 * Writing a hint is idempotent per key (one item per key however often it is named). The owning job
 * takes a bounded batch, re-reads those keys through the ERP queries it trusts, applies them through its
 * usual writes, and only then clears them — conditionally on the `hintId` it read, so a push that
 * arrives while the job works keeps its hint for the next run. Hints are not fenced: clearing one is
 * only ever "this key was re-read after it was named".
 */
export class PushHints {
  private readonly pk: string;
  private readonly retentionDays: number;
  private readonly writeConcurrency: number;

  constructor(
    private readonly doc: DynamoDBDocumentClient,
    private readonly table: string,
    readonly job: string,
    options: PushHintsOptions = {},
  ) {
    this.pk = stateKeys.hintPartition(job);
    this.retentionDays = options.retentionDays ?? PUSH_HINT_RETENTION_DAYS;
    this.writeConcurrency = options.writeConcurrency ?? 8;
  }

  /** Records that a push named these keys (duplicates collapse). Returns how many distinct keys were written. */
  async add(keys: readonly string[], source: string, nowMs: number): Promise<number> {
    const unique = [...new Set(keys.filter((k) => k.length > 0))];
    await forEachLimited(unique, this.writeConcurrency, (key) =>
      this.doc
        .send(
          new UpdateCommand({
            TableName: this.table,
            Key: stateKeys.hint(this.job, key),
            UpdateExpression:
              'SET #key = :key, hintId = :id, lastHintAt = :now, firstHintAt = if_not_exists(firstHintAt, :now), #count = if_not_exists(#count, :zero) + :one, #source = :source, expiresAt = :expires',
            ExpressionAttributeNames: { '#key': 'key', '#count': 'count', '#source': 'source' },
            ExpressionAttributeValues: {
              ':key': key,
              ':id': randomUUID(),
              ':now': nowMs,
              ':zero': 0,
              ':one': 1,
              ':source': source,
              ':expires': expiresAtSeconds(nowMs, this.retentionDays),
            },
          }),
        )
        .then(() => undefined),
    );
    return unique.length;
  }

  /** Up to `limit` waiting hints (in key order; each drain removes what it took, so the rest follows). */
  async take(limit: number): Promise<PushHint[]> {
    const hints: PushHint[] = [];
    let start: Record<string, unknown> | undefined;
    do {
      const out = await this.doc.send(
        new QueryCommand({
          TableName: this.table,
          KeyConditionExpression: 'pk = :pk',
          ExpressionAttributeValues: { ':pk': this.pk },
          ConsistentRead: true,
          Limit: limit - hints.length,
          ExclusiveStartKey: start,
        }),
      );
      for (const item of out.Items ?? []) hints.push(toHint(item));
      start = out.LastEvaluatedKey;
    } while (start && hints.length < limit);
    return hints;
  }

  /**
   * Clears hints the job has handled. A hint written again since it was taken (another push named the key)
   * stays. Returns the keys cleared and the keys kept that way.
   */
  async clear(hints: readonly PushHint[]): Promise<{ cleared: string[]; renamed: string[] }> {
    const cleared: string[] = [];
    const renamed: string[] = [];
    await forEachLimited(hints, this.writeConcurrency, async (hint) => {
      try {
        await this.doc.send(
          new DeleteCommand({
            TableName: this.table,
            Key: stateKeys.hint(this.job, hint.key),
            ConditionExpression: 'hintId = :id',
            ExpressionAttributeValues: { ':id': hint.hintId },
          }),
        );
        cleared.push(hint.key);
      } catch (error) {
        if (!(error instanceof ConditionalCheckFailedException)) throw error;
        renamed.push(hint.key);
      }
    });
    return { cleared, renamed };
  }

  /** How many hints wait (for `ops status`; a COUNT query, no items returned). */
  async waiting(): Promise<number> {
    let total = 0;
    let start: Record<string, unknown> | undefined;
    do {
      const out = await this.doc.send(
        new QueryCommand({
          TableName: this.table,
          KeyConditionExpression: 'pk = :pk',
          ExpressionAttributeValues: { ':pk': this.pk },
          Select: 'COUNT',
          ExclusiveStartKey: start,
        }),
      );
      total += out.Count ?? 0;
      start = out.LastEvaluatedKey;
    } while (start);
    return total;
  }
}

function toHint(item: Record<string, unknown>): PushHint {
  return {
    key: String(item.key),
    hintId: String(item.hintId),
    firstHintAt: Number(item.firstHintAt ?? 0),
    lastHintAt: Number(item.lastHintAt ?? 0),
    count: Number(item.count ?? 0),
    source: String(item.source ?? ''),
  };
}
