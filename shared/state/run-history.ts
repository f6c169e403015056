import { PutCommand, QueryCommand, type DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';

/** The last runs' summaries per job, expiring by TTL after `retentionDays`. */
export class RunHistory {
  constructor(private readonly doc: DynamoDBDocumentClient, private readonly table: string, private readonly retentionDays: number) {}

  async record(job: string, runId: string, startedAtMs: number, summary: unknown): Promise<void> {
    await this.doc.send(
      new PutCommand({
        TableName: this.table,
        Item: {
          pk: `RUNS#${job}`,
          sk: `${new Date(startedAtMs).toISOString()}#${runId}`,
          summary,
          expiresAt: Math.floor(startedAtMs / 1000) + this.retentionDays * 86400,
        },
      }),
    );
  }

  async latest(job: string, limit = 10): Promise<unknown[]> {
    const out = await this.doc.send(
      new QueryCommand({
        TableName: this.table,
        KeyConditionExpression: 'pk = :pk',
        ExpressionAttributeValues: { ':pk': `RUNS#${job}` },
        ScanIndexForward: false,
        Limit: limit,
      }),
    );
    return (out.Items ?? []).map((i) => i.summary);
  }
}
