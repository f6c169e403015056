import { rmSync } from 'node:fs';
import { packageService, type PackagedService } from '../../support/serverless-package';

describe('serverless package (offline)', () => {
  let pkg: PackagedService;
  beforeAll(async () => {
    pkg = await packageService('test');
  }, 120_000);
  afterAll(() => rmSync(pkg.dir, { recursive: true, force: true }));

  const resourcesOfType = (type: string) => Object.entries(pkg.template.Resources).filter(([, r]) => r.Type === type);
  const fn = (logicalId: string) => {
    const resource = pkg.template.Resources[logicalId];
    if (!resource) throw new Error(`no ${logicalId} in the template`);
    return resource.Properties as Record<string, any>;
  };

  it.each([
    ['SyncInventoryLambdaFunction', 'syncInventory'],
    ['PushOrdersLambdaFunction', 'pushOrders'],
    ['SyncShippingLambdaFunction', 'syncShipping'],
  ])('declares %s on nodejs22.x/arm64 with the shared layer and the state table', (logicalId, service) => {
    const props = fn(logicalId);
    expect(props.Runtime).toBe('nodejs22.x');
    expect(props.Architectures).toEqual(['arm64']);
    expect(props.Handler).toBe(`functions/${service.replace(/[A-Z]/g, (c) => `-${c.toLowerCase()}`)}/handler.handler`);
    expect(props.Layers).toEqual([{ Ref: 'SharedLambdaLayer' }]);
    expect(props.Environment.Variables).toMatchObject({
      STATE_TABLE: 'fecjst-test-state',
      JST_SECRET_ID: 'fecjst/test/jst',
      DB_SECRET_ID: 'fecjst/test/db',
      POWERTOOLS_SERVICE_NAME: service,
    });
  });

  it('gives the three functions default ERP shares that together stay within the account budget (5/s, 100/min)', () => {
    const shares = ['SyncInventoryLambdaFunction', 'PushOrdersLambdaFunction', 'SyncShippingLambdaFunction'].map((id) => fn(id).Environment.Variables as Record<string, string>);
    const sum = (name: string) => shares.reduce((total, vars) => total + Number(vars[name]), 0);
    expect(shares.every((vars) => Number(vars.JST_RATE_PER_SECOND) >= 1 && Number(vars.JST_RATE_PER_MINUTE) >= 1)).toBe(true);
    expect(sum('JST_RATE_PER_SECOND')).toBeLessThanOrEqual(5);
    expect(sum('JST_RATE_PER_MINUTE')).toBeLessThanOrEqual(100);
  });

  it('gives the three functions the same account-wide ERP budget (5/s, 100/min) and priorities, shared through the state table', () => {
    const vars = ['SyncInventoryLambdaFunction', 'PushOrdersLambdaFunction', 'SyncShippingLambdaFunction'].map((id) => fn(id).Environment.Variables as Record<string, string>);
    for (const v of vars) {
      expect(v).toMatchObject({ JST_BUDGET_PER_SECOND: '5', JST_BUDGET_PER_MINUTE: '100', JST_BUDGET_PRIORITIES: 'pushOrders,syncShipping,syncInventory' });
      expect(v.JST_BUDGET).toBeUndefined(); // the default: shared
    }
  });

  it('schedules inventory every 15 minutes plus a daily full run at 03:00 Beijing time, orders every 10, shipping every 30', () => {
    const rules = Object.fromEntries(resourcesOfType('AWS::Events::Rule').map(([id, r]) => [id, r.Properties?.ScheduleExpression]));
    expect(rules).toEqual({
      SyncInventoryEventsRuleSchedule1: 'rate(15 minutes)',
      PushOrdersEventsRuleSchedule1: 'rate(10 minutes)',
      SyncShippingEventsRuleSchedule1: 'rate(30 minutes)',
    });
    const schedules = resourcesOfType('AWS::Scheduler::Schedule');
    expect(schedules).toHaveLength(1);
    const [, full] = schedules[0]!;
    expect(full.Properties).toMatchObject({ ScheduleExpression: 'cron(0 3 * * ? *)', ScheduleExpressionTimezone: 'Asia/Shanghai', State: 'ENABLED' });
    expect(JSON.parse(full.Properties?.Target.Input)).toMatchObject({ detail: { mode: 'full' } });
  });

  it('can switch a schedule off per stage', async () => {
    const off = await packageService('test', ['ordersEnabled=false']);
    rmSync(off.dir, { recursive: true, force: true });
    expect(off.template.Resources.PushOrdersEventsRuleSchedule1?.Properties?.State).toBe('DISABLED');
  }, 120_000);

  it('builds the layer from shared/ and keeps each function zip to its own handler', () => {
    expect(resourcesOfType('AWS::Lambda::LayerVersion').map(([id]) => id)).toEqual(['SharedLambdaLayer']);
    expect(Object.keys(pkg.artifacts).sort()).toEqual(['pushOrders.zip', 'shared.zip', 'syncInventory.zip', 'syncShipping.zip']);
    for (const name of ['pushOrders.zip', 'syncInventory.zip', 'syncShipping.zip']) {
      expect(pkg.artifacts[name]).toBeLessThan(pkg.artifacts['shared.zip']! / 10);
    }
  });

  it('creates the state table with the key schema the state store uses', () => {
    const table = pkg.template.Resources.StateTable?.Properties;
    expect(table).toMatchObject({
      TableName: 'fecjst-test-state',
      BillingMode: 'PAY_PER_REQUEST',
      KeySchema: [
        { AttributeName: 'pk', KeyType: 'HASH' },
        { AttributeName: 'sk', KeyType: 'RANGE' },
      ],
      TimeToLiveSpecification: { AttributeName: 'expiresAt', Enabled: true },
    });
  });
});

describe('serverless package: operations resources', () => {
  let pkg: PackagedService;
  beforeAll(async () => {
    pkg = await packageService('ops', ['alarmEmail=ops@example.com', 'vpcSubnetIds=subnet-a,subnet-b', 'vpcSecurityGroupIds=sg-1']);
  }, 120_000);
  afterAll(() => rmSync(pkg.dir, { recursive: true, force: true }));

  // eslint-disable-next-line @typescript-eslint/no-require-imports
  const names = require('../../../shared/runtime/metric-names.json') as { namespace: string; dimension: string; metrics: Record<string, string> };
  const resources = () => Object.entries(pkg.template.Resources);
  const alarms = (): Array<Record<string, any>> => resources().filter(([, r]) => r.Type === "AWS::CloudWatch::Alarm").map(([id, r]) => ({ id, ...(r.Properties as Record<string, any>) }));

  it('gives each function its own role, scoped to its log group, the two secrets and the state table', () => {
    for (const [job, role] of [['syncInventory', 'SyncInventoryRole'], ['pushOrders', 'PushOrdersRole'], ['syncShipping', 'SyncShippingRole']] as const) {
      const statements = pkg.template.Resources[role]?.Properties?.Policies[0].PolicyDocument.Statement as Array<{ Sid: string; Action: string[]; Resource: unknown }>;
      const bySid = Object.fromEntries(statements.map((s) => [s.Sid, s]));
      expect(JSON.stringify(bySid.OwnLogs?.Resource)).toContain(`log-group:/aws/lambda/fecjst-ops-${job}:*`);
      expect(JSON.stringify(bySid.ReadSecrets?.Resource)).toMatch(/secret:fecjst\/ops\/jst-\*.*secret:fecjst\/ops\/db-\*/);
      expect(JSON.stringify(bySid.PersistRefreshedErpTokens?.Resource)).not.toContain('fecjst/ops/db');
      // The token keeper's conditional write-back: a pending version, then AWSCURRENT moved onto it.
      expect(bySid.PersistRefreshedErpTokens?.Action).toEqual(['secretsmanager:PutSecretValue', 'secretsmanager:UpdateSecretVersionStage']);
      expect(JSON.stringify(bySid.StateTable?.Resource)).toContain(':table/fecjst-ops-state');
      for (const s of statements) expect(JSON.stringify(s.Resource)).not.toBe('"*"');
      expect(JSON.stringify(s3Actions(statements))).toBe('[]');
    }
    function s3Actions(statements: Array<{ Action: string[] }>) {
      return statements.flatMap((s) => s.Action).filter((a) => a.startsWith('s3:') || a === '*');
    }
  });

  it('runs one invocation at a time, never retries asynchronously, and sends failures to the dead-letter queue', () => {
    for (const id of ['SyncInventory', 'PushOrders', 'SyncShipping']) {
      expect(pkg.template.Resources[`${id}LambdaFunction`]?.Properties?.ReservedConcurrentExecutions).toBe(1);
      expect(pkg.template.Resources[`${id}LambdaEvConf`]?.Properties).toMatchObject({
        MaximumRetryAttempts: 0,
        MaximumEventAgeInSeconds: 300,
        DestinationConfig: { OnFailure: { Destination: { 'Fn::GetAtt': ['DeadLetterQueue', 'Arn'] } } },
      });
    }
    expect(pkg.template.Resources.DeadLetterQueue?.Type).toBe('AWS::SQS::Queue');
  });

  it('watches, per function, errors, throttles, duration, failures, a heartbeat and cursor lag, with the names and dimensions the code emits', () => {
    const byId = Object.fromEntries(alarms().map((a) => [a.id, a]));
    for (const [id, job, failureMetrics] of [
      ['SyncInventory', 'syncInventory', [names.metrics.skusFailed, names.metrics.itemFailures]],
      ['PushOrders', 'pushOrders', [names.metrics.ordersRejected, names.metrics.itemFailures]],
      ['SyncShipping', 'syncShipping', [names.metrics.itemFailures]],
    ] as const) {
      for (const suffix of ['Errors', 'Throttles', 'DurationNearTimeout']) {
        expect(byId[`${id}${suffix}Alarm`]).toMatchObject({ Namespace: 'AWS/Lambda', Dimensions: [{ Name: 'FunctionName', Value: `fecjst-ops-${job}` }] });
      }
      for (const metric of [...failureMetrics, names.metrics.runSucceeded, names.metrics.cursorLagSeconds]) {
        const alarm = alarms().find((a) => a.MetricName === metric && a.Dimensions?.[0]?.Value === job);
        expect(alarm).toMatchObject({ Namespace: names.namespace, Dimensions: [{ Name: names.dimension, Value: job }] });
      }
      expect(byId[`${id}HeartbeatAlarm`]).toMatchObject({ MetricName: names.metrics.runSucceeded, TreatMissingData: 'breaching', ComparisonOperator: 'LessThanThreshold' });
    }
    expect(byId.DeadLetterQueueDepthAlarm).toMatchObject({ Namespace: 'AWS/SQS', MetricName: 'ApproximateNumberOfMessagesVisible' });
    for (const alarm of alarms()) expect(alarm.AlarmActions).toEqual([{ Ref: 'AlarmTopic' }]);
  });

  it('has a dashboard of every job metric, an alarm topic with the optional e-mail subscription, and optional VPC placement', () => {
    const body = JSON.stringify(pkg.template.Resources.JobsDashboard?.Properties?.DashboardBody);
    for (const metric of Object.values(names.metrics)) expect(body).toContain(metric);
    expect(pkg.template.Resources.AlarmEmailSubscription?.Properties).toMatchObject({ Protocol: 'email', Endpoint: 'ops@example.com' });
    const vpc = pkg.template.Resources.PushOrdersLambdaFunction?.Properties?.VpcConfig;
    expect(JSON.stringify(vpc)).toContain('subnet-a,subnet-b');
    expect(JSON.stringify((pkg.template as Record<string, any>).Conditions.HasVpc)).toContain('subnet-a,subnet-b');
  });

  it('lets EventBridge Scheduler invoke only the inventory function, through its own role', () => {
    const schedule = Object.values(pkg.template.Resources).find((r) => r.Type === 'AWS::Scheduler::Schedule');
    expect(schedule?.Properties?.Target.RoleArn).toEqual({ 'Fn::GetAtt': ['SchedulerInvokeRole', 'Arn'] });
    const statement = pkg.template.Resources.SchedulerInvokeRole?.Properties?.Policies[0].PolicyDocument.Statement[0];
    expect(statement.Action).toBe('lambda:InvokeFunction');
    expect(JSON.stringify(statement.Resource)).toContain('SyncInventoryLambdaFunction');
    expect(JSON.stringify(statement.Resource)).not.toContain('PushOrders');
  });
});
