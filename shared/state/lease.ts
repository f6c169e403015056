import { ConditionalCheckFailedException } from '@aws-sdk/client-dynamodb';
import { GetCommand, UpdateCommand, type DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { LeaseLostError } from './state-errors';

export interface HeldLease {
  job: string;
  owner: string;
  /** Increases with every acquisition; every state write is conditional on it. */
  fence: number;
  leaseUntil: number;
}

/**
 * One run at a time per job (design.md §4). Acquired with one conditional write; expiry is decided by
 * the stored `leaseUntil`, never by TTL. Acquiring also stamps the job's cursor item with the new fence,
 * so from that moment a run holding an older fence can no longer move the cursor.
 */
export class LeaseStore {
  constructor(private readonly doc: DynamoDBDocumentClient, private readonly table: string) {}

  async acquire(job: string, owner: string, durationMs: number, nowMs: number): Promise<HeldLease | undefined> {
    let fence: number;
    try {
      const out = await this.doc.send(
        new UpdateCommand({
          TableName: this.table,
          Key: { pk: `LEASE#${job}`, sk: 'LEASE' },
          UpdateExpression: 'SET #owner = :owner, leaseUntil = :until, acquiredAt = :now, fence = if_not_exists(fence, :zero) + :one',
          ConditionExpression: 'attribute_not_exists(pk) OR leaseUntil < :now',
          ExpressionAttributeNames: { '#owner': 'owner' },
          ExpressionAttributeValues: { ':owner': owner, ':until': nowMs + durationMs, ':now': nowMs, ':zero': 0, ':one': 1 },
          ReturnValues: 'ALL_NEW',
        }),
      );
      fence = Number(out.Attributes?.fence);
    } catch (error) {
      if (error instanceof ConditionalCheckFailedException) return undefined;
      throw error;
    }
    await this.doc.send(
      new UpdateCommand({
        TableName: this.table,
        Key: { pk: `CURSOR#${job}`, sk: 'CURSOR' },
        UpdateExpression: 'SET fence = :fence, positions = if_not_exists(positions, :empty)',
        ConditionExpression: 'attribute_not_exists(fence) OR fence < :fence',
        ExpressionAttributeValues: { ':fence': fence, ':empty': {} },
      }),
    ).catch((error: unknown) => {
      if (error instanceof ConditionalCheckFailedException) throw new LeaseLostError(job, fence, 'stamp the cursor');
      throw error;
    });
    return { job, owner, fence, leaseUntil: nowMs + durationMs };
  }

  /** Extends a held lease; fails with LeaseLostError when it is no longer ours. */
  async renew(lease: HeldLease, durationMs: number, nowMs: number): Promise<void> {
    try {
      await this.doc.send(
        new UpdateCommand({
          TableName: this.table,
          Key: { pk: `LEASE#${lease.job}`, sk: 'LEASE' },
          UpdateExpression: 'SET leaseUntil = :until',
          ConditionExpression: 'fence = :fence AND leaseUntil >= :now',
          ExpressionAttributeValues: { ':until': nowMs + durationMs, ':fence': lease.fence, ':now': nowMs },
        }),
      );
      lease.leaseUntil = nowMs + durationMs;
    } catch (error) {
      if (error instanceof ConditionalCheckFailedException) throw new LeaseLostError(lease.job, lease.fence, 'renew the lease');
      throw error;
    }
  }

  /** Whether the lease is still ours (a consistent read). */
  async stillHeld(lease: HeldLease, nowMs: number): Promise<boolean> {
    const out = await this.doc.send(new GetCommand({ TableName: this.table, Key: { pk: `LEASE#${lease.job}`, sk: 'LEASE' }, ConsistentRead: true }));
    return Number(out.Item?.fence) === lease.fence && Number(out.Item?.leaseUntil) >= nowMs;
  }

  /** Ends the lease early so the next run need not wait for it to expire. A lost lease is left alone. */
  async release(lease: HeldLease): Promise<void> {
    await this.doc
      .send(
        new UpdateCommand({
          TableName: this.table,
          Key: { pk: `LEASE#${lease.job}`, sk: 'LEASE' },
          UpdateExpression: 'SET leaseUntil = :zero',
          ConditionExpression: 'fence = :fence',
          ExpressionAttributeValues: { ':zero': 0, ':fence': lease.fence },
        }),
      )
      .catch((error: unknown) => {
        if (!(error instanceof ConditionalCheckFailedException)) throw error;
      });
  }
}
