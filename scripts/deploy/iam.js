// Least-privilege IAM: one role per function (its own log group, read the two secrets, write the ERP
// secret because an open-platform token refresh is persisted there, only the state table, send to the
// dead-letter queue, VPC network interfaces only when a VPC is configured), and one role that lets
// EventBridge Scheduler invoke the inventory function for its daily full run.
const { jobs } = require('./jobs');

module.exports = async ({ resolveVariable }) => {
  const service = await resolveVariable('self:service');
  const stage = await resolveVariable('sls:stage');
  const jstSecretId = await resolveVariable('param:jstSecretId');
  const dbSecretId = await resolveVariable('param:dbSecretId');
  const tableName = await resolveVariable('self:custom.stateTableName');
  const secretArn = (id) => ({ 'Fn::Sub': `arn:\${AWS::Partition}:secretsmanager:\${AWS::Region}:\${AWS::AccountId}:secret:${id}-*` });
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
                { Sid: 'PersistRefreshedErpTokens', Effect: 'Allow', Action: ['secretsmanager:PutSecretValue', 'secretsmanager:UpdateSecretVersionStage'], Resource: [secretArn(jstSecretId)] },
                {
                  Sid: 'StateTable',
                  Effect: 'Allow',
                  Action: [
                    'dynamodb:GetItem', 'dynamodb:PutItem', 'dynamodb:UpdateItem', 'dynamodb:DeleteItem', 'dynamodb:Query',
                    'dynamodb:BatchGetItem', 'dynamodb:BatchWriteItem', 'dynamodb:ConditionCheckItem',
                  ],
                  Resource: { 'Fn::Sub': `arn:\${AWS::Partition}:dynamodb:\${AWS::Region}:\${AWS::AccountId}:table/${tableName}` },
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
            Statement: [{ Effect: 'Allow', Action: 'lambda:InvokeFunction', Resource: [{ 'Fn::GetAtt': ['SyncInventoryLambdaFunction', 'Arn'] }, { 'Fn::Sub': '${SyncInventoryLambdaFunction.Arn}:*' }] }],
          },
        },
      ],
    },
  };
  return { Resources, extensions };
};
