import { DisableRuleCommand, EventBridgeClient, PutRuleCommand, PutTargetsCommand } from '@aws-sdk/client-eventbridge';
import { CreateScheduleCommand, SchedulerClient } from '@aws-sdk/client-scheduler';
import { AwsSchedules } from '../../../scripts/ops/aws-adapters';
import { describeWithMoto, motoEndpoint } from '../../support/moto';

/** doctor's read of a deployed stage's schedules: the job's rules and schedules with their state (moto_server). */
describeWithMoto('ops doctor: AWS schedule states (moto_server)', () => {
  const arn = (job: string, suffix: string) => `arn:aws:lambda:eu-west-1:123456789012:function:fecjst-doc${suffix}-${job}`;
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

  it("lists exactly the job's EventBridge rules and Scheduler schedules, each on or off, changing nothing", async () => {
    const suffix = Math.random().toString(36).slice(2, 8);
    for (const job of ['syncInventory', 'pushOrders']) {
      await events.send(new PutRuleCommand({ Name: `${job}-r-${suffix}`, ScheduleExpression: 'rate(15 minutes)', State: 'ENABLED' }));
      await events.send(new PutTargetsCommand({ Rule: `${job}-r-${suffix}`, Targets: [{ Id: '1', Arn: arn(job, suffix) }] }));
    }
    await events.send(new DisableRuleCommand({ Name: `syncInventory-r-${suffix}` }));
    await scheduler.send(
      new CreateScheduleCommand({
        Name: `full-${suffix}`,
        ScheduleExpression: 'cron(0 3 * * ? *)',
        FlexibleTimeWindow: { Mode: 'OFF' },
        Target: { Arn: arn('syncInventory', suffix), RoleArn: 'arn:aws:iam::123456789012:role/scheduler' },
        State: 'ENABLED',
      }),
    );
    const schedules = new AwsSchedules(events, scheduler, async (job) => arn(job, suffix));
    expect(await schedules.states('syncInventory')).toEqual([
      { name: `rule syncInventory-r-${suffix}`, enabled: false },
      { name: `schedule full-${suffix}`, enabled: true },
    ]);
    expect(await schedules.states('pushOrders')).toEqual([{ name: `rule pushOrders-r-${suffix}`, enabled: true }]);
    expect(await schedules.states('syncShipping')).toEqual([]);
  });
});
