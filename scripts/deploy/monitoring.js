// CloudFormation for what operators watch (README "Alarms" says what to do for each). The rule: an
// alarm pages (notifies the topic) only when a human must act, and one failure pages once.
//
// Per function:
// - Failed (pages): the invocation failed — a run-level failure (RunFailed) or a crash the code never
//   saw (Lambda Errors: timeout kill, out of memory, init error) — in ONE metric-math alarm, so a
//   failure seen by both metrics pages once. Invalid manual events (EventsRejected) are subtracted:
//   the operator got the error back, nobody is paged.
// - Heartbeat (pages; only for an enabled schedule): invoked in each of N schedule intervals, but no
//   run succeeded and none failed (every run skipped: a stuck lease or overlapping runs). Missing
//   data is not breaching, so it is silent before the first run and while the job is paused (no
//   invocations, or scheduled runs skipped as paused: RunPaused).
// - CursorLag (pages): the committed cursor is far behind (published on every outcome).
// - DurationNearTimeout (pages): a run went past its soft deadline by more than half the margin: the
//   threshold is strictly between the soft deadline and the timeout.
// - Abandoned (pages): items given up after the last retry (ItemsAbandoned / OrdersAbandoned).
// - FullPassAge (pages, syncInventory): the last completed full pass is older than 48 h.
// - Throttles, EventsRejected (no action; on the dashboard and in the suppressor below).
// Shared: dead letters alarm on new messages (inflow), with its actions suppressed while any job's
// Failed alarm explains them (a composite alarm with an actions suppressor).
const { jobs, metricNames, scheduleSeconds, isEnabled } = require('./jobs');

const FULL_PASS_MAX_AGE_HOURS = 48;

module.exports = async ({ resolveVariable }) => {
  const service = await resolveVariable('self:service');
  const stage = await resolveVariable('sls:stage');
  const timeout = Number(await resolveVariable('self:provider.timeout'));
  const heartbeatIntervals = Number(await resolveVariable('param:heartbeatIntervals'));
  const cursorLagAlarmSeconds = Number(await resolveVariable('param:cursorLagAlarmSeconds'));
  const deadlineMarginMs = Number((await resolveVariable('param:deadlineMarginMs')) || 20000);
  const { namespace, dimension } = metricNames;
  const m = metricNames.metrics;
  const pages = { AlarmActions: [{ Ref: 'AlarmTopic' }], OKActions: [{ Ref: 'AlarmTopic' }] };
  const silent = { ActionsEnabled: false };
  const Resources = {};
  const suppressorChildren = [];

  for (const job of jobs) {
    const functionName = `${service}-${stage}-${job.name}`;
    const lambdaDims = [{ Name: 'FunctionName', Value: functionName }];
    const jobDims = [{ Name: dimension, Value: job.name }];
    // CloudWatch evaluates at most one day (Period × EvaluationPeriods ≤ 86400 s): longer schedules
    // (cron: a day) get a shorter period, still covering a day of runs. At minute polls the period is
    // at least a heartbeatIntervals-th of the timeout plus a minute, so one run that takes the whole
    // timeout (its successors skipped meanwhile) never looks like a stuck lease.
    const interval = Math.min(
      Math.max(
        60,
        Math.ceil(scheduleSeconds(await resolveVariable(`param:${job.scheduleParam}`)) / 60) * 60,
        Math.ceil((timeout + 60) / heartbeatIntervals / 60) * 60,
      ),
      Math.floor(86400 / heartbeatIntervals / 60) * 60,
    );
    const alarm = (suffix, description, actions, props) => {
      const id = `${job.logicalId}${suffix}Alarm`;
      Resources[id] = {
        Type: 'AWS::CloudWatch::Alarm',
        Properties: { AlarmName: `${functionName}-${suffix}`, AlarmDescription: description, ...actions, ...props },
      };
      return id;
    };
    const stat = (id, ns, name, dims, period, statistic = 'Sum') => ({
      Id: id,
      ReturnData: false,
      MetricStat: { Metric: { Namespace: ns, MetricName: name, Dimensions: dims }, Period: period, Stat: statistic },
    });

    const failed = alarm(
      'Failed',
      `${job.name} failed: a run-level failure (read the "run failed" log line) or a crash (timeout, memory; read the "run timing out" line or the REPORT line). The next run repeats the work once the cause is fixed`,
      pages,
      {
        Metrics: [
          stat('errors', 'AWS/Lambda', 'Errors', lambdaDims, 300),
          stat('failed', namespace, m.runFailed, jobDims, 300),
          stat('rejected', namespace, m.eventsRejected, jobDims, 300),
          {
            Id: 'failing',
            Label: 'failed invocations (invalid manual events excluded)',
            ReturnData: true,
            Expression: 'IF((FILL(errors, 0) - FILL(rejected, 0)) > 0 OR FILL(failed, 0) > 0, 1, 0)',
          },
        ],
        EvaluationPeriods: 1,
        Threshold: 1,
        ComparisonOperator: 'GreaterThanOrEqualToThreshold',
        TreatMissingData: 'notBreaching',
      },
    );
    const rejected = alarm('EventsRejected', `${job.name} rejected an invalid manual event (the caller got the error; no page)`, silent, {
      Namespace: namespace,
      MetricName: m.eventsRejected,
      Dimensions: jobDims,
      Statistic: 'Sum',
      Period: 300,
      EvaluationPeriods: 1,
      Threshold: 0,
      ComparisonOperator: 'GreaterThanThreshold',
      TreatMissingData: 'notBreaching',
    });
    suppressorChildren.push(failed, rejected);
    alarm(
      'Throttles',
      `${job.name} was throttled (its reserved concurrency was in use: runs were still going when the next started). Dropped events reach the dead-letter queue, which pages`,
      silent,
      {
        Namespace: 'AWS/Lambda',
        MetricName: 'Throttles',
        Dimensions: lambdaDims,
        Statistic: 'Sum',
        Period: 300,
        EvaluationPeriods: 1,
        Threshold: 0,
        ComparisonOperator: 'GreaterThanThreshold',
        TreatMissingData: 'notBreaching',
      },
    );
    // A run killed by the timeout is a failure (the Failed alarm pages); this one is for runs that
    // finished but came close: more than half the margin past the soft deadline.
    alarm(
      'DurationNearTimeout',
      `${job.name} finished more than half its ${deadlineMarginMs} ms deadline margin past its soft deadline: a page takes too long; raise DEADLINE_MARGIN_MS or the timeout`,
      pages,
      {
        Metrics: [
          stat('duration', 'AWS/Lambda', 'Duration', lambdaDims, 300, 'Maximum'),
          stat('errors', 'AWS/Lambda', 'Errors', lambdaDims, 300),
          {
            Id: 'closecalls',
            Label: 'finished runs close to the timeout',
            ReturnData: true,
            Expression: `IF(FILL(duration, 0) > ${timeout * 1000 - Math.round(deadlineMarginMs / 2)} AND FILL(errors, 0) == 0, 1, 0)`,
          },
        ],
        EvaluationPeriods: 1,
        Threshold: 1,
        ComparisonOperator: 'GreaterThanOrEqualToThreshold',
        TreatMissingData: 'notBreaching',
      },
    );
    alarm(
      'Abandoned',
      `${job.name} gave up on items after their last retry (${job.abandonedMetric}): list them with "npm run ops -- failed ${job.name}"`,
      pages,
      {
        Namespace: namespace,
        MetricName: job.abandonedMetric,
        Dimensions: jobDims,
        Statistic: 'Sum',
        Period: 3600,
        EvaluationPeriods: 1,
        Threshold: 0,
        ComparisonOperator: 'GreaterThanThreshold',
        TreatMissingData: 'notBreaching',
      },
    );
    if (isEnabled(await resolveVariable(`param:${job.enabledParam}`))) {
      alarm(
        'Heartbeat',
        `${job.name} was invoked in each of ${heartbeatIntervals} periods of ${interval} s but no run succeeded nor failed (every run skipped: another run holds the lease)`,
        pages,
        {
          Metrics: [
            stat('invoked', 'AWS/Lambda', 'Invocations', lambdaDims, interval),
            stat('succeeded', namespace, m.runSucceeded, jobDims, interval),
            stat('errors', 'AWS/Lambda', 'Errors', lambdaDims, interval),
            stat('paused', namespace, m.runPaused, jobDims, interval),
            {
              Id: 'onlyskipped',
              Label: 'invoked, yet no run succeeded, failed or was paused',
              ReturnData: true,
              Expression: 'IF(FILL(invoked, 0) > 0 AND FILL(succeeded, 0) == 0 AND FILL(errors, 0) == 0 AND FILL(paused, 0) == 0, 1, 0)',
            },
          ],
          EvaluationPeriods: heartbeatIntervals,
          DatapointsToAlarm: heartbeatIntervals,
          Threshold: 1,
          ComparisonOperator: 'GreaterThanOrEqualToThreshold',
          TreatMissingData: 'notBreaching',
        },
      );
    }
    alarm(
      'CursorLag',
      `${job.name}'s committed cursor is more than ${cursorLagAlarmSeconds}s behind: runs end incomplete or fail; see "npm run ops -- status"`,
      pages,
      {
        Namespace: namespace,
        MetricName: m.cursorLagSeconds,
        Dimensions: jobDims,
        Statistic: 'Maximum',
        Period: 900,
        EvaluationPeriods: 1,
        Threshold: cursorLagAlarmSeconds,
        ComparisonOperator: 'GreaterThanThreshold',
        TreatMissingData: 'notBreaching',
      },
    );
    if (job.name === 'syncInventory') {
      alarm(
        'FullPassAge',
        `syncInventory's last completed full pass is more than ${FULL_PASS_MAX_AGE_HOURS} h old: full passes do not finish; see the run summaries`,
        pages,
        {
          Namespace: namespace,
          MetricName: m.fullPassAgeHours,
          Dimensions: jobDims,
          Statistic: 'Maximum',
          Period: 3600,
          EvaluationPeriods: 1,
          Threshold: FULL_PASS_MAX_AGE_HOURS,
          ComparisonOperator: 'GreaterThanThreshold',
          TreatMissingData: 'notBreaching',
        },
      );
    }
  }

  // erpNotify (docs/design.md §18): refused pushes above a threshold page (forged pushes, a rotated
  // secret the ERP does not know, a clock far off: README "Pushes: the callback address"); so does any
  // invocation error (the ERP then gets no answer; the polls still cover everything).
  const notifyFunction = `${service}-${stage}-erpNotify`;
  const notifyDims = [{ Name: dimension, Value: 'erpNotify' }];
  const refusedThreshold = Number(await resolveVariable('param:pushRefusedAlarmThreshold'));
  Resources.ErpNotifyRefusedPushesAlarm = {
    Type: 'AWS::CloudWatch::Alarm',
    Properties: {
      AlarmName: `${notifyFunction}-RefusedPushes`,
      AlarmDescription: `erpNotify refused more than ${refusedThreshold} pushes in 5 minutes (PushesRefused, by reason on the dashboard): see "npm run ops -- status" (pushes block) for the last refusals; the polls still cover everything`,
      ...pages,
      Namespace: namespace,
      MetricName: m.pushesRefused,
      Dimensions: notifyDims,
      Statistic: 'Sum',
      Period: 300,
      EvaluationPeriods: 1,
      Threshold: refusedThreshold,
      ComparisonOperator: 'GreaterThanThreshold',
      TreatMissingData: 'notBreaching',
    },
  };
  Resources.ErpNotifyErrorsAlarm = {
    Type: 'AWS::CloudWatch::Alarm',
    Properties: {
      AlarmName: `${notifyFunction}-Errors`,
      AlarmDescription:
        'erpNotify failed invocations (a configuration error names the variable in the log; the ERP got no answer). The polls still cover everything',
      ...pages,
      Namespace: 'AWS/Lambda',
      MetricName: 'Errors',
      Dimensions: [{ Name: 'FunctionName', Value: notifyFunction }],
      Statistic: 'Sum',
      Period: 300,
      EvaluationPeriods: 1,
      Threshold: 0,
      ComparisonOperator: 'GreaterThanThreshold',
      TreatMissingData: 'notBreaching',
    },
  };

  Resources.DeadLetterInflowAlarm = {
    Type: 'AWS::CloudWatch::Alarm',
    Properties: {
      AlarmName: `${service}-${stage}-dead-letters-inflow`,
      AlarmDescription: 'New messages reached the dead-letter queue (no action of its own: the composite dead-letters alarm pages)',
      ...silent,
      Namespace: 'AWS/SQS',
      MetricName: 'NumberOfMessagesSent',
      Dimensions: [{ Name: 'QueueName', Value: { 'Fn::GetAtt': ['DeadLetterQueue', 'QueueName'] } }],
      Statistic: 'Sum',
      Period: 300,
      EvaluationPeriods: 1,
      Threshold: 0,
      ComparisonOperator: 'GreaterThanThreshold',
      TreatMissingData: 'notBreaching',
    },
  };
  Resources.AnyJobFailedAlarm = {
    Type: 'AWS::CloudWatch::CompositeAlarm',
    DependsOn: suppressorChildren,
    Properties: {
      AlarmName: `${service}-${stage}-any-job-failed`,
      AlarmDescription: 'Some job failed or rejected an event (suppresses the dead-letter page those failures explain)',
      ActionsEnabled: false,
      AlarmRule: suppressorChildren.map((id) => `ALARM("${Resources[id].Properties.AlarmName}")`).join(' OR '),
    },
  };
  Resources.DeadLetterQueueAlarm = {
    Type: 'AWS::CloudWatch::CompositeAlarm',
    DependsOn: ['DeadLetterInflowAlarm', 'AnyJobFailedAlarm'],
    Properties: {
      AlarmName: `${service}-${stage}-dead-letters`,
      AlarmDescription:
        'An event was dropped (throttled past its maximum age, or failed) and no job failure explains it: inspect the message, run the job by hand, then purge the queue',
      ...pages,
      AlarmRule: `ALARM("${service}-${stage}-dead-letters-inflow")`,
      ActionsSuppressor: `${service}-${stage}-any-job-failed`,
      ActionsSuppressorWaitPeriod: 300,
      ActionsSuppressorExtensionPeriod: 900,
    },
  };

  const widgets = [];
  let y = 0;
  for (const job of jobs) {
    const functionName = `${service}-${stage}-${job.name}`;
    const metric = (name) => [namespace, name, dimension, job.name, { stat: 'Sum' }];
    widgets.push(
      {
        type: 'metric',
        x: 0,
        y,
        width: 8,
        height: 6,
        properties: {
          title: `${job.name}: runs`,
          region: '${AWS::Region}',
          period: 300,
          metrics: [
            metric(m.runSucceeded),
            metric(m.runFailed),
            metric(m.eventsRejected),
            metric(m.runPaused),
            ['AWS/Lambda', 'Errors', 'FunctionName', functionName, { stat: 'Sum' }],
          ],
        },
      },
      {
        type: 'metric',
        x: 8,
        y,
        width: 8,
        height: 6,
        properties: {
          title: `${job.name}: work`,
          region: '${AWS::Region}',
          period: 300,
          metrics: [...job.workMetrics, m.itemFailures].filter((v, i, a) => a.indexOf(v) === i).map(metric),
        },
      },
      {
        type: 'metric',
        x: 16,
        y,
        width: 8,
        height: 6,
        properties: {
          title: `${job.name}: cursor lag and duration`,
          region: '${AWS::Region}',
          period: 300,
          metrics: [
            [namespace, m.cursorLagSeconds, dimension, job.name, { stat: 'Maximum' }],
            ['AWS/Lambda', 'Duration', 'FunctionName', functionName, { stat: 'Maximum', yAxis: 'right' }],
          ],
        },
      },
    );
    y += 6;
  }
  const notifyMetric = (name) => [namespace, name, dimension, 'erpNotify', { stat: 'Sum' }];
  widgets.push(
    {
      type: 'metric',
      x: 0,
      y,
      width: 12,
      height: 6,
      properties: {
        title: 'erpNotify: pushes',
        region: '${AWS::Region}',
        period: 300,
        metrics: [notifyMetric(m.pushesAccepted), notifyMetric(m.pushesRefused), notifyMetric(m.hintsWritten)],
      },
    },
    {
      type: 'metric',
      x: 12,
      y,
      width: 12,
      height: 6,
      properties: {
        title: 'erpNotify: errors and duration',
        region: '${AWS::Region}',
        period: 300,
        metrics: [
          ['AWS/Lambda', 'Errors', 'FunctionName', `${service}-${stage}-erpNotify`, { stat: 'Sum' }],
          ['AWS/Lambda', 'Throttles', 'FunctionName', `${service}-${stage}-erpNotify`, { stat: 'Sum' }],
          ['AWS/Lambda', 'Duration', 'FunctionName', `${service}-${stage}-erpNotify`, { stat: 'Maximum', yAxis: 'right' }],
        ],
      },
    },
  );
  Resources.JobsDashboard = {
    Type: 'AWS::CloudWatch::Dashboard',
    Properties: { DashboardName: `${service}-${stage}`, DashboardBody: { 'Fn::Sub': JSON.stringify({ widgets }) } },
  };
  return { Resources };
};
