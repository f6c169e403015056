import { readFileSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { ENVIRONMENT_VARIABLES } from '../../../shared/config/environment';
import { pagedAlarms, type MetricWorld } from '../../support/alarm-simulator';
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
    const shares = ['SyncInventoryLambdaFunction', 'PushOrdersLambdaFunction', 'SyncShippingLambdaFunction'].map(
      (id) => fn(id).Environment.Variables as Record<string, string>,
    );
    const sum = (name: string) => shares.reduce((total, vars) => total + Number(vars[name]), 0);
    expect(shares.every((vars) => Number(vars.JST_RATE_PER_SECOND) >= 1 && Number(vars.JST_RATE_PER_MINUTE) >= 1)).toBe(true);
    expect(sum('JST_RATE_PER_SECOND')).toBeLessThanOrEqual(5);
    expect(sum('JST_RATE_PER_MINUTE')).toBeLessThanOrEqual(100);
  });

  it('gives the three functions the same account-wide ERP budget (5/s, 100/min) and priorities, shared through the state table', () => {
    const vars = ['SyncInventoryLambdaFunction', 'PushOrdersLambdaFunction', 'SyncShippingLambdaFunction'].map(
      (id) => fn(id).Environment.Variables as Record<string, string>,
    );
    for (const v of vars) {
      expect(v).toMatchObject({ JST_BUDGET_PER_SECOND: '5', JST_BUDGET_PER_MINUTE: '100', JST_BUDGET_PRIORITIES: 'pushOrders,syncShipping,syncInventory' });
      expect(v.JST_BUDGET ?? '').toBe(''); // empty: the default, shared
    }
  });

  it('polls by the minute (issue #23): inventory every 2 minutes plus a daily full run at 03:00 Beijing time, orders every minute, shipping every 2', () => {
    const rules = Object.fromEntries(resourcesOfType('AWS::Events::Rule').map(([id, r]) => [id, r.Properties?.ScheduleExpression]));
    expect(rules).toEqual({
      SyncInventoryEventsRuleSchedule1: 'rate(2 minutes)',
      PushOrdersEventsRuleSchedule1: 'rate(1 minute)',
      SyncShippingEventsRuleSchedule1: 'rate(2 minutes)',
    });
    const schedules = resourcesOfType('AWS::Scheduler::Schedule').filter(([id]) => !id.endsWith('ReconcileSchedule'));
    expect(schedules).toHaveLength(1);
    const [, full] = schedules[0]!;
    expect(full.Properties).toMatchObject({ ScheduleExpression: 'cron(0 3 * * ? *)', ScheduleExpressionTimezone: 'Asia/Shanghai', State: 'ENABLED' });
    expect(JSON.parse(full.Properties?.Target.Input)).toMatchObject({ detail: { mode: 'full' } });
  });

  it('reconciles orders and shipments weekly (every 30 min in a Sunday window, Beijing time) through their own scheduler role', () => {
    for (const [id, fn] of [
      ['PushOrdersReconcileSchedule', 'PushOrdersLambdaFunction'],
      ['SyncShippingReconcileSchedule', 'SyncShippingLambdaFunction'],
    ] as const) {
      const props = pkg.template.Resources[id]?.Properties;
      expect(props).toMatchObject({
        ScheduleExpressionTimezone: 'Asia/Shanghai',
        State: 'ENABLED',
        Target: { Arn: { 'Fn::GetAtt': [fn, 'Arn'] }, RoleArn: { 'Fn::GetAtt': ['ReconcileSchedulerRole', 'Arn'] } },
      });
      expect(props?.ScheduleExpression).toMatch(/^cron\(\d+\/30 4-9 \? \* SUN \*\)$/);
      expect(JSON.parse(props?.Target.Input)).toEqual({ source: 'aws.scheduler', 'detail-type': 'Scheduled Event', detail: { mode: 'reconcile' } });
    }
    const invokes = JSON.stringify(pkg.template.Resources.ReconcileSchedulerRole?.Properties?.Policies[0].PolicyDocument.Statement);
    expect(invokes).toContain('PushOrdersLambdaFunction');
    expect(invokes).not.toContain('SyncInventoryLambdaFunction');
  });

  it('can switch a schedule off per stage, and then arms no heartbeat for it', async () => {
    const off = await packageService('test', ['ordersEnabled=false', 'shippingReconcileEnabled=false']);
    rmSync(off.dir, { recursive: true, force: true });
    expect(off.template.Resources.PushOrdersEventsRuleSchedule1?.Properties?.State).toBe('DISABLED');
    expect(off.template.Resources.PushOrdersHeartbeatAlarm).toBeUndefined();
    expect(off.template.Resources.SyncShippingHeartbeatAlarm).toBeDefined();
    expect(pkg.template.Resources.PushOrdersHeartbeatAlarm).toBeDefined();
    expect(off.template.Resources.SyncShippingReconcileSchedule?.Properties?.State).toBe('DISABLED');
    expect(off.template.Resources.PushOrdersReconcileSchedule?.Properties?.State).toBe('ENABLED');
  }, 120_000);

  it('refuses to package without the ERP shop number', async () => {
    const output = (params: string[]) =>
      packageService('test', params).then(
        () => 'packaged',
        (error: { stdout?: string; stderr?: string }) => `${error.stdout ?? ''}${error.stderr ?? ''}`,
      );
    expect(await output(['jstShopId='])).toMatch(/jstShopId is required: the ERP shop number/);
    expect(await output(['jstShopId=0'])).toMatch(/jstShopId is required.*got "0"/);
  }, 120_000);

  it('sets every environment variable of the schema from a deploy parameter', () => {
    const variables = pkg.template.Resources.SyncShippingLambdaFunction?.Properties?.Environment.Variables as Record<string, string>;
    for (const name of ENVIRONMENT_VARIABLES) expect(Object.keys(variables)).toContain(name);
    expect(variables.JST_SHOP_ID).toBe('10001');
    expect(variables.ORDER_HORIZON_DAYS).toBe('');
  });

  it('keeps class names in the bundles, so error types stay readable in logs', () => {
    const layer = readFileSync(join(__dirname, '..', '..', '..', '.build', 'layer', 'nodejs', 'node_modules', '@fecjst', 'shared', 'index.js'), 'utf8');
    expect(layer).toContain('"RunFailedError"');
    expect(layer).toContain('"LeaseLostError"');
  });

  it('builds the layer from shared/ and keeps each function zip to its own handler', () => {
    expect(resourcesOfType('AWS::Lambda::LayerVersion').map(([id]) => id)).toEqual(['SharedLambdaLayer']);
    expect(Object.keys(pkg.artifacts).sort()).toEqual(['erpNotify.zip', 'pushOrders.zip', 'shared.zip', 'syncInventory.zip', 'syncShipping.zip']);
    for (const name of ['erpNotify.zip', 'pushOrders.zip', 'syncInventory.zip', 'syncShipping.zip']) {
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
    pkg = await packageService('ops', [
      'alarmEmail=ops@example.com',
      'vpcSubnetIds=subnet-a,subnet-b',
      'vpcSecurityGroupIds=sg-1',
      'orderHorizonDays=14',
      'jstShopId=4242',
    ]);
  }, 120_000);
  afterAll(() => rmSync(pkg.dir, { recursive: true, force: true }));

  // eslint-disable-next-line @typescript-eslint/no-require-imports
  const names = require('../../../shared/domain/metric-names.json') as {
    namespace: string;
    dimension: string;
    metrics: Record<string, string> & (typeof import('../../../shared/domain/metric-names.json'))['metrics'];
  };
  const resources = () => Object.entries(pkg.template.Resources);
  const alarms = (): Array<Record<string, any>> =>
    resources()
      .filter(([, r]) => r.Type === 'AWS::CloudWatch::Alarm')
      .map(([id, r]) => ({ id, ...(r.Properties as Record<string, any>) }));

  it('gives each function its own role, scoped to its log group, the two secrets and its own state items', () => {
    const statementsOf = (role: string) =>
      pkg.template.Resources[role]?.Properties?.Policies[0].PolicyDocument.Statement as Array<{
        Sid: string;
        Action: string[];
        Resource: unknown;
        Condition?: any;
      }>;
    for (const [job, role] of [
      ['syncInventory', 'SyncInventoryRole'],
      ['pushOrders', 'PushOrdersRole'],
      ['syncShipping', 'SyncShippingRole'],
    ] as const) {
      const statements = statementsOf(role);
      const bySid = Object.fromEntries(statements.map((s) => [s.Sid, s]));
      expect(JSON.stringify(bySid.OwnLogs?.Resource)).toContain(`log-group:/aws/lambda/fecjst-ops-${job}:*`);
      // Secrets Manager appends six characters to a secret's name in its ARN: `-??????`, never `-*`.
      expect(JSON.stringify(bySid.ReadSecrets?.Resource)).toMatch(/secret:fecjst\/ops\/jst-\?\?\?\?\?\?".*secret:fecjst\/ops\/db-\?\?\?\?\?\?"/);
      expect(JSON.stringify(statements)).not.toContain('-*');
      expect(JSON.stringify(bySid.PersistRefreshedErpTokens?.Resource)).not.toContain('fecjst/ops/db');
      // The token keeper's conditional write-back: a pending version, then AWSCURRENT moved onto it.
      expect(bySid.PersistRefreshedErpTokens?.Action).toEqual(['secretsmanager:PutSecretValue', 'secretsmanager:UpdateSecretVersionStage']);
      for (const sid of ['StateTableRead', 'StateTableWrite']) expect(JSON.stringify(bySid[sid]?.Resource)).toContain(':table/fecjst-ops-state');
      for (const s of statements) expect(JSON.stringify(s.Resource)).not.toBe('"*"');
      // Only the DynamoDB actions the code uses.
      const dynamoActions = statements
        .flatMap((s) => s.Action)
        .filter((a) => a.startsWith('dynamodb:'))
        .sort();
      expect(dynamoActions).toEqual([
        'dynamodb:BatchGetItem',
        'dynamodb:DeleteItem',
        'dynamodb:GetItem',
        'dynamodb:PutItem',
        'dynamodb:Query',
        'dynamodb:UpdateItem',
      ]);
      // Partitions only this job uses besides its own: pushOrders' given-up orders; syncShipping's ERP
      // cancellations. The push hints a job drains (HINT#<job>…, its cancel.order hints included) it may
      // read and delete, never write: erpNotify writes them.
      const givenUp = job === 'pushOrders' ? ['ORDERS_GIVEN_UP#*'] : job === 'syncShipping' ? ['ERP_CANCEL#*'] : [];
      const hints = job === 'pushOrders' ? [] : [`HINT#${job}*`];
      expect(bySid.StateTableDeleteRetried?.Condition['ForAllValues:StringLike']['dynamodb:LeadingKeys']).toEqual([`RETRY#${job}*`, ...givenUp, ...hints]);
      expect(JSON.stringify(bySid.StateTableWrite)).not.toContain('HINT#');
      expect(JSON.stringify(s3Actions(statements))).toBe('[]');
      // Each role reads and writes only its own partitions, the shared budget and (as needed) the ledger.
      const keys = (sid: string) => bySid[sid]?.Condition['ForAllValues:StringLike']['dynamodb:LeadingKeys'] as string[];
      const own = [`LEASE#${job}*`, `CURSOR#${job}*`, `RUNS#${job}*`, `RETRY#${job}*`, 'BUDGET#*'];
      expect(keys('StateTableWrite')).toEqual([...own, ...(job === 'pushOrders' ? ['ORDER#*'] : []), ...givenUp]);
      expect(keys('StateTableRead')).toEqual([
        ...own.slice(0, 4),
        `CONTROL#${job}*`,
        'BUDGET#*',
        ...(job === 'syncShipping' ? [] : ['ORDER#*']),
        ...givenUp,
        ...(job === 'syncInventory' ? ['STOCK_RULES*'] : []),
        ...hints,
        ...(job === 'syncShipping' ? [] : ['SKU_MAP*']),
      ]);
      for (const other of ['syncInventory', 'pushOrders', 'syncShipping'].filter((j) => j !== job))
        expect(JSON.stringify(bySid.StateTableWrite)).not.toContain(`#${other}`);
    }
    function s3Actions(statements: Array<{ Action: string[] }>) {
      return statements.flatMap((s) => s.Action).filter((a) => a.startsWith('s3:') || a === '*');
    }
  });

  it('encrypts the alarm topic with a key CloudWatch may use', () => {
    expect(pkg.template.Resources.AlarmTopic?.Properties?.KmsMasterKeyId).toEqual({ Ref: 'AlarmTopicKey' });
    const statements = pkg.template.Resources.AlarmTopicKey?.Properties?.KeyPolicy.Statement as Array<{ Principal: any; Action: string[] }>;
    expect(statements.find((s) => s.Principal.Service === 'cloudwatch.amazonaws.com')?.Action).toEqual(['kms:Decrypt', 'kms:GenerateDataKey*']);
  });

  it('passes deploy parameters into the environment', () => {
    expect(pkg.template.Resources.PushOrdersLambdaFunction?.Properties?.Environment.Variables).toMatchObject({ ORDER_HORIZON_DAYS: '14', JST_SHOP_ID: '4242' });
  });

  it('runs one invocation at a time (two where a reconcile has its own lease), never retries asynchronously, and sends failures to the dead-letter queue', () => {
    const concurrency: Record<string, number> = { SyncInventory: 1, PushOrders: 2, SyncShipping: 2 };
    for (const id of ['SyncInventory', 'PushOrders', 'SyncShipping']) {
      expect(pkg.template.Resources[`${id}LambdaFunction`]?.Properties?.ReservedConcurrentExecutions).toBe(concurrency[id]);
      expect(pkg.template.Resources[`${id}LambdaEvConf`]?.Properties).toMatchObject({
        MaximumRetryAttempts: 0,
        MaximumEventAgeInSeconds: 300,
        DestinationConfig: { OnFailure: { Destination: { 'Fn::GetAtt': ['DeadLetterQueue', 'Arn'] } } },
      });
    }
    expect(pkg.template.Resources.DeadLetterQueue?.Type).toBe('AWS::SQS::Queue');
  });

  it('watches, per function, failures, duration, abandoned items, a heartbeat and cursor lag, with the names and dimensions the code emits', () => {
    const byId = Object.fromEntries(alarms().map((a) => [a.id, a]));
    for (const [id, job, abandoned] of [
      ['SyncInventory', 'syncInventory', names.metrics.itemsAbandoned],
      ['PushOrders', 'pushOrders', names.metrics.ordersAbandoned],
      ['SyncShipping', 'syncShipping', names.metrics.itemsAbandoned],
    ] as const) {
      const failed = byId[`${id}FailedAlarm`]!;
      expect(failed.AlarmName).toBe(`fecjst-ops-${job}-Failed`);
      expect(JSON.stringify(failed.Metrics)).toContain(`"Value":"fecjst-ops-${job}"`);
      expect(JSON.stringify(failed.Metrics)).toContain(`"Value":"${job}"`);
      expect(byId[`${id}AbandonedAlarm`]).toMatchObject({
        Namespace: names.namespace,
        MetricName: abandoned,
        Dimensions: [{ Name: names.dimension, Value: job }],
      });
      expect(byId[`${id}CursorLagAlarm`]).toMatchObject({
        Namespace: names.namespace,
        MetricName: names.metrics.cursorLagSeconds,
        Dimensions: [{ Name: names.dimension, Value: job }],
      });
      // Silent before the first run: missing data never breaches.
      expect(byId[`${id}HeartbeatAlarm`]).toMatchObject({ TreatMissingData: 'notBreaching', EvaluationPeriods: 3, DatapointsToAlarm: 3 });
      // At minute polls: 3 periods outlast one run of the whole 300 s timeout (its successors skipped) plus a poll.
      const heartbeatPeriod = byId[`${id}HeartbeatAlarm`]!.Metrics.find((q: any) => q.MetricStat).MetricStat.Period;
      expect(heartbeatPeriod * 3).toBeGreaterThanOrEqual(300 + 60);
      // The soft deadline (timeout − DEADLINE_MARGIN_MS) comes strictly before DurationNearTimeout's threshold, which is before the timeout.
      const threshold = Number(/> (\d+)/.exec(byId[`${id}DurationNearTimeoutAlarm`]!.Metrics.find((q: any) => q.Expression).Expression)![1]);
      expect(threshold).toBeGreaterThan(300_000 - 20_000);
      expect(threshold).toBeLessThan(300_000);
    }
    expect(byId.SyncInventoryFullPassAgeAlarm).toMatchObject({
      MetricName: names.metrics.fullPassAgeHours,
      Threshold: 48,
      ComparisonOperator: 'GreaterThanThreshold',
    });
    expect(byId.DeadLetterInflowAlarm).toMatchObject({ Namespace: 'AWS/SQS', MetricName: 'NumberOfMessagesSent' });
    for (const alarm of alarms()) if (alarm.ActionsEnabled !== false) expect(alarm.AlarmActions).toEqual([{ Ref: 'AlarmTopic' }]);
    // CloudWatch refuses alarms that look back more than a day.
    for (const alarm of alarms()) {
      const period = alarm.Period ?? alarm.Metrics.find((q: any) => q.MetricStat).MetricStat.Period;
      expect({ alarm: alarm.AlarmName, lookback: period * alarm.EvaluationPeriods <= 86400 }).toEqual({ alarm: alarm.AlarmName, lookback: true });
    }
  });

  describe('pages once per failure, and only when a human must act', () => {
    const lambda = (job: string, metric: string) => `AWS/Lambda|${metric}|fecjst-ops-${job}`;
    const custom = (job: string, metric: string) => `${names.namespace}|${metric}|${job}`;
    const dlq = 'AWS/SQS|NumberOfMessagesSent|queue';
    const ok = (job: string): MetricWorld => ({
      [lambda(job, 'Invocations')]: 1,
      [lambda(job, 'Duration')]: 40_000,
      [custom(job, names.metrics.runSucceeded)]: 1,
      [custom(job, names.metrics.cursorLagSeconds)]: 120,
    });
    const scenarios: Array<[string, (job: string) => MetricWorld, (job: string) => string[]]> = [
      ['a normal run', ok, () => []],
      ['no data at all (first deploy, or paused)', () => ({}), () => []],
      [
        'a run-level failure of a scheduled run (error + dead letter)',
        (j) => ({ [lambda(j, 'Invocations')]: 1, [lambda(j, 'Errors')]: 1, [custom(j, names.metrics.runFailed)]: 1, [dlq]: 1 }),
        (j) => [`fecjst-ops-${j}-Failed`],
      ],
      [
        'a run killed by the timeout (error at full duration + dead letter)',
        (j) => ({ [lambda(j, 'Invocations')]: 1, [lambda(j, 'Errors')]: 1, [lambda(j, 'Duration')]: 300_000, [dlq]: 1 }),
        (j) => [`fecjst-ops-${j}-Failed`],
      ],
      [
        'an invalid manual event, sync or async',
        (j) => ({ [lambda(j, 'Invocations')]: 1, [lambda(j, 'Errors')]: 1, [custom(j, names.metrics.eventsRejected)]: 1, [dlq]: 1 }),
        () => [],
      ],
      ['a run that stops at its soft deadline', (j) => ({ ...ok(j), [lambda(j, 'Duration')]: 300_000 - 20_000 + 500 }), () => []],
      ['a run that finishes past half the margin', (j) => ({ ...ok(j), [lambda(j, 'Duration')]: 295_000 }), (j) => [`fecjst-ops-${j}-DurationNearTimeout`]],
      [
        'item failures that later runs retry',
        (j) => ({
          ...ok(j),
          [custom(j, names.metrics.itemFailures)]: 3,
          [custom(j, names.metrics.skusFailed)]: 3,
          [custom(j, names.metrics.ordersRejected)]: 3,
        }),
        () => [],
      ],
      [
        'items given up after their last retry',
        (j) => ({ ...ok(j), [custom(j, names.metrics.itemsAbandoned)]: 2, [custom(j, names.metrics.ordersAbandoned)]: 2 }),
        (j) => [`fecjst-ops-${j}-Abandoned`],
      ],
      ['every run skipped (stuck lease)', (j) => ({ [lambda(j, 'Invocations')]: 1 }), (j) => [`fecjst-ops-${j}-Heartbeat`]],
      [
        'scheduled runs of a paused job (after a deploy re-enabled the schedule)',
        (j) => ({ [lambda(j, 'Invocations')]: 1, [custom(j, names.metrics.runPaused)]: 1 }),
        () => [],
      ],
      [
        'an event dropped after throttling (dead letter, no error)',
        (j) => ({ ...ok(j), [lambda(j, 'Throttles')]: 1, [dlq]: 1 }),
        () => ['fecjst-ops-dead-letters'],
      ],
      ['the cursor far behind', (j) => ({ ...ok(j), [custom(j, names.metrics.cursorLagSeconds)]: 9000 }), (j) => [`fecjst-ops-${j}-CursorLag`]],
    ];
    it.each(['syncInventory', 'pushOrders', 'syncShipping'])('%s', (job) => {
      for (const [what, world, expected] of scenarios) {
        expect({ scenario: what, paged: pagedAlarms(pkg.template.Resources, world(job)) }).toEqual({ scenario: what, paged: expected(job) });
      }
    });
    it('syncInventory: a full pass older than 48 h', () => {
      expect(pagedAlarms(pkg.template.Resources, { ...ok('syncInventory'), [custom('syncInventory', names.metrics.fullPassAgeHours)]: 50 })).toEqual([
        'fecjst-ops-syncInventory-FullPassAge',
      ]);
    });
  });

  it('alarms on each drift metric a reconcile publishes, per job', () => {
    for (const [job, metric] of [
      ['syncInventory', 'StockDriftMissed'],
      ['pushOrders', 'OrdersMissingInErp'],
      ['pushOrders', 'OrdersDifferentInErp'],
      ['syncShipping', 'ShipmentsMissingInStore'],
    ] as const) {
      expect(names.metrics).toEqual(expect.objectContaining({ [metric.charAt(0).toLowerCase() + metric.slice(1)]: metric }));
      const alarm = alarms().find((a) => a.MetricName === metric);
      expect(alarm).toMatchObject({
        AlarmName: `fecjst-ops-${job}-${metric}`,
        Namespace: names.namespace,
        Dimensions: [{ Name: names.dimension, Value: job }],
        Threshold: 0,
        ComparisonOperator: 'GreaterThanThreshold',
        TreatMissingData: 'notBreaching',
      });
    }
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

  describe('erpNotify: the ERP pushes through a Function URL (docs/design.md §18)', () => {
    const notify = () => pkg.template.Resources.ErpNotifyLambdaFunction!;
    const statements = () =>
      pkg.template.Resources.ErpNotifyRole?.Properties?.Policies[0].PolicyDocument.Statement as Array<{
        Sid: string;
        Action: string[];
        Resource: unknown;
        Condition?: Record<string, Record<string, string[]>>;
      }>;

    it('is a function of its own behind a public Function URL (the push signature is the authentication), with its address as a stack output', () => {
      expect(notify().Properties).toMatchObject({
        Handler: 'functions/erp-notify/handler.handler',
        Runtime: 'nodejs22.x',
        Timeout: 5,
        Role: { 'Fn::GetAtt': ['ErpNotifyRole', 'Arn'] },
        Layers: [{ Ref: 'SharedLambdaLayer' }],
      });
      expect(notify().Properties!.ReservedConcurrentExecutions).toBeGreaterThan(1);
      expect(notify().Properties!.Environment.Variables).toMatchObject({
        POWERTOOLS_SERVICE_NAME: 'erpNotify',
        SYNC_INVENTORY_FUNCTION: 'fecjst-ops-syncInventory',
        SYNC_SHIPPING_FUNCTION: 'fecjst-ops-syncShipping',
      });
      expect(notify().Properties!.VpcConfig).toBeUndefined();
      expect(pkg.template.Resources.ErpNotifyLambdaFunctionUrl?.Properties).toMatchObject({
        AuthType: 'NONE',
        TargetFunctionArn: { 'Fn::GetAtt': ['ErpNotifyLambdaFunction', 'Arn'] },
      });
      expect(pkg.template.Outputs?.ErpNotifyUrl).toMatchObject({ Value: { 'Fn::GetAtt': ['ErpNotifyLambdaFunctionUrl', 'FunctionUrl'] } });
    });

    it('may only write push items, read the two job leases and the ERP secret, and start the two jobs', () => {
      const bySid = Object.fromEntries(statements().map((st) => [st.Sid, st]));
      expect(Object.keys(bySid).sort()).toEqual(['OwnLogs', 'ReadErpSecret', 'ReadJobLeases', 'StartJobs', 'WritePushItems']);
      expect(bySid.WritePushItems!.Action.sort()).toEqual(['dynamodb:GetItem', 'dynamodb:PutItem', 'dynamodb:UpdateItem']);
      expect(bySid.WritePushItems!.Condition!['ForAllValues:StringLike']!['dynamodb:LeadingKeys']).toEqual([
        'HINT#*',
        'PUSH_SEEN#*',
        'PUSH_REFUSED*',
        'PUSH_COUNTS*',
        'PUSH_WAKE#*',
      ]);
      expect(bySid.ReadJobLeases).toMatchObject({
        Action: ['dynamodb:GetItem'],
        Condition: { 'ForAllValues:StringEquals': { 'dynamodb:LeadingKeys': ['LEASE#syncInventory', 'LEASE#syncShipping'] } },
      });
      expect(JSON.stringify(bySid.ReadErpSecret!.Resource)).toContain('fecjst/ops/jst-??????');
      expect(JSON.stringify(bySid.ReadErpSecret!.Resource)).not.toContain('/db');
      expect(bySid.StartJobs).toMatchObject({
        Action: ['lambda:InvokeFunction'],
        Resource: [{ 'Fn::GetAtt': ['SyncInventoryLambdaFunction', 'Arn'] }, { 'Fn::GetAtt': ['SyncShippingLambdaFunction', 'Arn'] }],
      });
      const all = JSON.stringify(statements());
      for (const never of ['secretsmanager:PutSecretValue', 'dynamodb:DeleteItem', 'dynamodb:Query', 'PushOrdersLambdaFunction', 'sqs:'])
        expect(all).not.toContain(never);
    });

    it('pages on refused pushes above the threshold and on any invocation error, and has its own dashboard row', () => {
      const byId = Object.fromEntries(alarms().map((a) => [a.id, a]));
      expect(byId.ErpNotifyRefusedPushesAlarm).toMatchObject({
        Namespace: names.namespace,
        MetricName: 'PushesRefused',
        Dimensions: [{ Name: names.dimension, Value: 'erpNotify' }],
        Period: 300,
        Threshold: 20,
        AlarmActions: [{ Ref: 'AlarmTopic' }],
      });
      expect(byId.ErpNotifyErrorsAlarm).toMatchObject({
        Namespace: 'AWS/Lambda',
        MetricName: 'Errors',
        Dimensions: [{ Name: 'FunctionName', Value: 'fecjst-ops-erpNotify' }],
        AlarmActions: [{ Ref: 'AlarmTopic' }],
      });
      const body = JSON.stringify(pkg.template.Resources.JobsDashboard?.Properties?.DashboardBody);
      expect(body).toContain('erpNotify: pushes');
      expect(body).toContain('fecjst-ops-erpNotify');
    });
  });
});
