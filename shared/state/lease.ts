import { ConditionalCheckFailedException } from '@aws-sdk/client-dynamodb';
import { GetCommand, UpdateCommand, type DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { LeaseLostError } from './state-errors';
import { stateKeys } from './state-keys';

export interface HeldLease {
  job: string;
  owner: string;
  /** Increases with every acquisition; every state write is conditional on it. */
  fence: number;
  /** Epoch ms the lease lasts until (as stored). */
  leaseUntil: number;
}

/** How many times acquisition moves its fence past a newer fence found on the cursor item. */
const FENCE_REALIGN_ATTEMPTS = 3;

/**
 * One run at a time per job (docs/design.md §4). `LEASE#<job>` holds `{ owner, fence, leaseUntil }`.
 * Acquired with one conditional write (`attribute_not_exists(pk) OR leaseUntil < :now`) that
 * increments `fence`; expiry is decided by the stored `leaseUntil`, never by TTL (the item has no
 * `expiresAt`).
 *
 * Fencing on DynamoDB without transactions (dynalite has no TransactWriteItems): acquisition then
 * stamps the new fence on the job's cursor item (`fence < :new`), and every cursor write is
 * conditional on `fence = :mine` on that same item. From the stamp on, an older run can no longer
 * move the cursor — atomically, per write. The ledger checks the lease's fence before each batch
 * (see assertLeaseFence).
 */
export class LeaseStore {
  constructor(
    private readonly doc: DynamoDBDocumentClient,
    private readonly table: string,
  ) {}

  /** Takes the lease if nobody holds it (or it expired); `undefined` when another run holds it. */
  async acquire(job: string, owner: string, durationMs: number, nowMs: number): Promise<HeldLease | undefined> {
    const leaseUntil = nowMs + durationMs;
    let fence: number;
    try {
      const out = await this.doc.send(
        new UpdateCommand({
          TableName: this.table,
          Key: stateKeys.lease(job),
          UpdateExpression: 'SET #owner = :owner, leaseUntil = :until, acquiredAt = :now, fence = if_not_exists(fence, :zero) + :one',
          ConditionExpression: 'attribute_not_exists(pk) OR leaseUntil < :now',
          ExpressionAttributeNames: { '#owner': 'owner' },
          ExpressionAttributeValues: { ':owner': owner, ':until': leaseUntil, ':now': nowMs, ':zero': 0, ':one': 1 },
          ReturnValues: 'ALL_NEW',
        }),
      );
      fence = Number(out.Attributes?.fence);
    } catch (error) {
      if (error instanceof ConditionalCheckFailedException) return undefined;
      throw error;
    }

    for (let attempt = 1; ; attempt++) {
      const newerFence = await this.stampCursor(job, fence);
      if (newerFence === undefined) return { job, owner, fence, leaseUntil };
      // The cursor carries a fence at least as new as ours: the lease item was deleted or restored
      // from a backup. Move our fence past it (still conditional on holding the lease) and stamp again.
      if (attempt >= FENCE_REALIGN_ATTEMPTS) throw new LeaseLostError(job, fence, 'stamp the cursor with the new fence');
      const raised = await this.raiseFence(job, fence, newerFence + 1);
      if (!raised) return undefined;
      fence = newerFence + 1;
    }
  }

  /** Extends a held lease; LeaseLostError when another run has taken it since. */
  async renew(lease: HeldLease, durationMs: number, nowMs: number): Promise<void> {
    const leaseUntil = nowMs + durationMs;
    try {
      await this.doc.send(
        new UpdateCommand({
          TableName: this.table,
          Key: stateKeys.lease(lease.job),
          UpdateExpression: 'SET leaseUntil = :until',
          ConditionExpression: 'fence = :fence',
          ExpressionAttributeValues: { ':until': leaseUntil, ':fence': lease.fence },
        }),
      );
      lease.leaseUntil = leaseUntil;
    } catch (error) {
      if (error instanceof ConditionalCheckFailedException) throw new LeaseLostError(lease.job, lease.fence, 'renew the lease');
      throw error;
    }
  }

  /** Whether the lease is still ours and unexpired (a consistent read). */
  async stillHeld(lease: HeldLease, nowMs: number): Promise<boolean> {
    const item = await readLease(this.doc, this.table, lease.job);
    return item?.fence === lease.fence && item.leaseUntil >= nowMs;
  }

  /** Ends the lease early so the next run need not wait for it to expire. A lost lease is left alone. */
  async release(lease: HeldLease): Promise<void> {
    try {
      await this.doc.send(
        new UpdateCommand({
          TableName: this.table,
          Key: stateKeys.lease(lease.job),
          UpdateExpression: 'SET leaseUntil = :zero',
          ConditionExpression: 'fence = :fence',
          ExpressionAttributeValues: { ':zero': 0, ':fence': lease.fence },
        }),
      );
    } catch (error) {
      if (!(error instanceof ConditionalCheckFailedException)) throw error;
    }
  }

  /** Stamps the fence on the cursor item; returns the cursor's fence when it is already as new or newer. */
  private async stampCursor(job: string, fence: number): Promise<number | undefined> {
    try {
      await this.doc.send(
        new UpdateCommand({
          TableName: this.table,
          Key: stateKeys.cursor(job),
          UpdateExpression: 'SET fence = :fence, positions = if_not_exists(positions, :empty), version = if_not_exists(version, :zero)',
          ConditionExpression: 'attribute_not_exists(fence) OR fence < :fence',
          ExpressionAttributeValues: { ':fence': fence, ':empty': {}, ':zero': 0 },
        }),
      );
      return undefined;
    } catch (error) {
      if (!(error instanceof ConditionalCheckFailedException)) throw error;
      const out = await this.doc.send(
        new GetCommand({ TableName: this.table, Key: stateKeys.cursor(job), ConsistentRead: true, ProjectionExpression: 'fence' }),
      );
      return Number(out.Item?.fence ?? fence);
    }
  }

  private async raiseFence(job: string, from: number, to: number): Promise<boolean> {
    try {
      await this.doc.send(
        new UpdateCommand({
          TableName: this.table,
          Key: stateKeys.lease(job),
          UpdateExpression: 'SET fence = :to',
          ConditionExpression: 'fence = :from',
          ExpressionAttributeValues: { ':from': from, ':to': to },
        }),
      );
      return true;
    } catch (error) {
      if (error instanceof ConditionalCheckFailedException) return false;
      throw error;
    }
  }
}

async function readLease(doc: DynamoDBDocumentClient, table: string, job: string): Promise<{ fence: number; leaseUntil: number } | undefined> {
  const out = await doc.send(new GetCommand({ TableName: table, Key: stateKeys.lease(job), ConsistentRead: true }));
  if (!out.Item) return undefined;
  return { fence: Number(out.Item.fence), leaseUntil: Number(out.Item.leaseUntil) };
}

/**
 * Throws LeaseLostError unless the job's lease still carries `fence` (a consistent read). Used before
 * writes that cannot carry the fence condition themselves (the order ledger). An expired lease that no
 * other run has taken still carries our fence: writing then is safe, since no one else can be writing.
 */
export async function assertLeaseFence(doc: DynamoDBDocumentClient, table: string, job: string, fence: number, what: string): Promise<void> {
  const item = await readLease(doc, table, job);
  if (item?.fence !== fence) throw new LeaseLostError(job, fence, what);
}
