import { ConditionalCheckFailedException } from '@aws-sdk/client-dynamodb';
import { GetCommand, UpdateCommand, type DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { stateKeys } from './state-keys';

/**
 * Whether erpNotify should start a job now (docs/design.md §18): not while the job's lease is held
 * (that run or the next drains the hint), and at most once per `quietMs` however many pushes arrive
 * (a burst of pushes starts one run, not one per push: `PUSH_WAKE#<job>` claimed with a conditional
 * write). A wake-up is pending until a run acquires the lease after it (the lease's `acquiredAt`), or
 * for `quietMs` when that run never came (a lost invoke): then the next push may start the job again.
 * Reads `LEASE#<job>`; writes only `PUSH_WAKE#<job>`.
 */
export class PushWake {
  constructor(
    private readonly doc: DynamoDBDocumentClient,
    private readonly table: string,
    private readonly quietMs: number,
  ) {}

  /** `held`: a run holds the lease; `recent`: another push started the job moments ago; `claimed`: start it. */
  async claim(job: string, nowMs: number): Promise<'held' | 'recent' | 'claimed'> {
    const lease = await this.doc.send(new GetCommand({ TableName: this.table, Key: stateKeys.lease(job), ConsistentRead: true }));
    if (lease.Item && Number(lease.Item.leaseUntil) >= nowMs) return 'held';
    try {
      await this.doc.send(
        new UpdateCommand({
          TableName: this.table,
          Key: stateKeys.pushWake(job),
          UpdateExpression: 'SET wokeAt = :now',
          ConditionExpression: 'attribute_not_exists(wokeAt) OR wokeAt < :quiet OR wokeAt < :started',
          ExpressionAttributeValues: { ':now': nowMs, ':quiet': nowMs - this.quietMs, ':started': Number(lease.Item?.acquiredAt ?? 0) },
        }),
      );
      return 'claimed';
    } catch (error) {
      if (error instanceof ConditionalCheckFailedException) return 'recent';
      throw error;
    }
  }
}
