// CloudFormation for what operators watch: per function, alarms on Lambda errors, throttles and
// duration near the timeout, on the custom failure metrics, a heartbeat (no successful run within N
// schedule intervals, missing data breaching) and cursor lag; one alarm on the dead-letter queue;
// and a dashboard of the jobs' metrics. serverless.yml includes it under `resources`.
const { jobs, metricNames, scheduleSeconds } = require('./jobs');

module.exports = async ({ resolveVariable }) => {
  const service = await resolveVariable('self:service');
  const stage = await resolveVariable('sls:stage');
  const timeout = Number(await resolveVariable('self:provider.timeout'));
  const heartbeatIntervals = Number(await resolveVariable('param:heartbeatIntervals'));
  const cursorLagAlarmSeconds = Number(await resolveVariable('param:cursorLagAlarmSeconds'));
  const { namespace, dimension } = metricNames;
  const m = metricNames.metrics;
  const alarmActions = { AlarmActions: [{ Ref: 'AlarmTopic' }], OKActions: [{ Ref: 'AlarmTopic' }] };
  const Resources = {};

  for (const job of jobs) {
    const functionName = `${service}-${stage}-${job.name}`;
    const lambdaDims = [{ Name: 'FunctionName', Value: functionName }];
    const jobDims = [{ Name: dimension, Value: job.name }];
    const interval = Math.max(60, Math.ceil(scheduleSeconds(await resolveVariable(`param:${job.scheduleParam}`)) / 60) * 60);
    const alarm = (suffix, description, props) => {
      Resources[`${job.logicalId}${suffix}Alarm`] = {
        Type: 'AWS::CloudWatch::Alarm',
        Properties: { AlarmName: `${functionName}-${suffix}`, AlarmDescription: description, ...alarmActions, ...props },
      };
    };
    alarm('Errors', `${job.name} failed at run level (ERP auth or network, database down, bad configuration): read the run summary in its log`, {
      Namespace: 'AWS/Lambda', MetricName: 'Errors', Dimensions: lambdaDims, Statistic: 'Sum', Period: 300,
      EvaluationPeriods: 1, Threshold: 0, ComparisonOperator: 'GreaterThanThreshold', TreatMissingData: 'notBreaching',
    });
    alarm('Throttles', `${job.name} was throttled (reserved concurrency 1: a run was still going when the next started)`, {
      Namespace: 'AWS/Lambda', MetricName: 'Throttles', Dimensions: lambdaDims, Statistic: 'Sum', Period: 300,
      EvaluationPeriods: 1, Threshold: 0, ComparisonOperator: 'GreaterThanThreshold', TreatMissingData: 'notBreaching',
    });
    alarm('DurationNearTimeout', `${job.name} ran for more than 90% of its ${timeout}s timeout`, {
      Namespace: 'AWS/Lambda', MetricName: 'Duration', Dimensions: lambdaDims, Statistic: 'Maximum', Period: 300,
      EvaluationPeriods: 1, Threshold: Math.round(timeout * 1000 * 0.9), ComparisonOperator: 'GreaterThanThreshold', TreatMissingData: 'notBreaching',
    });
    for (const metric of job.failureMetrics) {
      alarm(metric, `${job.name} reported ${metric}: items it could not apply (see "failures" in the run summary); they are retried by later runs`, {
        Namespace: namespace, MetricName: metric, Dimensions: jobDims, Statistic: 'Sum', Period: 3600,
        EvaluationPeriods: 1, Threshold: 0, ComparisonOperator: 'GreaterThanThreshold', TreatMissingData: 'notBreaching',
      });
    }
    alarm('Heartbeat', `${job.name} has had no successful run in ${heartbeatIntervals} schedule intervals`, {
      Namespace: namespace, MetricName: m.runSucceeded, Dimensions: jobDims, Statistic: 'Sum', Period: interval,
      EvaluationPeriods: heartbeatIntervals, Threshold: 1, ComparisonOperator: 'LessThanThreshold', TreatMissingData: 'breaching',
    });
    alarm('CursorLag', `${job.name}'s committed cursor is more than ${cursorLagAlarmSeconds}s behind`, {
      Namespace: namespace, MetricName: m.cursorLagSeconds, Dimensions: jobDims, Statistic: 'Maximum', Period: 900,
      EvaluationPeriods: 1, Threshold: cursorLagAlarmSeconds, ComparisonOperator: 'GreaterThanThreshold', TreatMissingData: 'notBreaching',
    });
  }

  Resources.DeadLetterQueueDepthAlarm = {
    Type: 'AWS::CloudWatch::Alarm',
    Properties: {
      AlarmName: `${service}-${stage}-dead-letters`,
      AlarmDescription: 'An invocation failed and was sent to the dead-letter queue: inspect the message, then run the job by hand',
      ...alarmActions,
      Namespace: 'AWS/SQS', MetricName: 'ApproximateNumberOfMessagesVisible',
      Dimensions: [{ Name: 'QueueName', Value: { 'Fn::GetAtt': ['DeadLetterQueue', 'QueueName'] } }],
      Statistic: 'Maximum', Period: 300, EvaluationPeriods: 1, Threshold: 0,
      ComparisonOperator: 'GreaterThanThreshold', TreatMissingData: 'notBreaching',
    },
  };

  const widgets = [];
  let y = 0;
  for (const job of jobs) {
    const functionName = `${service}-${stage}-${job.name}`;
    const metric = (name) => [namespace, name, dimension, job.name, { stat: 'Sum' }];
    widgets.push(
      { type: 'metric', x: 0, y, width: 8, height: 6, properties: { title: `${job.name}: runs`, region: '${AWS::Region}', period: 300, metrics: [metric(m.runSucceeded), metric(m.runFailed), ['AWS/Lambda', 'Errors', 'FunctionName', functionName, { stat: 'Sum' }]] } },
      { type: 'metric', x: 8, y, width: 8, height: 6, properties: { title: `${job.name}: work`, region: '${AWS::Region}', period: 300, metrics: [...job.workMetrics, m.itemFailures].filter((v, i, a) => a.indexOf(v) === i).map(metric) } },
      { type: 'metric', x: 16, y, width: 8, height: 6, properties: { title: `${job.name}: cursor lag and duration`, region: '${AWS::Region}', period: 300, metrics: [[namespace, m.cursorLagSeconds, dimension, job.name, { stat: 'Maximum' }], ['AWS/Lambda', 'Duration', 'FunctionName', functionName, { stat: 'Maximum', yAxis: 'right' }]] } },
    );
    y += 6;
  }
  Resources.JobsDashboard = {
    Type: 'AWS::CloudWatch::Dashboard',
    Properties: { DashboardName: `${service}-${stage}`, DashboardBody: { 'Fn::Sub': JSON.stringify({ widgets }) } },
  };
  return { Resources };
};
