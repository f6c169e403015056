import { InvokeCommand, type LambdaClient } from '@aws-sdk/client-lambda';
import { PUSH_TRIGGER_EVENT } from '../domain/erp-push';
import type { JobName } from '../domain/job-request';

/**
 * Starts a job's function asynchronously (`InvocationType: Event`) with `{"trigger":"push"}`
 * (docs/design.md §18): Lambda queues the event and answers 202 at once, so the ERP's answer never
 * waits for the run. Only the functions named here can be started.
 */
export class LambdaJobStarter {
  constructor(
    private readonly client: LambdaClient,
    private readonly functionNames: Partial<Record<JobName, string>>,
  ) {}

  async start(job: JobName): Promise<void> {
    const name = this.functionNames[job];
    if (!name) throw new Error(`erpNotify starts only syncInventory and syncShipping (asked for ${job})`);
    await this.client.send(new InvokeCommand({ FunctionName: name, InvocationType: 'Event', Payload: Buffer.from(JSON.stringify(PUSH_TRIGGER_EVENT)) }));
  }
}
