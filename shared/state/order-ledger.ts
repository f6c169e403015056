import { ConditionalCheckFailedException } from '@aws-sdk/client-dynamodb';
import { BatchGetCommand, PutCommand, type DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { GivenUpOrders } from './given-up-orders';
import { assertLeaseFence } from './lease';
import { LeaseLostError, StateThrottledError } from './state-errors';
import { expiresAtSeconds, stateKeys } from './state-keys';

/**
 * Per store order, what the ERP last accepted (docs/design.md §5): the payload hash, the ERP o_id, and for
 * rejections the reason, the attempt count and when to try again.
 */
export interface LedgerEntry {
  incrementId: string;
  /** Hash of the last payload the ERP accepted (absent: never accepted). */
  acceptedHash?: string;
  /** The ERP's internal order id (o_id), once known. */
  oId?: number;
  /** accepted: the ERP has the current content; rejected: the last attempt failed; cancelled: closed in the ERP. */
  state: 'accepted' | 'rejected' | 'cancelled';
  /** Hash of the payload of the last failed attempt. */
  rejectedHash?: string;
  /** Failed attempts in a row (0 after an acceptance). */
  attempts: number;
  /** Epoch ms before which a rejected order is not tried again. */
  nextRetryAt?: number;
  /** Operator-readable reason of the last failure (never customer data). */
  lastError?: string;
  /** Epoch ms pushOrders gave up on this payload (attempts reached ORDER_MAX_ATTEMPTS); see GivenUpOrders. */
  givenUpAt?: number;
  /**
   * Epoch ms the ERP first accepted this order: from then on its units are in the ERP's order_lock.
   * Kept by every later write (a re-send of a changed payload, a rejected one, a cancellation), so
   * those never make the order look newly accepted (issue #26). Absent on entries written before it
   * existed: `updatedAt` stands in (later than the truth, so it errs low).
   */
  firstAcceptedAt?: number;
  /** Epoch ms of the write. */
  updatedAt: number;
}

export interface OrderLedgerOptions {
  /** Entries expire (TTL) this many days after their last write; longer than any order horizon. */
  retentionDays?: number;
  /** Parallel conditional puts in putMany. */
  writeConcurrency?: number;
  /** Attempts of a BatchGetItem call while DynamoDB returns UnprocessedKeys. */
  maxBatchGetAttempts?: number;
  /** Waits between those attempts (tests pass an instant one). */
  sleep?: (ms: number) => Promise<void>;
}

/** DynamoDB's BatchGetItem limit. */
export const LEDGER_BATCH_GET_MAX = 100;
export const LEDGER_RETENTION_DAYS = 400;

const wait = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));

/**
 * The order push ledger of one ERP shop: `ORDER#<shopId>#<increment_id>`. Reads in batches of
 * ≤100 keys; writes are fenced: refused (LeaseLostError) once the job's lease carries a newer fence,
 * and an entry written by a newer run is never overwritten by an older one.
 */
export class OrderLedger {
  private readonly retentionDays: number;
  private readonly writeConcurrency: number;
  private readonly maxBatchGetAttempts: number;
  private readonly sleep: (ms: number) => Promise<void>;
  /** The orders given up on after ORDER_MAX_ATTEMPTS, in their own partition (listed with a Query). */
  readonly givenUp: GivenUpOrders;

  constructor(
    private readonly doc: DynamoDBDocumentClient,
    private readonly table: string,
    private readonly shopId: number,
    options: OrderLedgerOptions = {},
  ) {
    this.givenUp = new GivenUpOrders(doc, table, shopId);
    this.retentionDays = options.retentionDays ?? LEDGER_RETENTION_DAYS;
    this.writeConcurrency = options.writeConcurrency ?? 16;
    this.maxBatchGetAttempts = options.maxBatchGetAttempts ?? 8;
    this.sleep = options.sleep ?? wait;
  }

  /** Entries of the given orders (absent: never pushed). ≤100 keys per call; UnprocessedKeys retried with backoff. */
  async getMany(incrementIds: readonly string[]): Promise<Map<string, LedgerEntry>> {
    const found = new Map<string, LedgerEntry>();
    const unique = [...new Set(incrementIds)];
    for (let i = 0; i < unique.length; i += LEDGER_BATCH_GET_MAX) {
      let keys: Array<Record<string, unknown>> = unique.slice(i, i + LEDGER_BATCH_GET_MAX).map((id) => ({ ...stateKeys.ledger(this.shopId, id) }));
      for (let attempt = 1; keys.length > 0; attempt++) {
        const out = await this.doc.send(new BatchGetCommand({ RequestItems: { [this.table]: { Keys: keys, ConsistentRead: true } } }));
        for (const item of out.Responses?.[this.table] ?? []) found.set(String(item.incrementId), toEntry(item));
        keys = (out.UnprocessedKeys?.[this.table]?.Keys as Array<Record<string, unknown>> | undefined) ?? [];
        if (keys.length === 0) break;
        if (attempt >= this.maxBatchGetAttempts) throw new StateThrottledError('ledger BatchGetItem', keys.length, attempt);
        await this.sleep(Math.min(2000, 50 * 2 ** (attempt - 1)));
      }
    }
    return found;
  }

  /**
   * Writes entries for the run holding `fence` on `job`'s lease: first checks the lease still carries
   * that fence (LeaseLostError otherwise, nothing written), then puts each entry conditionally
   * (`attribute_not_exists(fence) OR fence <= :fence`), `writeConcurrency` at a time.
   *
   * `job` may be a reconcile's own lease scope (`pushOrders#reconcile`, docs/design.md §4): its fences
   * count on another lease, so they are kept in `reconcileFence` and compared only with each other — a
   * reconcile and an incremental run never refuse each other's entries, a stale run of either still is.
   */
  async putMany(entries: readonly LedgerEntry[], fence: number, job: string): Promise<void> {
    if (entries.length === 0) return;
    await assertLeaseFence(this.doc, this.table, job, fence, 'write the order push ledger');
    const fenceAttribute = job.endsWith('#reconcile') ? 'reconcileFence' : 'fence';
    let next = 0;
    const worker = async () => {
      while (next < entries.length) {
        const entry = entries[next++]!;
        try {
          await this.doc.send(
            new PutCommand({
              TableName: this.table,
              Item: {
                ...entry,
                ...stateKeys.ledger(this.shopId, entry.incrementId),
                [fenceAttribute]: fence,
                expiresAt: expiresAtSeconds(entry.updatedAt, this.retentionDays),
              },
              ConditionExpression: 'attribute_not_exists(#fence) OR #fence <= :fence',
              ExpressionAttributeNames: { '#fence': fenceAttribute },
              ExpressionAttributeValues: { ':fence': fence },
            }),
          );
        } catch (error) {
          if (error instanceof ConditionalCheckFailedException)
            throw new LeaseLostError(job, fence, `overwrite the ledger entry of order ${entry.incrementId} written by a newer run`);
          throw error;
        }
      }
    };
    await Promise.all(Array.from({ length: Math.min(this.writeConcurrency, entries.length) }, worker));
  }
}

function toEntry(item: Record<string, unknown>): LedgerEntry {
  const { pk: _pk, sk: _sk, fence: _fence, reconcileFence: _reconcileFence, expiresAt: _expiresAt, ...rest } = item;
  return rest as unknown as LedgerEntry;
}
