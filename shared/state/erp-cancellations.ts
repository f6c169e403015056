import { BatchGetCommand, QueryCommand, UpdateCommand, type DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { ConditionalCheckFailedException } from '@aws-sdk/client-dynamodb';
import type { ErpCancellationOutcome, ErpCancellationRecord } from '../domain/erp-cancellation';
import { forEachLimited } from './for-each-limited';
import { StateThrottledError } from './state-errors';
import { expiresAtSeconds, stateKeys } from './state-keys';

export interface ErpCancellationLogOptions {
  /** Records expire (TTL) this many days after they were last written. */
  retentionDays?: number;
  writeConcurrency?: number;
  /** Attempts of a BatchGetItem call while DynamoDB returns UnprocessedKeys. */
  maxBatchGetAttempts?: number;
}

export const ERP_CANCELLATION_RETENTION_DAYS = 90;
const BATCH_GET_MAX = 100;

/**
 * The ERP cancellations of one shop (docs/design.md §15): `ERP_CANCEL#<shopId>` / `<increment_id>`,
 * one item per store order the ERP's own order query reported cancelled. Holds the ERP's o_id and
 * status, when it was first seen, and what the connector did with it (recorded only, applied to the
 * store, or refused with the reason). Never personal data: increment ids, ids and statuses only.
 * Writes carry the run's fence and never overwrite a record written by a newer run.
 */
export class ErpCancellationLog {
  private readonly pk: string;
  private readonly retentionDays: number;
  private readonly writeConcurrency: number;
  private readonly maxBatchGetAttempts: number;

  constructor(
    private readonly doc: DynamoDBDocumentClient,
    private readonly table: string,
    private readonly shopId: number,
    options: ErpCancellationLogOptions = {},
  ) {
    this.pk = stateKeys.erpCancellationPartition(shopId);
    this.retentionDays = options.retentionDays ?? ERP_CANCELLATION_RETENTION_DAYS;
    this.writeConcurrency = options.writeConcurrency ?? 8;
    this.maxBatchGetAttempts = options.maxBatchGetAttempts ?? 5;
  }

  /** The records of these orders (absent: never recorded), in batches of ≤ 100 keys. */
  async getMany(incrementIds: readonly string[]): Promise<Map<string, ErpCancellationRecord>> {
    const found = new Map<string, ErpCancellationRecord>();
    const unique = [...new Set(incrementIds)];
    for (let i = 0; i < unique.length; i += BATCH_GET_MAX) {
      let keys: Array<Record<string, unknown>> = unique.slice(i, i + BATCH_GET_MAX).map((id) => ({ ...stateKeys.erpCancellation(this.shopId, id) }));
      for (let attempt = 1; keys.length > 0; attempt++) {
        if (attempt > this.maxBatchGetAttempts)
          throw new StateThrottledError('BatchGetItem of ERP cancellation records', keys.length, this.maxBatchGetAttempts);
        const out = await this.doc.send(new BatchGetCommand({ RequestItems: { [this.table]: { Keys: keys, ConsistentRead: true } } }));
        for (const item of out.Responses?.[this.table] ?? []) found.set(String(item.sk), toRecord(item));
        keys = (out.UnprocessedKeys?.[this.table]?.Keys as Array<Record<string, unknown>> | undefined) ?? [];
      }
    }
    return found;
  }

  /**
   * Writes these records (idempotent per order: one item each). `seenAt` keeps the first sighting.
   * A record last written under a newer fence is left alone; returns the increment ids written.
   */
  async putMany(records: readonly ErpCancellationRecord[], fence: number, nowMs: number): Promise<string[]> {
    const written: string[] = [];
    await forEachLimited(records, this.writeConcurrency, async (r) => {
      const values: Record<string, unknown> = {
        ':oId': r.oId,
        ':erpStatus': r.erpStatus,
        ':seenAt': r.seenAt,
        ':outcome': r.outcome,
        ':applied': r.applied,
        ':fence': fence,
        ':updatedAt': nowMs,
        ':expires': expiresAtSeconds(nowMs, this.retentionDays),
        ':incrementId': r.incrementId,
      };
      const sets = [
        'incrementId = :incrementId',
        'oId = :oId',
        'erpStatus = :erpStatus',
        'seenAt = if_not_exists(seenAt, :seenAt)',
        'outcome = :outcome',
        'applied = :applied',
        'fence = :fence',
        'updatedAt = :updatedAt',
        'expiresAt = :expires',
      ];
      const removes: string[] = [];
      for (const [field, value] of [
        ['appliedAt', r.appliedAt],
        ['refusedReason', r.refusedReason],
        ['storeStatus', r.storeStatus],
      ] as const) {
        if (value === undefined) removes.push(field);
        else {
          sets.push(`${field} = :${field}`);
          values[`:${field}`] = value;
        }
      }
      try {
        await this.doc.send(
          new UpdateCommand({
            TableName: this.table,
            Key: stateKeys.erpCancellation(this.shopId, r.incrementId),
            UpdateExpression: `SET ${sets.join(', ')}${removes.length > 0 ? ` REMOVE ${removes.join(', ')}` : ''}`,
            ConditionExpression: 'attribute_not_exists(fence) OR fence <= :fence',
            ExpressionAttributeValues: values,
          }),
        );
        written.push(r.incrementId);
      } catch (error) {
        if (!(error instanceof ConditionalCheckFailedException)) throw error;
      }
    });
    return written;
  }

  /** Every record of the shop (a Query of its partition; records expire after the retention period). */
  async list(): Promise<ErpCancellationRecord[]> {
    const records: ErpCancellationRecord[] = [];
    let start: Record<string, unknown> | undefined;
    do {
      const out = await this.doc.send(
        new QueryCommand({
          TableName: this.table,
          KeyConditionExpression: 'pk = :pk',
          ExpressionAttributeValues: { ':pk': this.pk },
          ExclusiveStartKey: start,
        }),
      );
      for (const item of out.Items ?? []) records.push(toRecord(item));
      start = out.LastEvaluatedKey;
    } while (start);
    return records;
  }
}

function toRecord(item: Record<string, unknown>): ErpCancellationRecord {
  const record: ErpCancellationRecord = {
    incrementId: String(item.incrementId ?? item.sk),
    oId: Number(item.oId ?? 0),
    erpStatus: String(item.erpStatus ?? ''),
    seenAt: Number(item.seenAt ?? 0),
    outcome: String(item.outcome ?? 'recorded') as ErpCancellationOutcome,
    applied: item.applied === true,
  };
  if (typeof item.appliedAt === 'number') record.appliedAt = item.appliedAt;
  if (typeof item.refusedReason === 'string') record.refusedReason = item.refusedReason;
  if (typeof item.storeStatus === 'string') record.storeStatus = item.storeStatus;
  return record;
}
