import { PutCommand, QueryCommand, type DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { boundJsonSize } from './size-bound';
import { expiresAtSeconds, stateKeys } from './state-keys';

/** A run-history item's summary is trimmed to this many bytes of JSON (lists halved, marked `truncated`). */
export const RUN_HISTORY_MAX_SUMMARY_BYTES = 64 * 1024;

export interface RunRecord<S = unknown> {
  runId: string;
  /** ISO time the run started. */
  startedAt: string;
  summary: S;
}

/** The last runs' summaries per job (`RUNS#<job>`, sk `<started-at ISO>#<runId>`), expiring by TTL after `retentionDays`. */
export class RunHistory {
  constructor(
    private readonly doc: DynamoDBDocumentClient,
    private readonly table: string,
    private readonly retentionDays: number,
    private readonly maxSummaryBytes = RUN_HISTORY_MAX_SUMMARY_BYTES,
  ) {}

  /** Keeps the summary, trimmed to `maxSummaryBytes` if larger (then with `truncated` and what was dropped). */
  async record(job: string, runId: string, startedAtMs: number, fullSummary: unknown): Promise<void> {
    const bounded = boundJsonSize(fullSummary, this.maxSummaryBytes);
    const summary = bounded.report && typeof bounded.value === 'object' && bounded.value !== null ? { ...bounded.value, ...bounded.report } : bounded.value;
    await this.doc.send(
      new PutCommand({
        TableName: this.table,
        Item: {
          ...stateKeys.run(job, startedAtMs, runId),
          runId,
          startedAt: new Date(startedAtMs).toISOString(),
          summary,
          expiresAt: expiresAtSeconds(startedAtMs, this.retentionDays),
        },
      }),
    );
  }

  /** The summaries of the newest `limit` runs, newest first. */
  async latest<S = unknown>(job: string, limit = 10): Promise<S[]> {
    return (await this.latestRecords<S>(job, limit)).map((r) => r.summary);
  }

  /** The newest `limit` runs with their ids and start times, newest first. */
  async latestRecords<S = unknown>(job: string, limit = 10): Promise<Array<RunRecord<S>>> {
    const out = await this.doc.send(
      new QueryCommand({
        TableName: this.table,
        KeyConditionExpression: 'pk = :pk',
        ExpressionAttributeValues: { ':pk': stateKeys.runsPartition(job) },
        ScanIndexForward: false,
        Limit: limit,
        ConsistentRead: true,
      }),
    );
    return (out.Items ?? []).map((i) => ({ runId: String(i.runId), startedAt: String(i.startedAt), summary: i.summary as S }));
  }
}
