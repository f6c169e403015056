import { ConditionalCheckFailedException } from '@aws-sdk/client-dynamodb';
import { GetCommand, UpdateCommand, type DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { LeaseLostError } from './state-errors';

export interface CursorValue<T = unknown> {
  position: T;
  updatedAt: number;
}

/**
 * Committed positions of a job (design.md §3), several per job by name (e.g. `incremental`, `full`).
 * A position only moves with the fence of the lease that stamped the cursor item: a run that lost its
 * lease gets LeaseLostError and moves nothing.
 */
export class CursorStore {
  constructor(private readonly doc: DynamoDBDocumentClient, private readonly table: string) {}

  async read<T>(job: string, name: string): Promise<CursorValue<T> | undefined> {
    const out = await this.doc.send(new GetCommand({ TableName: this.table, Key: { pk: `CURSOR#${job}`, sk: 'CURSOR' }, ConsistentRead: true }));
    const entry = (out.Item?.positions as Record<string, CursorValue<T>> | undefined)?.[name];
    return entry && entry.position !== undefined && entry.position !== null ? entry : undefined;
  }

  async advance<T>(job: string, name: string, position: T | null, fence: number, nowMs: number): Promise<void> {
    try {
      await this.doc.send(
        new UpdateCommand({
          TableName: this.table,
          Key: { pk: `CURSOR#${job}`, sk: 'CURSOR' },
          UpdateExpression: 'SET positions.#name = :entry',
          ConditionExpression: 'fence = :fence',
          ExpressionAttributeNames: { '#name': name },
          ExpressionAttributeValues: { ':entry': { position, updatedAt: nowMs }, ':fence': fence },
        }),
      );
    } catch (error) {
      if (error instanceof ConditionalCheckFailedException) throw new LeaseLostError(job, fence, `move cursor ${name}`);
      throw error;
    }
  }
}
