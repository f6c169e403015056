import { BatchWriteCommand, GetCommand, QueryCommand, UpdateCommand, type DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { FecjstError } from '../errors';
import {
  conflictText,
  skuKeyProblem,
  skuMapConflicts,
  SkuMapping,
  SkuMappingError,
  type SkuConflict,
  type SkuPair,
  type SkuTransform,
} from '../domain/sku-mapping';
import { StateThrottledError } from './state-errors';
import { stateKeys } from './state-keys';

/** A kept row with who changed it last and when (epoch ms). */
export interface SkuMapRecord extends SkuPair {
  changedAt: number;
  changedBy: string;
}

/** The meta item: bumped once per import, so a warm container re-reads the rows only when they changed. */
export interface SkuMapMeta {
  version: number;
  rows: number;
  importedAt?: number;
  importedBy?: string;
  /** Set while an import writes (epoch ms); cleared with the version bump. */
  importingSince?: number;
}

/** A stored row that does not read as a mapping, or rows that are not one-to-one: the run fails before anything is written. */
export class SkuMapCorruptError extends FecjstError {
  constructor(sk: string, problem: string) {
    super(
      'SKU_MAP_CORRUPT',
      `SKU mapping row ${sk} in the state table is not valid (${problem}); nothing was synced — fix the table with npm run ops -- sku-map import FILE.csv --replace`,
      { row: sk, problem },
    );
  }
}

/** An import that would make the table other than one-to-one: nothing is written. */
export class SkuMapImportRefusedError extends FecjstError {
  constructor(readonly conflicts: readonly SkuConflict[]) {
    super(
      'SKU_MAP_IMPORT_REFUSED',
      `the import would make the SKU mapping other than one-to-one (${conflicts.length} conflict(s)); nothing written:\n${conflicts
        .slice(0, 50)
        .map((c) => `  ${conflictText(c)}`)
        .join('\n')}${conflicts.length > 50 ? `\n  … and ${conflicts.length - 50} more` : ''}`,
      { conflicts: conflicts.length },
    );
  }
}

/** What an import will do: rows to put, store SKUs whose rows go, and the totals. */
export interface SkuMapPlan {
  put: SkuPair[];
  remove: string[];
  added: number;
  changed: number;
  unchanged: number;
  /** Rows not in the file that stay (an import without --replace). */
  kept: number;
  /** Each change as `SHOP-A1: A1 → A2` (`none` for a missing side). */
  changes: string[];
}

const BATCH_WRITE = 25;
const BATCH_ATTEMPTS = 8;
const PARALLEL_BATCHES = 8;
/** An import whose importingSince is older than this crashed: the flag no longer holds the cache. */
const IMPORT_STALE_MS = 15 * 60_000;

/**
 * The shop's SKU mapping table (docs/design.md §19): one item per row in the `SKU_MAP` partition (sk = the
 * store SKU, `erpSku`), and one meta item `SKU_MAP_META` whose version an import bumps when it is done.
 * A run asks `mapping()`: one GetItem of the meta item; the rows (one paged Query) only when the version
 * differs from the one this container read last, so a warm container pays one request per run.
 * Operator writes are not fenced (no run writes the table); an import writes removals and changed rows'
 * deletions first, then the new rows, so the table is one-to-one at every moment.
 */
export class SkuMapStore {
  private cache: { version: number; mapping: SkuMapping } | undefined;
  /** Full reads of the rows (tests and the bench count them). */
  rowReads = 0;

  constructor(
    private readonly doc: DynamoDBDocumentClient,
    private readonly table: string,
    private readonly options: { transform?: SkuTransform; now?: () => number } = {},
  ) {}

  /** The run's mapping: the table (cached per container, version-checked), the transform, identity. */
  async mapping(): Promise<SkuMapping> {
    const meta = await this.meta();
    const now = (this.options.now ?? Date.now)();
    const importing = meta.importingSince !== undefined && now - meta.importingSince < IMPORT_STALE_MS;
    // While an import writes, a warm container keeps what it has; the finished import's version makes it re-read.
    if (this.cache && (this.cache.version === meta.version || importing)) return this.cache.mapping;
    let mapping: SkuMapping;
    try {
      mapping = new SkuMapping(await this.pairs(), this.options.transform);
    } catch (error) {
      if (error instanceof SkuMappingError) throw new SkuMapCorruptError(String(error.context.sku ?? error.context.storeSku), error.message);
      throw error;
    }
    this.cache = { version: importing ? Number.NaN : meta.version, mapping };
    return mapping;
  }

  async meta(): Promise<SkuMapMeta> {
    const out = await this.doc.send(new GetCommand({ TableName: this.table, Key: stateKeys.skuMapMeta, ConsistentRead: true }));
    const item = out.Item ?? {};
    return {
      version: Number(item.version ?? 0),
      rows: Number(item.rows ?? 0),
      ...(item.importedAt !== undefined ? { importedAt: Number(item.importedAt) } : {}),
      ...(item.importedBy !== undefined ? { importedBy: String(item.importedBy) } : {}),
      ...(item.importingSince !== undefined ? { importingSince: Number(item.importingSince) } : {}),
    };
  }

  /** Every row with who changed it, sorted by store SKU; a corrupt item throws. */
  async list(): Promise<SkuMapRecord[]> {
    const rows: SkuMapRecord[] = [];
    for (const item of await this.items(false)) {
      const pair = toPair(item);
      rows.push({ ...pair, changedAt: Number(item.changedAt ?? 0), changedBy: String(item.changedBy ?? '') });
    }
    return rows.sort((a, b) => (a.storeSku < b.storeSku ? -1 : a.storeSku > b.storeSku ? 1 : 0));
  }

  /**
   * What importing `rows` would do, checked whole first: conflicts inside the file, and (without `replace`)
   * with the rows kept, refuse the import (SkuMapImportRefusedError naming both rows), nothing written.
   */
  async plan(rows: ReadonlyArray<SkuPair & { line?: number }>, replace: boolean): Promise<SkuMapPlan> {
    const inFile = skuMapConflicts(rows);
    if (inFile.length > 0) throw new SkuMapImportRefusedError(inFile);
    const current = new Map((await this.pairs()).map((p) => [p.storeSku, p.erpSku] as const));
    const wanted = new Map(rows.map((r) => [r.storeSku, r] as const));
    if (!replace) {
      const kept = [...current.entries()].filter(([store]) => !wanted.has(store)).map(([storeSku, erpSku]) => ({ storeSku, erpSku }));
      const conflicts = [
        ...rows.flatMap((r): SkuConflict[] => {
          const erp = current.get(r.storeSku);
          return erp !== undefined && erp !== r.erpSku ? [{ side: 'store', sku: r.storeSku, first: { storeSku: r.storeSku, erpSku: erp }, second: r }] : [];
        }),
        ...skuMapConflicts([...kept, ...wanted.values()]).filter((c) => c.side === 'erp'),
      ];
      if (conflicts.length > 0) throw new SkuMapImportRefusedError(conflicts);
    }
    const put: SkuPair[] = [];
    const remove: string[] = [];
    const changes: string[] = [];
    let added = 0;
    let changed = 0;
    for (const row of wanted.values()) {
      const before = current.get(row.storeSku);
      if (before === row.erpSku) continue;
      put.push({ storeSku: row.storeSku, erpSku: row.erpSku });
      if (before === undefined) added++;
      else {
        changed++;
        // Deleted first, put after: the ERP code it gives up may be taken by another row of the file.
        remove.push(row.storeSku);
      }
      changes.push(`${row.storeSku}: ${before ?? 'none'} → ${row.erpSku}`);
    }
    let kept = 0;
    for (const [store, erp] of current)
      if (!wanted.has(store)) {
        if (replace) {
          remove.push(store);
          changes.push(`${store}: ${erp} → none`);
        } else kept++;
      }
    return { put, remove, added, changed, unchanged: wanted.size - put.length, kept, changes };
  }

  /** Writes a plan: importingSince, the deletions, the puts, then the version bump (the runs re-read then). */
  async apply(plan: SkuMapPlan, changedAt: number, changedBy: string): Promise<void> {
    for (const p of plan.put) {
      const problem = skuKeyProblem('store SKU', p.storeSku) ?? skuKeyProblem('ERP SKU', p.erpSku);
      if (problem) throw new SkuMappingError('SKU_MAP_INVALID', `SKU mapping row ${p.storeSku} → ${p.erpSku}: ${problem}`, { storeSku: p.storeSku });
    }
    await this.doc.send(
      new UpdateCommand({
        TableName: this.table,
        Key: stateKeys.skuMapMeta,
        UpdateExpression: 'SET importingSince = :now',
        ExpressionAttributeValues: { ':now': changedAt },
      }),
    );
    await this.batchWrite(plan.remove.map((sku) => ({ DeleteRequest: { Key: stateKeys.skuMapRow(sku) } })));
    await this.batchWrite(plan.put.map((p) => ({ PutRequest: { Item: { ...stateKeys.skuMapRow(p.storeSku), erpSku: p.erpSku, changedAt, changedBy } } })));
    const rows = (await this.items(true)).length;
    await this.doc.send(
      new UpdateCommand({
        TableName: this.table,
        Key: stateKeys.skuMapMeta,
        UpdateExpression: 'SET #rows = :rows, importedAt = :now, importedBy = :by ADD version :one REMOVE importingSince',
        ExpressionAttributeNames: { '#rows': 'rows' },
        ExpressionAttributeValues: { ':rows': rows, ':now': changedAt, ':by': changedBy, ':one': 1 },
      }),
    );
  }

  /** Every row as a pair, validated. */
  private async pairs(): Promise<SkuPair[]> {
    this.rowReads++;
    return (await this.items(true)).map(toPair);
  }

  private async items(keysOnly: boolean): Promise<Array<Record<string, unknown>>> {
    const items: Array<Record<string, unknown>> = [];
    let start: Record<string, unknown> | undefined;
    do {
      const out = await this.doc.send(
        new QueryCommand({
          TableName: this.table,
          KeyConditionExpression: 'pk = :pk',
          ExpressionAttributeValues: { ':pk': stateKeys.skuMapPartition },
          ...(keysOnly ? { ProjectionExpression: 'sk, erpSku' } : {}),
          ConsistentRead: true,
          ExclusiveStartKey: start,
        }),
      );
      for (const item of out.Items ?? []) items.push(item);
      start = out.LastEvaluatedKey;
    } while (start);
    return items;
  }

  private async batchWrite(requests: Array<Record<string, unknown>>): Promise<void> {
    const batches: Array<Array<Record<string, unknown>>> = [];
    for (let i = 0; i < requests.length; i += BATCH_WRITE) batches.push(requests.slice(i, i + BATCH_WRITE));
    const writeOne = async (batch: Array<Record<string, unknown>>) => {
      let pending = batch;
      for (let attempt = 1; pending.length > 0; attempt++) {
        if (attempt > BATCH_ATTEMPTS) throw new StateThrottledError('SKU mapping BatchWriteItem', pending.length, BATCH_ATTEMPTS);
        if (attempt > 1) await new Promise((resolve) => setTimeout(resolve, 50 * 2 ** attempt));
        const out = await this.doc.send(new BatchWriteCommand({ RequestItems: { [this.table]: pending } }));
        pending = (out.UnprocessedItems?.[this.table] ?? []) as Array<Record<string, unknown>>;
      }
    };
    for (let i = 0; i < batches.length; i += PARALLEL_BATCHES) await Promise.all(batches.slice(i, i + PARALLEL_BATCHES).map(writeOne));
  }
}

function toPair(item: Record<string, unknown>): SkuPair {
  const sk = String(item.sk);
  const problem = skuKeyProblem('store SKU', item.sk) ?? skuKeyProblem('ERP SKU', item.erpSku);
  if (problem) throw new SkuMapCorruptError(sk, problem);
  return { storeSku: sk, erpSku: item.erpSku as string };
}
