import { ConditionalCheckFailedException } from '@aws-sdk/client-dynamodb';
import { GetCommand, UpdateCommand, type DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { stateKeys } from './state-keys';

/**
 * Whether erpNotify should start a job now (docs/design.md §18): at most once per `quietMs` however
 * many pushes arrive (a burst of pushes starts one run, not one per push: `PUSH_WAKE#<job>` claimed with
 * a conditional write). A wake-up is pending until a run acquires the lease after it (the lease's
 * `acquiredAt`), or for `quietMs` when that run never came (a lost invoke): then the next push may start
 * the job again. A job that is running is started too (`queued`): the job functions have reserved
 * concurrency 1, so Lambda keeps the event while the running invocation lasts and retries it (from 1 s
 * on) once it ended — that started run drains what the running one had already stopped looking at.
 * Reads `LEASE#<job>`; writes only `PUSH_WAKE#<job>`.
 */
export class PushWake {
  constructor(
    private readonly doc: DynamoDBDocumentClient,
    private readonly table: string,
    private readonly quietMs: number,
  ) {}

  /** `claimed`: start it; `queued`: start it, a run holds the lease (the start waits behind it); `recent`: a start is pending already. */
  async claim(job: string, nowMs: number): Promise<'claimed' | 'queued' | 'recent'> {
    const lease = await this.doc.send(new GetCommand({ TableName: this.table, Key: stateKeys.lease(job), ConsistentRead: true }));
    const held = lease.Item !== undefined && Number(lease.Item.leaseUntil) >= nowMs;
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
      return held ? 'queued' : 'claimed';
    } catch (error) {
      if (error instanceof ConditionalCheckFailedException) return 'recent';
      throw error;
    }
  }
}
