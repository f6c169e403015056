/**
 * Strict reading of one page of a paginated ERP reply (docs/erp-api.md §1.4, §2.5): the paging fields
 * and the endpoint's list must have the documented shape — a code-0 reply without them is malformed
 * (a retryable JstApiError, never "no rows"); rows that do not parse are listed as invalid; two rows
 * with one key keep the one with the latest `modified`.
 */
import type { z } from 'zod';
import { parseBeijing } from '../domain/beijing-time';
import { JstApiError } from './jst-errors';
import { pageSchema } from './reply-schemas';
import type { JstEndpoint } from './erp-protocol';

/** A row the ERP sent that does not have the documented shape; the caller decides what to do. */
export interface InvalidRow {
  index: number;
  key: string | undefined;
  problem: string;
}

export interface Page<T> {
  pageIndex: number;
  rows: T[];
  invalid: InvalidRow[];
  hasNext: boolean;
  /** Rows dropped because another row of the same page had the same key and a later `modified`. */
  duplicates?: number;
  /** The reply's `data_count` when present (a hint only: it is [U] for inventory, docs/erp-api.md §3a). */
  dataCount?: number;
}

/** How one paged endpoint's reply is read: its list key, row schema, row key and row time. */
export interface PagedReading<T> {
  endpoint: JstEndpoint;
  biz: Record<string, unknown>;
  listKey: string;
  rowSchema: z.ZodType<T>;
  keyOf: (row: unknown) => unknown;
  /** The key two rows of one page must not share (the later `modified` wins). */
  uniqueKey: (row: T) => string;
  modifiedOf: (row: T) => string | null | undefined;
}

/** Parses one paged reply; malformed → retryable JST_REPLY_INVALID; same-key rows → the latest `modified`. */
export function readPage<T>(reading: PagedReading<T>, data: Record<string, unknown>, pageIndex: number): Page<T> {
  const name = reading.endpoint.name;
  const page = pageSchema.safeParse(data);
  if (!page.success)
    throw new JstApiError({
      code: 'JST_REPLY_INVALID',
      message: `ERP ${name}: reply does not have the documented shape (${issues(page.error)})`,
      endpoint: name,
      retryable: true,
    });
  const list = data[reading.listKey];
  if (!Array.isArray(list)) {
    const problem = list === undefined || list === null ? `has no "${reading.listKey}" list` : `"${reading.listKey}" is not a list`;
    throw new JstApiError({
      code: 'JST_REPLY_INVALID',
      message: `ERP ${name}: code 0 but the reply ${problem} (malformed reply)`,
      endpoint: name,
      retryable: true,
    });
  }
  const byKey = new Map<string, T>();
  const invalid: InvalidRow[] = [];
  let duplicates = 0;
  list.forEach((raw, index) => {
    const parsed = reading.rowSchema.safeParse(raw);
    if (!parsed.success) {
      const key = typeof raw === 'object' && raw ? reading.keyOf(raw) : undefined;
      invalid.push({
        index,
        key: typeof key === 'string' ? key : undefined,
        problem: parsed.error.issues.map((i) => `${i.path.join('.') || 'row'}: ${i.message}`).join('; '),
      });
      return;
    }
    const key = reading.uniqueKey(parsed.data);
    const seen = byKey.get(key);
    if (seen !== undefined) {
      duplicates++;
      if (modifiedMs(reading.modifiedOf(seen)) > modifiedMs(reading.modifiedOf(parsed.data))) return;
    }
    byKey.set(key, parsed.data);
  });
  const pageSize = Number(reading.biz.page_size);
  const hasNext = page.data.has_next ?? (page.data.page_count !== undefined ? pageIndex < page.data.page_count : list.length >= pageSize);
  const result: Page<T> = { pageIndex, rows: [...byKey.values()], invalid, hasNext, duplicates };
  if (page.data.data_count !== undefined) result.dataCount = page.data.data_count;
  return result;
}

function modifiedMs(modified: string | null | undefined): number {
  return (modified ? parseBeijing(modified) : undefined) ?? Number.NEGATIVE_INFINITY;
}

function issues(error: z.ZodError): string {
  return error.issues
    .slice(0, 3)
    .map((i) => `${i.path.join('.') || 'reply'}: ${i.message}`)
    .join('; ');
}
