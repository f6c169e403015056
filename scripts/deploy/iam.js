// Least-privilege IAM: one role per function (its own log group, read the two secrets, write the ERP
// secret because an open-platform token refresh is persisted there, send to the dead-letter queue,
// VPC network interfaces only when a VPC is configured), and one role that lets EventBridge Scheduler
// invoke the inventory function for its daily full run.
// State table: only the actions the code uses (GetItem, Query, BatchGetItem, PutItem, UpdateItem, and
// DeleteItem on the job's retry set), and only on the job's own items (dynamodb:LeadingKeys): its
// LEASE#/CURSOR#/RUNS#/RETRY# partitions, its pause switch CONTROL#<job> (read only), the
// account-wide ERP budget items BUDGET#… shared by all jobs, and the order ledger ORDER#…, written by
// pushOrders and read by syncInventory (units of orders the ERP has not accepted yet), and, for
// syncInventory, the safety-stock rules STOCK_RULES (read only: operators write them), the push
// hints HINT#<job>… (read and deleted only: erpNotify writes them), and for syncInventory and pushOrders
// the SKU mapping SKU_MAP / SKU_MAP_META (read only: operators write them).
// Secret ARNs end in `-??????`: Secrets Manager appends exactly six characters, so `fecjst/prod/jst-*`
// would also match another secret named `fecjst/prod/jst-old`.
const { jobs, ownKeyPrefixes } = require('./jobs');

const READ_ACTIONS = ['dynamodb:GetItem', 'dynamodb:Query', 'dynamodb:BatchGetItem'];
const WRITE_ACTIONS = ['dynamodb:PutItem', 'dynamodb:UpdateItem'];
const SHARED_PREFIXES = ['BUDGET#'];
const LEDGER_PREFIX = 'ORDER#';
const STOCK_RULES_PARTITION = 'STOCK_RULES';
/** The SKU mapping rows (SKU_MAP) and its meta item (SKU_MAP_META; `SKU_MAP*` covers both), read by syncInventory and pushOrders. */
const SKU_MAP_PARTITION = 'SKU_MAP';
/** What erpNotify writes (shared/state/state-keys.ts: HINT#, PUSH_SEEN#, PUSH_REFUSED, PUSH_COUNTS, PUSH_WAKE#). */
const NOTIFY_PREFIXES = ['HINT#', 'PUSH_SEEN#', 'PUSH_REFUSED', 'PUSH_COUNTS', 'PUSH_WAKE#'];
/** The jobs erpNotify starts (their leases it reads). */
const NOTIFY_STARTS = ['syncInventory', 'syncShipping'];

const leadingKeys = (prefixes) => ({ 'ForAllValues:StringLike': { 'dynamodb:LeadingKeys': prefixes.map((p) => `${p}*`) } });

module.exports = async ({ resolveVariable }) => {
  const service = await resolveVariable('self:service');
  const stage = await resolveVariable('sls:stage');
  const jstSecretId = await resolveVariable('param:jstSecretId');
  const dbSecretId = await resolveVariable('param:dbSecretId');
  const tableName = await resolveVariable('self:custom.stateTableName');
  const secretArn = (id) => ({ 'Fn::Sub': `arn:\${AWS::Partition}:secretsmanager:\${AWS::Region}:\${AWS::AccountId}:secret:${id}-??????` });
  const tableArn = { 'Fn::Sub': `arn:\${AWS::Partition}:dynamodb:\${AWS::Region}:\${AWS::AccountId}:table/${tableName}` };
  const Resources = {};
  const extensions = {};

  for (const job of jobs) {
    const functionName = `${service}-${stage}-${job.name}`;
    Resources[`${job.logicalId}Role`] = {
      Type: 'AWS::IAM::Role',
      Properties: {
        RoleName: { 'Fn::Sub': `${functionName}-\${AWS::Region}` },
        AssumeRolePolicyDocument: {
          Version: '2012-10-17',
          Statement: [{ Effect: 'Allow', Principal: { Service: 'lambda.amazonaws.com' }, Action: 'sts:AssumeRole' }],
        },
        ManagedPolicyArns: {
          'Fn::If': ['HasVpc', [{ 'Fn::Sub': 'arn:${AWS::Partition}:iam::aws:policy/service-role/AWSLambdaVPCAccessExecutionRole' }], { Ref: 'AWS::NoValue' }],
        },
        Policies: [
          {
            PolicyName: `${job.name}-least-privilege`,
            PolicyDocument: {
              Version: '2012-10-17',
              Statement: [
                {
                  Sid: 'OwnLogs',
                  Effect: 'Allow',
                  Action: ['logs:CreateLogStream', 'logs:PutLogEvents'],
                  Resource: { 'Fn::Sub': `arn:\${AWS::Partition}:logs:\${AWS::Region}:\${AWS::AccountId}:log-group:/aws/lambda/${functionName}:*` },
                },
                { Sid: 'ReadSecrets', Effect: 'Allow', Action: ['secretsmanager:GetSecretValue'], Resource: [secretArn(jstSecretId), secretArn(dbSecretId)] },
                {
                  Sid: 'PersistRefreshedErpTokens',
                  Effect: 'Allow',
                  Action: ['secretsmanager:PutSecretValue', 'secretsmanager:UpdateSecretVersionStage'],
                  Resource: [secretArn(jstSecretId)],
                },
                {
                  Sid: 'StateTableRead',
                  Effect: 'Allow',
                  Action: READ_ACTIONS,
                  Resource: tableArn,
                  Condition: leadingKeys([
                    ...ownKeyPrefixes(job.name),
                    `CONTROL#${job.name}`,
                    ...SHARED_PREFIXES,
                    ...(job.readsLedger ? [LEDGER_PREFIX] : []),
                    ...(job.ownSharedPrefixes ?? []),
                    ...(job.readsStockRules ? [STOCK_RULES_PARTITION] : []),
                    ...(job.drainsHints ? [job.drainsHints] : []),
                    ...(job.readsSkuMap ? [SKU_MAP_PARTITION] : []),
                  ]),
                },
                {
                  Sid: 'StateTableWrite',
                  Effect: 'Allow',
                  Action: WRITE_ACTIONS,
                  Resource: tableArn,
                  Condition: leadingKeys([
                    ...ownKeyPrefixes(job.name),
                    ...SHARED_PREFIXES,
                    ...(job.writesLedger ? [LEDGER_PREFIX] : []),
                    ...(job.ownSharedPrefixes ?? []),
                  ]),
                },
                // Retry-set items that succeeded are deleted (shared/state/retry-set.ts), pushOrders'
                // given-up orders once they went through, and the push hints a job drained; nothing else is.
                {
                  Sid: 'StateTableDeleteRetried',
                  Effect: 'Allow',
                  Action: ['dynamodb:DeleteItem'],
                  Resource: tableArn,
                  Condition: leadingKeys([`RETRY#${job.name}`, ...(job.ownSharedPrefixes ?? []), ...(job.drainsHints ? [job.drainsHints] : [])]),
                },
                { Sid: 'DeadLetters', Effect: 'Allow', Action: ['sqs:SendMessage'], Resource: { 'Fn::GetAtt': ['DeadLetterQueue', 'Arn'] } },
              ],
            },
          },
        ],
      },
    };
    // Optional VPC placement, decided at deploy time by the vpcSubnetIds parameter.
    extensions[`${job.logicalId}LambdaFunction`] = {
      Properties: {
        VpcConfig: {
          'Fn::If': [
            'HasVpc',
            {
              SubnetIds: { 'Fn::Split': [',', await resolveVariable('param:vpcSubnetIds')] },
              SecurityGroupIds: { 'Fn::Split': [',', await resolveVariable('param:vpcSecurityGroupIds')] },
            },
            { Ref: 'AWS::NoValue' },
          ],
        },
      },
    };
  }

  // erpNotify (docs/design.md §18): its own log group, read the ERP secret (signature check; never
  // write it), write only push items (hints, replay guard, refusal ring, counters, wake-ups), read only
  // the two job leases it checks, and start only the two job functions. No VPC, no database.
  const notifyFunction = `${service}-${stage}-erpNotify`;
  const jobArn = (logicalId) => ({ 'Fn::GetAtt': [`${logicalId}LambdaFunction`, 'Arn'] });
  Resources.ErpNotifyRole = {
    Type: 'AWS::IAM::Role',
    Properties: {
      RoleName: { 'Fn::Sub': `${notifyFunction}-\${AWS::Region}` },
      AssumeRolePolicyDocument: {
        Version: '2012-10-17',
        Statement: [{ Effect: 'Allow', Principal: { Service: 'lambda.amazonaws.com' }, Action: 'sts:AssumeRole' }],
      },
      Policies: [
        {
          PolicyName: 'erpNotify-least-privilege',
          PolicyDocument: {
            Version: '2012-10-17',
            Statement: [
              {
                Sid: 'OwnLogs',
                Effect: 'Allow',
                Action: ['logs:CreateLogStream', 'logs:PutLogEvents'],
                Resource: { 'Fn::Sub': `arn:\${AWS::Partition}:logs:\${AWS::Region}:\${AWS::AccountId}:log-group:/aws/lambda/${notifyFunction}:*` },
              },
              { Sid: 'ReadErpSecret', Effect: 'Allow', Action: ['secretsmanager:GetSecretValue'], Resource: [secretArn(jstSecretId)] },
              {
                Sid: 'WritePushItems',
                Effect: 'Allow',
                Action: ['dynamodb:PutItem', 'dynamodb:UpdateItem', 'dynamodb:GetItem'],
                Resource: tableArn,
                Condition: leadingKeys(NOTIFY_PREFIXES),
              },
              {
                Sid: 'ReadJobLeases',
                Effect: 'Allow',
                Action: ['dynamodb:GetItem'],
                Resource: tableArn,
                Condition: { 'ForAllValues:StringEquals': { 'dynamodb:LeadingKeys': NOTIFY_STARTS.map((job) => `LEASE#${job}`) } },
              },
              {
                Sid: 'StartJobs',
                Effect: 'Allow',
                Action: ['lambda:InvokeFunction'],
                Resource: [jobArn('SyncInventory'), jobArn('SyncShipping')],
              },
            ],
          },
        },
      ],
    },
  };

  Resources.SchedulerInvokeRole = {
    Type: 'AWS::IAM::Role',
    Properties: {
      AssumeRolePolicyDocument: {
        Version: '2012-10-17',
        Statement: [{ Effect: 'Allow', Principal: { Service: 'scheduler.amazonaws.com' }, Action: 'sts:AssumeRole' }],
      },
      Policies: [
        {
          PolicyName: 'invoke-scheduled-functions',
          PolicyDocument: {
            Version: '2012-10-17',
            Statement: [
              {
                Effect: 'Allow',
                Action: 'lambda:InvokeFunction',
                Resource: [{ 'Fn::GetAtt': ['SyncInventoryLambdaFunction', 'Arn'] }, { 'Fn::Sub': '${SyncInventoryLambdaFunction.Arn}:*' }],
              },
            ],
          },
        },
      ],
    },
  };
  return { Resources, extensions };
};
