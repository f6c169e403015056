import { ConditionalCheckFailedException } from '@aws-sdk/client-dynamodb';
import { GetCommand, UpdateCommand, type DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { CursorConflictError, LeaseLostError } from './state-errors';
import { stateKeys } from './state-keys';

/** A committed position. `position` is any JSON-able value (epoch ms, `{ afterSku }`…), opaque here. */
export interface CursorValue<T = unknown> {
  position: T;
  /** Epoch ms of the write. */
  updatedAt: number;
  /** Version of the job's cursor item when read (it grows with every advance of any of its cursors). */
  version: number;
}

interface CursorItem {
  fence?: number;
  version?: number;
  positions?: Record<string, unknown>;
}

/**
 * A stored entry is `{ position, updatedAt }`. An operator who wrote a bare value there by hand (the
 * old README said "epoch ms") meant it as the position: it is read as such (moved at an unknown
 * time, 0), never silently taken for "no cursor".
 */
function entryOf(stored: unknown): { position: unknown; updatedAt: number } {
  if (typeof stored === 'object' && stored !== null && !Array.isArray(stored) && 'position' in stored) {
    const entry = stored as { position: unknown; updatedAt?: unknown };
    return { position: entry.position, updatedAt: typeof entry.updatedAt === 'number' ? entry.updatedAt : 0 };
  }
  return { position: stored, updatedAt: 0 };
}

/**
 * Committed positions of a job (docs/design.md §3): one item `CURSOR#<job>` holding several named
 * positions (e.g. `incremental`, `full`), a `version` and the `fence` stamped by the lease.
 * A position moves only with the fence of the current lease holder (LeaseLostError otherwise) and,
 * when the caller passes the version it read, only if nobody moved the item since (CursorConflictError).
 */
export class CursorStore {
  constructor(
    private readonly doc: DynamoDBDocumentClient,
    private readonly table: string,
  ) {}

  /** The committed position (`undefined`: never set, or reset with `null`). */
  async read<T>(job: string, name: string): Promise<CursorValue<T> | undefined> {
    const item = await this.readItem(job);
    const stored = item?.positions?.[name];
    if (stored === undefined || stored === null) return undefined;
    const entry = entryOf(stored);
    if (entry.position === undefined || entry.position === null) return undefined;
    return { position: entry.position as T, updatedAt: entry.updatedAt, version: item?.version ?? 0 };
  }

  /** All positions of the job's cursor item, and its version (0 before the first write). */
  async readAll(job: string): Promise<{ version: number; positions: Record<string, CursorValue> }> {
    const item = await this.readItem(job);
    const version = item?.version ?? 0;
    const positions: Record<string, CursorValue> = {};
    for (const [name, stored] of Object.entries(item?.positions ?? {})) {
      if (stored === undefined || stored === null) continue;
      const entry = entryOf(stored);
      if (entry.position !== undefined && entry.position !== null) positions[name] = { position: entry.position, updatedAt: entry.updatedAt, version };
    }
    return { version, positions };
  }

  /**
   * Moves (or with `null`, resets) the named position. Conditional on the caller's fence and, if given,
   * on `expectedVersion`. Returns the new version.
   */
  async advance<T>(job: string, name: string, position: T | null, fence: number, nowMs: number, expectedVersion?: number): Promise<number> {
    const versionCondition = expectedVersion === undefined ? '' : ' AND version = :expected';
    try {
      const out = await this.doc.send(
        new UpdateCommand({
          TableName: this.table,
          Key: stateKeys.cursor(job),
          UpdateExpression: 'SET positions.#name = :entry, updatedAt = :now, version = if_not_exists(version, :zero) + :one',
          ConditionExpression: `fence = :fence${versionCondition}`,
          ExpressionAttributeNames: { '#name': name },
          ExpressionAttributeValues: {
            ':entry': { position, updatedAt: nowMs },
            ':now': nowMs,
            ':fence': fence,
            ':zero': 0,
            ':one': 1,
            ...(expectedVersion === undefined ? {} : { ':expected': expectedVersion }),
          },
          ReturnValues: 'UPDATED_NEW',
        }),
      );
      return Number(out.Attributes?.version);
    } catch (error) {
      if (!(error instanceof ConditionalCheckFailedException)) throw error;
      // dynalite ignores ReturnValuesOnConditionCheckFailure: read the item to tell the two causes apart.
      const item = await this.readItem(job);
      if (item?.fence !== fence) throw new LeaseLostError(job, fence, `move cursor ${name}`);
      throw new CursorConflictError(job, name, expectedVersion ?? -1, item.version);
    }
  }

  private async readItem(job: string): Promise<CursorItem | undefined> {
    const out = await this.doc.send(new GetCommand({ TableName: this.table, Key: stateKeys.cursor(job), ConsistentRead: true }));
    return out.Item as CursorItem | undefined;
  }
}
