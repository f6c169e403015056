// Reconcile (issue #16): the weekly reconcile schedules of pushOrders and syncShipping (EventBridge
// Scheduler, through their own role), and one alarm per drift metric (stock: StockDriftMissed, published
// by syncInventory's daily full pass). serverless.yml includes it under `resources`.
//
// A reconcile pass of a large horizon takes several invocations (each stops at its deadline and keeps
// its place in the `reconcile` cursor). The schedule therefore fires every 30 minutes inside a weekly
// window; the later firings continue an unfinished pass, and once the pass is finished they return at
// once (RECONCILE_MIN_INTERVAL_HOURS).
const { metricNames } = require('./jobs');

const m = metricNames.metrics;

const schedules = [
  { job: 'pushOrders', logicalId: 'PushOrders', scheduleParam: 'ordersReconcileSchedule', enabledParam: 'ordersReconcileEnabled' },
  { job: 'syncShipping', logicalId: 'SyncShipping', scheduleParam: 'shippingReconcileSchedule', enabledParam: 'shippingReconcileEnabled' },
];

const driftAlarms = [
  // Stock: only the drift the incremental runs should have brought (StockDrift also counts store-side edits).
  { job: 'syncInventory', logicalId: 'SyncInventory', metric: m.stockDriftMissed, what: 'SKUs whose ERP change the incremental runs missed' },
  { job: 'pushOrders', logicalId: 'PushOrders', metric: m.ordersMissingInErp, what: 'orders the ledger says the ERP accepted that the ERP does not have' },
  { job: 'pushOrders', logicalId: 'PushOrders', metric: m.ordersDifferentInErp, what: 'orders the ERP holds under another shop, status or amount' },
  {
    job: 'syncShipping',
    logicalId: 'SyncShipping',
    metric: m.shipmentsMissingInStore,
    what: 'ERP shipments missing in the store (not dispatched, or a tracking number missing)',
  },
];

module.exports = async ({ resolveVariable }) => {
  const service = await resolveVariable('self:service');
  const stage = await resolveVariable('sls:stage');
  const timezone = await resolveVariable('param:reconcileTimezone');
  const Resources = {};

  Resources.ReconcileSchedulerRole = {
    Type: 'AWS::IAM::Role',
    Properties: {
      AssumeRolePolicyDocument: {
        Version: '2012-10-17',
        Statement: [{ Effect: 'Allow', Principal: { Service: 'scheduler.amazonaws.com' }, Action: 'sts:AssumeRole' }],
      },
      Policies: [
        {
          PolicyName: 'invoke-reconcile-runs',
          PolicyDocument: {
            Version: '2012-10-17',
            Statement: [
              {
                Effect: 'Allow',
                Action: 'lambda:InvokeFunction',
                Resource: schedules.flatMap((s) => [
                  { 'Fn::GetAtt': [`${s.logicalId}LambdaFunction`, 'Arn'] },
                  { 'Fn::Sub': `\${${s.logicalId}LambdaFunction.Arn}:*` },
                ]),
              },
            ],
          },
        },
      ],
    },
  };

  for (const s of schedules) {
    const enabled = String(await resolveVariable(`param:${s.enabledParam}`)) === 'true';
    Resources[`${s.logicalId}ReconcileSchedule`] = {
      Type: 'AWS::Scheduler::Schedule',
      Properties: {
        Description: `${s.job} in reconcile mode: compare with the ERP and heal drift (continues an unfinished pass)`,
        ScheduleExpression: await resolveVariable(`param:${s.scheduleParam}`),
        ScheduleExpressionTimezone: timezone,
        State: enabled ? 'ENABLED' : 'DISABLED',
        FlexibleTimeWindow: { Mode: 'OFF' },
        Target: {
          Arn: { 'Fn::GetAtt': [`${s.logicalId}LambdaFunction`, 'Arn'] },
          RoleArn: { 'Fn::GetAtt': ['ReconcileSchedulerRole', 'Arn'] },
          Input: JSON.stringify({ source: 'aws.scheduler', 'detail-type': 'Scheduled Event', detail: { mode: 'reconcile' } }),
          RetryPolicy: { MaximumRetryAttempts: 0 },
        },
      },
    };
  }

  for (const a of driftAlarms) {
    const functionName = `${service}-${stage}-${a.job}`;
    Resources[`${a.logicalId}${a.metric}Alarm`] = {
      Type: 'AWS::CloudWatch::Alarm',
      Properties: {
        AlarmName: `${functionName}-${a.metric}`,
        AlarmDescription: `A reconcile of ${a.job} found ${a.what}, although the incremental runs should have kept them in step. It healed them (see driftExamples and failures in its run summary); drift that keeps coming back means a bug or another writer.`,
        AlarmActions: [{ Ref: 'AlarmTopic' }],
        OKActions: [{ Ref: 'AlarmTopic' }],
        Namespace: metricNames.namespace,
        MetricName: a.metric,
        Dimensions: [{ Name: metricNames.dimension, Value: a.job }],
        Statistic: 'Sum',
        Period: 3600,
        EvaluationPeriods: 1,
        Threshold: 0,
        ComparisonOperator: 'GreaterThanThreshold',
        TreatMissingData: 'notBreaching',
      },
    };
  }
  return { Resources };
};
