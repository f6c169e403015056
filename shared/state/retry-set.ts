import { DeleteCommand, QueryCommand, UpdateCommand, type DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { forEachLimited } from './for-each-limited';
import { assertLeaseFence } from './lease';
import { retryDelayMs } from '../domain/retry-backoff';
import { expiresAtSeconds, stateKeys } from './state-keys';

/**
 * One failed item of a job (a SKU, a shipment): why it failed, how often, and when it may be tried
 * again. `abandoned` items are kept (for the operator and the alarm) but never handed out again.
 */
export interface RetryItem {
  key: string;
  /** Operator-readable reason of the last failure (never customer data). */
  reason: string;
  /** Failed attempts in a row. */
  attempts: number;
  firstFailedAt: number;
  lastFailedAt: number;
  /** Epoch ms before which the item is not due (absent once abandoned). */
  nextAttemptAt?: number;
  abandoned: boolean;
  /** Small, non-personal facts the job needs to retry the item (e.g. the ERP o_id of a shipment). */
  context?: Record<string, string | number>;
}

export interface RetryFailure {
  key: string;
  reason: string;
  context?: Record<string, string | number>;
}

export interface RetrySetOptions {
  /** Attempts before an item is abandoned (default 8: about 5 min, 10, 20 … 10 h of backoff). */
  maxAttempts?: number;
  /** Items expire (TTL) this many days after their last failure. */
  retentionDays?: number;
  /** Parallel writes. */
  writeConcurrency?: number;
}

export const RETRY_SET_DEFAULT_MAX_ATTEMPTS = 8;
export const RETRY_SET_RETENTION_DAYS = 30;

/**
 * The retry set of one job (docs/design.md §5): `RETRY#<job>` / `<item key>`, read with a Query (never
 * a Scan). Items that failed are recorded with backoff (5 min doubling to 12 h); later runs take the
 * due ones, retry them, clear those that succeed and record the failures again; after `maxAttempts`
 * an item is abandoned — returned by `record` so the job can count it into a metric and an alarm.
 * Writes are fenced like the ledger: refused (LeaseLostError) once the job's lease carries a newer fence.
 */
export class RetrySet {
  private readonly maxAttempts: number;
  private readonly retentionDays: number;
  private readonly writeConcurrency: number;
  private readonly pk: string;

  constructor(
    private readonly doc: DynamoDBDocumentClient,
    private readonly table: string,
    private readonly job: string,
    options: RetrySetOptions = {},
  ) {
    this.maxAttempts = options.maxAttempts ?? RETRY_SET_DEFAULT_MAX_ATTEMPTS;
    this.retentionDays = options.retentionDays ?? RETRY_SET_RETENTION_DAYS;
    this.writeConcurrency = options.writeConcurrency ?? 8;
    this.pk = stateKeys.retryPartition(job);
  }

  /**
   * Records failed attempts (one more attempt each; a key given twice counts once). Returns the
   * items that this call abandoned (they reached `maxAttempts`).
   */
  async record(failures: readonly RetryFailure[], nowMs: number, fence: number): Promise<RetryItem[]> {
    const unique = [...new Map(failures.map((f) => [f.key, f])).values()];
    if (unique.length === 0) return [];
    await assertLeaseFence(this.doc, this.table, this.job, fence, 'record failed items in the retry set');
    const abandoned: RetryItem[] = [];
    await forEachLimited(unique, this.writeConcurrency, async (failure) => {
      const out = await this.doc.send(
        new UpdateCommand({
          TableName: this.table,
          Key: stateKeys.retryItem(this.job, failure.key),
          UpdateExpression:
            'SET #key = :key, reason = :reason, lastFailedAt = :now, firstFailedAt = if_not_exists(firstFailedAt, :now), attempts = if_not_exists(attempts, :zero) + :one, abandoned = :false, expiresAt = :expires, fence = :fence' +
            (failure.context ? ', #context = :context' : ''),
          ExpressionAttributeNames: { '#key': 'key', ...(failure.context ? { '#context': 'context' } : {}) },
          ExpressionAttributeValues: {
            ':key': failure.key,
            ':reason': failure.reason,
            ':now': nowMs,
            ':zero': 0,
            ':one': 1,
            ':false': false,
            ':expires': expiresAtSeconds(nowMs, this.retentionDays),
            ':fence': fence,
            ...(failure.context ? { ':context': failure.context } : {}),
          },
          ReturnValues: 'ALL_NEW',
        }),
      );
      const attempts = Number(out.Attributes?.attempts ?? 1);
      const giveUp = attempts >= this.maxAttempts;
      await this.doc.send(
        new UpdateCommand({
          TableName: this.table,
          Key: stateKeys.retryItem(this.job, failure.key),
          UpdateExpression: giveUp ? 'SET abandoned = :true REMOVE nextAttemptAt' : 'SET nextAttemptAt = :next',
          ExpressionAttributeValues: giveUp ? { ':true': true } : { ':next': nowMs + retryDelayMs(attempts) },
        }),
      );
      if (giveUp) abandoned.push(toItem({ ...out.Attributes, abandoned: true, nextAttemptAt: undefined }));
    });
    return abandoned;
  }

  /** Items whose next attempt is due (not abandoned), oldest failure first, at most `limit`. */
  async due(nowMs: number, limit = 1000): Promise<RetryItem[]> {
    const items = (await this.all()).filter((i) => !i.abandoned && (i.nextAttemptAt ?? 0) <= nowMs);
    return items.sort((a, b) => a.firstFailedAt - b.firstFailedAt).slice(0, limit);
  }

  /** Forgets items that succeeded (or were resolved by an operator). */
  async clear(keys: readonly string[], fence: number): Promise<void> {
    const unique = [...new Set(keys)];
    if (unique.length === 0) return;
    await assertLeaseFence(this.doc, this.table, this.job, fence, 'clear items of the retry set');
    await forEachLimited(unique, this.writeConcurrency, (key) =>
      this.doc.send(new DeleteCommand({ TableName: this.table, Key: stateKeys.retryItem(this.job, key) })).then(() => undefined),
    );
  }

  /** Every item of the set (pending and abandoned), by key. */
  async all(): Promise<RetryItem[]> {
    const items: RetryItem[] = [];
    let start: Record<string, unknown> | undefined;
    do {
      const out = await this.doc.send(
        new QueryCommand({
          TableName: this.table,
          KeyConditionExpression: 'pk = :pk',
          ExpressionAttributeValues: { ':pk': this.pk },
          ConsistentRead: true,
          ExclusiveStartKey: start,
        }),
      );
      for (const item of out.Items ?? []) items.push(toItem(item));
      start = out.LastEvaluatedKey;
    } while (start);
    return items;
  }

  /** How many items wait for a retry, and how many were given up. */
  async size(): Promise<{ pending: number; abandoned: number }> {
    const items = await this.all();
    const abandoned = items.filter((i) => i.abandoned).length;
    return { pending: items.length - abandoned, abandoned };
  }
}

function toItem(item: Record<string, unknown> | undefined): RetryItem {
  const i = item ?? {};
  const result: RetryItem = {
    key: String(i.key),
    reason: String(i.reason ?? ''),
    attempts: Number(i.attempts ?? 0),
    firstFailedAt: Number(i.firstFailedAt ?? 0),
    lastFailedAt: Number(i.lastFailedAt ?? 0),
    abandoned: i.abandoned === true,
  };
  if (typeof i.nextAttemptAt === 'number') result.nextAttemptAt = i.nextAttemptAt;
  if (i.context && typeof i.context === 'object') result.context = i.context as Record<string, string | number>;
  return result;
}
