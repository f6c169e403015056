import { DisableRuleCommand, DescribeRuleCommand, EnableRuleCommand, EventBridgeClient, ListRuleNamesByTargetCommand } from '@aws-sdk/client-eventbridge';
import { InvokeCommand, LambdaClient } from '@aws-sdk/client-lambda';
import { GetScheduleCommand, ListSchedulesCommand, SchedulerClient, UpdateScheduleCommand, type GetScheduleCommandOutput } from '@aws-sdk/client-scheduler';
import type { JobName } from '../../shared/domain/job-request';
import type { Invoker, Schedules } from './ops-target';

/** Runs a function asynchronously (InvocationType Event); its run id is the invocation's request id. */
export class LambdaInvoker implements Invoker {
  constructor(
    private readonly lambda: LambdaClient,
    private readonly functionName: (job: JobName) => string,
  ) {}

  async invokeAsync(job: JobName, event: unknown): Promise<{ runId: string }> {
    const out = await this.lambda.send(
      new InvokeCommand({ FunctionName: this.functionName(job), InvocationType: 'Event', Payload: Buffer.from(JSON.stringify(event)) }),
    );
    const runId = out.$metadata.requestId;
    if (!runId) throw new Error('Lambda returned no request id for the invocation');
    return { runId };
  }
}

/** The job's EventBridge rules (found by their target, the function) and Scheduler schedules (by target ARN). */
export class AwsSchedules implements Schedules {
  constructor(
    private readonly events: EventBridgeClient,
    private readonly scheduler: SchedulerClient,
    private readonly functionArn: (job: JobName) => Promise<string>,
  ) {}

  async setEnabled(job: JobName, enabled: boolean): Promise<string[]> {
    const arn = await this.functionArn(job);
    const changes: string[] = [];
    const rules = (await this.events.send(new ListRuleNamesByTargetCommand({ TargetArn: arn }))).RuleNames ?? [];
    for (const name of rules) {
      const before = (await this.events.send(new DescribeRuleCommand({ Name: name }))).State;
      await this.events.send(enabled ? new EnableRuleCommand({ Name: name }) : new DisableRuleCommand({ Name: name }));
      changes.push(`EventBridge rule ${name}: ${before} → ${enabled ? 'ENABLED' : 'DISABLED'}`);
    }
    let token: string | undefined;
    do {
      const page = await this.scheduler.send(new ListSchedulesCommand({ NextToken: token }));
      for (const summary of page.Schedules ?? []) {
        if (summary.Target?.Arn !== arn || !summary.Name) continue;
        const schedule: GetScheduleCommandOutput = await this.scheduler.send(new GetScheduleCommand({ Name: summary.Name, GroupName: summary.GroupName }));
        const state = enabled ? 'ENABLED' : 'DISABLED';
        await this.scheduler.send(
          new UpdateScheduleCommand({
            Name: schedule.Name!,
            GroupName: schedule.GroupName,
            ScheduleExpression: schedule.ScheduleExpression!,
            ScheduleExpressionTimezone: schedule.ScheduleExpressionTimezone,
            FlexibleTimeWindow: schedule.FlexibleTimeWindow!,
            Target: schedule.Target!,
            Description: schedule.Description,
            StartDate: schedule.StartDate,
            EndDate: schedule.EndDate,
            KmsKeyArn: schedule.KmsKeyArn,
            ActionAfterCompletion: schedule.ActionAfterCompletion,
            State: state,
          }),
        );
        changes.push(`Scheduler schedule ${summary.Name}: ${schedule.State} → ${state}`);
      }
      token = page.NextToken;
    } while (token);
    return changes;
  }
}
