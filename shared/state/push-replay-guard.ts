import { ConditionalCheckFailedException } from '@aws-sdk/client-dynamodb';
import { PutCommand, type DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { stateKeys } from './state-keys';

/**
 * Refuses a push seen before (docs/design.md §18): one `PUSH_SEEN#<digest>` item per push, written
 * with `attribute_not_exists(pk)`, so of two identical pushes exactly one is first. The item expires
 * (TTL) a little after the timestamp window: a push older than the window is refused by its `ts`
 * anyway, so the guard need not remember it longer. Holds the digest only.
 */
export class PushReplayGuard {
  constructor(
    private readonly doc: DynamoDBDocumentClient,
    private readonly table: string,
    private readonly rememberSeconds: number,
  ) {}

  /** True the first time `digest` is seen; false for a replay. */
  async firstSighting(digest: string, nowMs: number): Promise<boolean> {
    try {
      await this.doc.send(
        new PutCommand({
          TableName: this.table,
          Item: { ...stateKeys.pushSeen(digest), seenAt: nowMs, expiresAt: Math.floor(nowMs / 1000) + this.rememberSeconds },
          ConditionExpression: 'attribute_not_exists(pk)',
        }),
      );
      return true;
    } catch (error) {
      if (error instanceof ConditionalCheckFailedException) return false;
      throw error;
    }
  }
}
