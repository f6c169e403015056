import { ScanCommand } from '@aws-sdk/lib-dynamodb';
import type { Context } from 'aws-lambda';
import type { RunContext } from '../../../shared/runtime/run-context';
import type { RunOutcome } from '../../../shared/runtime/run-summary';
import { createStateDocumentClient } from '../../../shared/state/state-table';

/** The required environment of every function, with the state table of the test. */
export function functionEnvironment(table: string, extra: Record<string, string> = {}): NodeJS.ProcessEnv {
  return { STATE_TABLE: table, JST_SECRET_ID: 'fecjst/test/jst', DB_SECRET_ID: 'fecjst/test/db', JST_SHOP_ID: '10001', DEADLINE_MARGIN_MS: '20000', ...extra };
}

/** A Lambda context whose remaining time the test controls (no wall clock involved). */
export function controlledContext(remainingMs: () => number, requestId = `req-${Math.random().toString(36).slice(2)}`): Context {
  return {
    awsRequestId: requestId,
    functionName: 'fecjst-test',
    functionVersion: '$LATEST',
    invokedFunctionArn: 'arn:aws:lambda:eu-west-1:000000000000:function:fecjst-test',
    memoryLimitInMB: '512',
    logGroupName: '/aws/lambda/fecjst-test',
    logStreamName: 'test',
    callbackWaitsForEmptyEventLoop: true,
    getRemainingTimeInMillis: remainingMs,
    done: () => {},
    fail: () => {},
    succeed: () => {},
  };
}

export const plentyOfTime = () => controlledContext(() => 600_000);

/**
 * A fake use case processing `pages` pages of one item each, committing its cursor (`incremental`,
 * a page number) after every page and stopping at the soft deadline. `onPage` runs before each commit.
 */
export function pagedJob(pages: number, onPage?: (page: number, ctx: RunContext) => Promise<void> | void) {
  return async (_deps: unknown, ctx: RunContext): Promise<RunOutcome> => {
    const before = (await ctx.cursors.read<number>('incremental')) ?? 0;
    let position = before;
    let complete = true;
    for (let page = 1; page <= pages; page++) {
      if (ctx.deadline.expired()) {
        complete = false;
        break;
      }
      await onPage?.(page, ctx);
      position += 1;
      if (!ctx.request.dryRun) await ctx.cursors.advance('incremental', position);
    }
    return { window: { from: null, to: null }, complete, counts: { pages: position - before }, failures: [], cursor: { before, after: position } };
  };
}

/** Every item of the state table (to prove that nothing was touched). */
export async function stateItems(table: string): Promise<Array<Record<string, unknown>>> {
  const doc = createStateDocumentClient();
  try {
    return (await doc.send(new ScanCommand({ TableName: table, ConsistentRead: true }))).Items ?? [];
  } finally {
    doc.destroy();
  }
}

/** Parsed JSON log lines (Powertools logs and EMF metric lines) from captured output. */
export function jsonLines(lines: string[]): Array<Record<string, unknown>> {
  return lines.flatMap((line) => {
    try {
      return [JSON.parse(line) as Record<string, unknown>];
    } catch {
      return [];
    }
  });
}

/** The EMF metric values published in captured output, by metric name (summed). */
export function publishedMetrics(lines: string[]): Record<string, number> {
  const out: Record<string, number> = {};
  for (const line of jsonLines(lines)) {
    const aws = line._aws as { CloudWatchMetrics?: Array<{ Metrics: Array<{ Name: string }> }> } | undefined;
    for (const group of aws?.CloudWatchMetrics ?? []) {
      for (const { Name } of group.Metrics) {
        const value = line[Name];
        const values = Array.isArray(value) ? (value as number[]) : [value as number];
        out[Name] = (out[Name] ?? 0) + values.reduce((a, b) => a + b, 0);
      }
    }
  }
  return out;
}
