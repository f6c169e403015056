import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { CreateFunctionCommand, LambdaClient } from '@aws-sdk/client-lambda';
import { deployedFunction } from '../../../scripts/ops/aws-adapters';
import { describeWithMoto, motoEndpoint } from '../../support/moto';

/** doctor's read of a deployed function's configuration (GetFunctionConfiguration on moto_server). */
describeWithMoto('ops doctor: a deployed function (moto_server Lambda)', () => {
  let lambda: LambdaClient;
  beforeAll(() => {
    lambda = new LambdaClient({ endpoint: motoEndpoint(), region: 'eu-west-1', credentials: { accessKeyId: 'x', secretAccessKey: 'x' } });
  });
  afterAll(() => lambda.destroy());

  it("returns the function's environment, and undefined for a function that is not deployed", async () => {
    const dir = mkdtempSync(join(tmpdir(), 'fecjst-fn-'));
    writeFileSync(join(dir, 'handler.js'), 'exports.handler = async () => ({});\n');
    execFileSync('zip', ['-q', join(dir, 'fn.zip'), 'handler.js'], { cwd: dir });
    // The role must exist in moto's IAM (one Query API call; the SDK's IAM client is not a dependency).
    const roleName = `fecjst-test-${Math.random().toString(36).slice(2, 8)}`;
    const created = await fetch(motoEndpoint(), {
      method: 'POST',
      headers: {
        'content-type': 'application/x-www-form-urlencoded',
        authorization: 'AWS4-HMAC-SHA256 Credential=x/20260101/us-east-1/iam/aws4_request, SignedHeaders=host, Signature=x',
      },
      body: new URLSearchParams({
        Action: 'CreateRole',
        Version: '2010-05-08',
        RoleName: roleName,
        AssumeRolePolicyDocument: JSON.stringify({
          Version: '2012-10-17',
          Statement: [{ Effect: 'Allow', Principal: { Service: 'lambda.amazonaws.com' }, Action: 'sts:AssumeRole' }],
        }),
      }).toString(),
    });
    expect(created.status).toBe(200);
    const name = `fecjst-doc${Math.random().toString(36).slice(2, 8)}-syncInventory`;
    await lambda.send(
      new CreateFunctionCommand({
        FunctionName: name,
        Runtime: 'nodejs22.x',
        Role: `arn:aws:iam::123456789012:role/${roleName}`,
        Handler: 'handler.handler',
        Code: { ZipFile: readFileSync(join(dir, 'fn.zip')) },
        Environment: { Variables: { JST_SHOP_ID: '12345', JST_SECRET_ID: 'fecjst/x/jst' } },
      }),
    );
    expect(await deployedFunction(lambda, name)).toEqual({ environment: { JST_SHOP_ID: '12345', JST_SECRET_ID: 'fecjst/x/jst' } });
    expect(await deployedFunction(lambda, `${name}-absent`)).toBeUndefined();
  });
});
