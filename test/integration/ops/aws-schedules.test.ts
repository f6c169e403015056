import { DescribeRuleCommand, EventBridgeClient, PutRuleCommand, PutTargetsCommand } from '@aws-sdk/client-eventbridge';
import { CreateScheduleCommand, GetScheduleCommand, SchedulerClient } from '@aws-sdk/client-scheduler';
import { AwsSchedules } from '../../../scripts/ops/aws-adapters';
import { describeWithMoto, motoEndpoint } from '../../support/moto';

/** pause/resume on AWS: the job's EventBridge rules and Scheduler schedules, found by their target (moto_server). */
describeWithMoto('ops pause/resume: AWS schedules (moto_server)', () => {
  const arn = (job: string) => `arn:aws:lambda:eu-west-1:123456789012:function:fecjst-ops-${job}`;
  let events: EventBridgeClient;
  let scheduler: SchedulerClient;
  beforeAll(() => {
    const options = { endpoint: motoEndpoint(), region: 'eu-west-1', credentials: { accessKeyId: 'x', secretAccessKey: 'x' } };
    events = new EventBridgeClient(options);
    scheduler = new SchedulerClient(options);
  });
  afterAll(() => {
    events.destroy();
    scheduler.destroy();
  });

  it('disables and re-enables exactly the rules and schedules that invoke the job, and says what changed', async () => {
    const suffix = Math.random().toString(36).slice(2, 8);
    for (const job of ['syncInventory', 'pushOrders']) {
      await events.send(new PutRuleCommand({ Name: `${job}-rule-${suffix}`, ScheduleExpression: 'rate(15 minutes)', State: 'ENABLED' }));
      await events.send(new PutTargetsCommand({ Rule: `${job}-rule-${suffix}`, Targets: [{ Id: '1', Arn: arn(job) }] }));
    }
    await scheduler.send(
      new CreateScheduleCommand({
        Name: `full-${suffix}`,
        ScheduleExpression: 'cron(0 3 * * ? *)',
        ScheduleExpressionTimezone: 'Asia/Shanghai',
        FlexibleTimeWindow: { Mode: 'OFF' },
        Target: { Arn: arn('syncInventory'), RoleArn: 'arn:aws:iam::123456789012:role/scheduler', Input: '{"detail":{"mode":"full"}}' },
        State: 'ENABLED',
      }),
    );
    const schedules = new AwsSchedules(events, scheduler, async (job) => arn(job));

    const paused = await schedules.setEnabled('syncInventory', false);
    expect(paused).toEqual([`EventBridge rule syncInventory-rule-${suffix}: ENABLED → DISABLED`, `Scheduler schedule full-${suffix}: ENABLED → DISABLED`]);
    expect((await events.send(new DescribeRuleCommand({ Name: `syncInventory-rule-${suffix}` }))).State).toBe('DISABLED');
    expect((await events.send(new DescribeRuleCommand({ Name: `pushOrders-rule-${suffix}` }))).State).toBe('ENABLED');
    const full = await scheduler.send(new GetScheduleCommand({ Name: `full-${suffix}` }));
    expect(full).toMatchObject({ State: 'DISABLED', ScheduleExpression: 'cron(0 3 * * ? *)', ScheduleExpressionTimezone: 'Asia/Shanghai' });
    expect(full.Target?.Input).toBe('{"detail":{"mode":"full"}}');

    const resumed = await schedules.setEnabled('syncInventory', true);
    expect(resumed).toEqual([`EventBridge rule syncInventory-rule-${suffix}: DISABLED → ENABLED`, `Scheduler schedule full-${suffix}: DISABLED → ENABLED`]);
  });
});
