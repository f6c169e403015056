import { ConditionalCheckFailedException } from '@aws-sdk/client-dynamodb';
import { BatchGetCommand, PutCommand, type DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { LeaseLostError } from './state-errors';

/**
 * Per store order, what the ERP last accepted (design.md §5): the payload hash, the ERP o_id, and for
 * rejections the reason, the attempt count and when to try again.
 */
export interface LedgerEntry {
  incrementId: string;
  /** Hash of the last payload the ERP accepted (absent: never accepted). */
  acceptedHash?: string;
  oId?: number;
  /** accepted: the ERP has the current content; rejected: the last attempt failed; cancelled: closed in the ERP. */
  state: 'accepted' | 'rejected' | 'cancelled';
  /** Hash of the payload of the last failed attempt, and how many attempts failed in a row. */
  rejectedHash?: string;
  attempts: number;
  nextRetryAt?: number;
  lastError?: string;
  updatedAt: number;
}

const BATCH_GET_MAX = 100;

export class OrderLedger {
  constructor(private readonly doc: DynamoDBDocumentClient, private readonly table: string, private readonly shopId: number) {}

  private key(incrementId: string) {
    return { pk: `ORDER#${this.shopId}#${incrementId}`, sk: 'LEDGER' };
  }

  /** Entries of the given orders (absent: never pushed), ≤100 keys per call, unprocessed keys retried. */
  async getMany(incrementIds: readonly string[]): Promise<Map<string, LedgerEntry>> {
    const found = new Map<string, LedgerEntry>();
    const unique = [...new Set(incrementIds)];
    for (let i = 0; i < unique.length; i += BATCH_GET_MAX) {
      let keys: Array<Record<string, unknown>> | undefined = unique.slice(i, i + BATCH_GET_MAX).map((id) => this.key(id));
      for (let attempt = 0; keys && keys.length > 0; attempt++) {
        const out = await this.doc.send(new BatchGetCommand({ RequestItems: { [this.table]: { Keys: keys, ConsistentRead: true } } }));
        for (const item of out.Responses?.[this.table] ?? []) found.set(String(item.incrementId), stripKeys(item));
        keys = out.UnprocessedKeys?.[this.table]?.Keys as Array<Record<string, unknown>> | undefined;
        if (keys?.length) await new Promise((r) => setTimeout(r, Math.min(1000, 50 * 2 ** attempt)));
      }
    }
    return found;
  }

  /**
   * Writes entries, each conditional on the fence (an entry written by a newer run is never
   * overwritten by an older one). Runs `concurrency` writes at a time.
   */
  async putMany(entries: readonly LedgerEntry[], fence: number, job: string, concurrency = 16): Promise<void> {
    let next = 0;
    const worker = async () => {
      while (next < entries.length) {
        const entry = entries[next++]!;
        try {
          await this.doc.send(
            new PutCommand({
              TableName: this.table,
              Item: { ...this.key(entry.incrementId), ...entry, fence },
              ConditionExpression: 'attribute_not_exists(fence) OR fence <= :fence',
              ExpressionAttributeValues: { ':fence': fence },
            }),
          );
        } catch (error) {
          if (error instanceof ConditionalCheckFailedException) throw new LeaseLostError(job, fence, `write the ledger entry of ${entry.incrementId}`);
          throw error;
        }
      }
    };
    await Promise.all(Array.from({ length: Math.min(concurrency, entries.length) }, worker));
  }
}

function stripKeys(item: Record<string, unknown>): LedgerEntry {
  const { pk: _pk, sk: _sk, fence: _fence, ...rest } = item;
  return rest as unknown as LedgerEntry;
}

/** When a rejected order may be tried again: exponential, from 5 minutes up to 12 hours. */
export function nextRetryAt(attempts: number, nowMs: number): number {
  const delay = Math.min(12 * 3600_000, 5 * 60_000 * 2 ** Math.max(0, attempts - 1));
  return nowMs + delay;
}
