import { GetCommand, PutCommand, type DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';

/** An operator's switch for one job: `CONTROL#<job>` / `CONTROL`. */
export interface JobControlState {
  paused: boolean;
  /** Who changed it and when (epoch ms), and why: shown by `npm run ops -- status`. */
  changedBy?: string;
  changedAt?: number;
  reason?: string;
}

const key = (job: string) => ({ pk: `CONTROL#${job}`, sk: 'CONTROL' });

/**
 * The pause switch of a job (`npm run ops -- pause|resume <job>`). A paused job skips its scheduled
 * runs (summary `skipped: "paused"`, nothing touched); manual runs still go, so an operator can run
 * it by hand. It survives a deploy that re-enables the schedules.
 */
export class JobControl {
  constructor(
    private readonly doc: DynamoDBDocumentClient,
    private readonly table: string,
  ) {}

  async read(job: string): Promise<JobControlState> {
    const out = await this.doc.send(new GetCommand({ TableName: this.table, Key: key(job), ConsistentRead: true }));
    const item = out.Item;
    if (!item) return { paused: false };
    return {
      paused: item.paused === true,
      changedBy: item.changedBy as string | undefined,
      changedAt: item.changedAt as number | undefined,
      reason: item.reason as string | undefined,
    };
  }

  async write(job: string, state: JobControlState): Promise<void> {
    await this.doc.send(new PutCommand({ TableName: this.table, Item: { ...key(job), ...state } }));
  }
}
