import { DisableRuleCommand, DescribeRuleCommand, EnableRuleCommand, EventBridgeClient, ListRuleNamesByTargetCommand } from '@aws-sdk/client-eventbridge';
import { GetFunctionConfigurationCommand, InvokeCommand, LambdaClient, ResourceNotFoundException } from '@aws-sdk/client-lambda';
import { GetScheduleCommand, ListSchedulesCommand, SchedulerClient, UpdateScheduleCommand, type GetScheduleCommandOutput } from '@aws-sdk/client-scheduler';
import type { JobName } from '../../shared/domain/job-request';
import type { DeployedFunction, Invoker, Schedules, ScheduleState } from './ops-target';

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

/** A job's deployed function (GetFunctionConfiguration): its environment; undefined when not deployed. */
export async function deployedFunction(lambda: LambdaClient, functionName: string): Promise<DeployedFunction | undefined> {
  try {
    const out = await lambda.send(new GetFunctionConfigurationCommand({ FunctionName: functionName }));
    return { environment: { ...out.Environment?.Variables } };
  } catch (error) {
    if (error instanceof ResourceNotFoundException) return undefined;
    throw error;
  }
}

/** The job's EventBridge rules (found by their target, the function) and Scheduler schedules (by target ARN). */
export class AwsSchedules implements Schedules {
  constructor(
    private readonly events: EventBridgeClient,
    private readonly scheduler: SchedulerClient,
    private readonly functionArn: (job: JobName) => Promise<string>,
  ) {}

  /** Every rule and schedule that invokes the job, and whether it is on (read-only, for doctor). */
  async states(job: JobName): Promise<ScheduleState[]> {
    const arn = await this.functionArn(job);
    const states: ScheduleState[] = [];
    for (const name of (await this.events.send(new ListRuleNamesByTargetCommand({ TargetArn: arn }))).RuleNames ?? []) {
      const rule = await this.events.send(new DescribeRuleCommand({ Name: name }));
      states.push({ name: `rule ${name}`, enabled: rule.State === 'ENABLED' });
    }
    let token: string | undefined;
    do {
      const page = await this.scheduler.send(new ListSchedulesCommand({ NextToken: token }));
      for (const summary of page.Schedules ?? []) {
        if (summary.Target?.Arn !== arn || !summary.Name) continue;
        states.push({ name: `schedule ${summary.Name}`, enabled: summary.State === 'ENABLED' });
      }
      token = page.NextToken;
    } while (token);
    return states;
  }

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
