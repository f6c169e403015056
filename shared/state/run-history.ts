import { PutCommand, QueryCommand, type DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { expiresAtSeconds, stateKeys } from './state-keys';

export interface RunRecord<S = unknown> {
  runId: string;
  /** ISO time the run started. */
  startedAt: string;
  summary: S;
}

/** The last runs' summaries per job (`RUNS#<job>`, sk `<started-at ISO>#<runId>`), expiring by TTL after `retentionDays`. */
export class RunHistory {
  constructor(private readonly doc: DynamoDBDocumentClient, private readonly table: string, private readonly retentionDays: number) {}

  async record(job: string, runId: string, startedAtMs: number, summary: unknown): Promise<void> {
    await this.doc.send(
      new PutCommand({
        TableName: this.table,
        Item: { ...stateKeys.run(job, startedAtMs, runId), runId, startedAt: new Date(startedAtMs).toISOString(), summary, expiresAt: expiresAtSeconds(startedAtMs, this.retentionDays) },
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
