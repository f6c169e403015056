import { GetCommand, PutCommand, QueryCommand, UpdateCommand, type DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import type { PushRefusalReason } from '../domain/erp-push';
import { expiresAtSeconds, stateKeys } from './state-keys';

/** One refused push as kept for the operator: no body, no query, no credential, no personal data. */
export interface PushRefusalRecord {
  at: number;
  reason: PushRefusalReason;
  /** The push method when it could be read (`inventory.upload` …), else `?`. */
  method: string;
  /** Body size in bytes. */
  bytes: number;
  /** A short operator-readable explanation written by the receiver (never a value from the push). */
  detail: string;
}

export interface PushCounts {
  accepted: number;
  refused: number;
  refusedByReason: Partial<Record<PushRefusalReason, number>>;
  lastAcceptedAt?: number;
  lastRefusedAt?: number;
}

export const PUSH_REFUSAL_RING_SIZE = 50;
const REFUSAL_RETENTION_DAYS = 30;

/**
 * What erpNotify keeps for `npm run ops -- status` (docs/design.md §18): running counts of accepted and
 * refused pushes (`PUSH_COUNTS`/`TOTAL`, one atomic ADD per push) and a ring of the last refusals
 * (`PUSH_REFUSED`/<slot>, slot = refusal number mod the ring size), so however many forged pushes
 * arrive the table holds a bounded number of items.
 */
export class PushLog {
  constructor(
    private readonly doc: DynamoDBDocumentClient,
    private readonly table: string,
    private readonly ringSize = PUSH_REFUSAL_RING_SIZE,
  ) {}

  async accepted(nowMs: number): Promise<void> {
    await this.doc.send(
      new UpdateCommand({
        TableName: this.table,
        Key: stateKeys.pushCounts,
        UpdateExpression: 'ADD accepted :one SET lastAcceptedAt = :now',
        ExpressionAttributeValues: { ':one': 1, ':now': nowMs },
      }),
    );
  }

  async refused(record: PushRefusalRecord): Promise<void> {
    const out = await this.doc.send(
      new UpdateCommand({
        TableName: this.table,
        Key: stateKeys.pushCounts,
        UpdateExpression: 'ADD refused :one, #reason :one SET lastRefusedAt = :now',
        ExpressionAttributeNames: { '#reason': `refused_${record.reason}` },
        ExpressionAttributeValues: { ':one': 1, ':now': record.at },
        ReturnValues: 'UPDATED_NEW',
      }),
    );
    const number = Number(out.Attributes?.refused ?? 1);
    await this.doc.send(
      new PutCommand({
        TableName: this.table,
        Item: { ...stateKeys.pushRefusal(number % this.ringSize), ...record, number, expiresAt: expiresAtSeconds(record.at, REFUSAL_RETENTION_DAYS) },
      }),
    );
  }

  async counts(): Promise<PushCounts> {
    const out = await this.doc.send(new GetCommand({ TableName: this.table, Key: stateKeys.pushCounts, ConsistentRead: true }));
    const item = out.Item ?? {};
    const refusedByReason: PushCounts['refusedByReason'] = {};
    for (const [name, value] of Object.entries(item))
      if (name.startsWith('refused_')) refusedByReason[name.slice('refused_'.length) as PushRefusalReason] = Number(value);
    return {
      accepted: Number(item.accepted ?? 0),
      refused: Number(item.refused ?? 0),
      refusedByReason,
      ...(item.lastAcceptedAt !== undefined ? { lastAcceptedAt: Number(item.lastAcceptedAt) } : {}),
      ...(item.lastRefusedAt !== undefined ? { lastRefusedAt: Number(item.lastRefusedAt) } : {}),
    };
  }

  /** The kept refusals, newest first. */
  async lastRefusals(limit = 10): Promise<PushRefusalRecord[]> {
    const out = await this.doc.send(
      new QueryCommand({
        TableName: this.table,
        KeyConditionExpression: 'pk = :pk',
        ExpressionAttributeValues: { ':pk': stateKeys.pushRefusalsPartition },
        ConsistentRead: true,
      }),
    );
    return (out.Items ?? [])
      .sort((a, b) => Number(b.number) - Number(a.number))
      .slice(0, limit)
      .map((i) => ({ at: Number(i.at), reason: i.reason as PushRefusalReason, method: String(i.method), bytes: Number(i.bytes), detail: String(i.detail) }));
  }
}
