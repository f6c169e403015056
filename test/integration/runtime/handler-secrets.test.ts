import { randomUUID } from 'node:crypto';
import { CreateSecretCommand, PutSecretValueCommand, SecretsManagerClient } from '@aws-sdk/client-secrets-manager';
import type { DbCredentials, JstCredentials } from '../../../shared/config/secret-shapes';
import { FecjstError } from '../../../shared/errors';
import { createJobHandler } from '../../../shared/runtime/handler-factory';
import { captureStdout } from '../../support/capture-stdout';
import { useDynalite } from '../../support/dynamo';
import { describeWithMoto } from '../../support/moto';
import { createStateTable } from '../../support/state-table';
import { functionEnvironment, jsonLines, pagedJob, plentyOfTime, stateItems } from './runtime-test-kit';

interface Credentials {
  jst: JstCredentials;
  db: DbCredentials;
}

describeWithMoto('the job handler factory with secrets (moto_server + dynalite)', () => {
  useDynalite();
  const secretsManager = new SecretsManagerClient({});
  afterAll(() => secretsManager.destroy());
  let table: string;
  beforeEach(async () => {
    table = await createStateTable();
  });

  async function createSecret(value: unknown): Promise<string> {
    const name = `fecjst/test/${randomUUID()}`;
    await secretsManager.send(new CreateSecretCommand({ Name: name, SecretString: JSON.stringify(value) }));
    return name;
  }

  const openSecret = { appKey: 'app-key-1', appSecret: 'APPSECRET-f00d', accessToken: 'ACCESS-TOKEN-beef', refreshToken: 'REFRESH-TOKEN-cafe' };
  const dbSecret = { host: 'db.internal', port: 3306, username: 'fecjst', password: 'DB-PASSWORD-d00d', dbname: 'fecmall' };

  function handlerWith(
    jstSecretId: string,
    dbSecretId: string,
    run: Parameters<typeof createJobHandler<Credentials>>[0]['run'],
    extra: { builds?: string[]; disposed?: string[] } = {},
  ) {
    return createJobHandler<Credentials>({
      job: 'pushOrders',
      environment: functionEnvironment(table, { JST_SECRET_ID: jstSecretId, DB_SECRET_ID: dbSecretId }),
      buildDependencies: async (env, runtime) => {
        const [jst, db] = await Promise.all([runtime.secrets.loadJstCredentials(env.JST_SECRET_ID), runtime.secrets.loadDbCredentials(env.DB_SECRET_ID)]);
        extra.builds?.push(jst.generation === 'open' ? jst.accessToken : jst.token);
        return { jst, db };
      },
      run,
      dispose: async (deps) => void extra.disposed?.push(deps.jst.generation === 'open' ? deps.jst.accessToken : deps.jst.token),
    });
  }

  it('fails with an error naming the secret and its bad fields, touching nothing, and works once the secret is fixed', async () => {
    const jstId = await createSecret({ appKey: 'k', appSecret: 'APPSECRET-malformed', accessToken: '' });
    const dbId = await createSecret(dbSecret);
    let ran = false;
    const handler = handlerWith(jstId, dbId, async (deps, ctx) => ((ran = true), pagedJob(1)(deps, ctx)));

    const out = await captureStdout(() => handler({}, plentyOfTime()));
    expect(out.error).toMatchObject({ code: 'JST_SECRET_INVALID', context: { secretId: jstId } });
    const message = (out.error as Error).message;
    expect(message).toContain(jstId);
    expect(message).toMatch(/accessToken: must be a non-empty string/);
    expect(message).toMatch(/refreshToken/);
    expect(out.lines.join('\n')).not.toContain('APPSECRET-malformed');
    expect(ran).toBe(false);
    expect(await stateItems(table)).toEqual([]);

    await secretsManager.send(new PutSecretValueCommand({ SecretId: jstId, SecretString: JSON.stringify(openSecret) }));
    await expect(handler({}, plentyOfTime())).resolves.toMatchObject({ complete: true });
  });

  it('never prints a secret, token, sign, phone number or address, whatever the use case logs or throws', async () => {
    const jstId = await createSecret(openSecret);
    const dbId = await createSecret(dbSecret);
    const handler = handlerWith(jstId, dbId, async (deps, ctx) => {
      if (deps.jst.generation !== 'open') throw new Error('expected open-platform credentials');
      ctx.logger.debug('credentials loaded', { deps });
      ctx.logger.info('ERP request', {
        url: `https://openapi.jushuitan.com/open/orders/upload?app_key=app-key-1&access_token=${deps.jst.accessToken}&sign=SIGN-0123456789abcdef`,
        body: `{"accessToken":"${deps.jst.accessToken}","so_id":"1100000001"}`,
      });
      ctx.logger.warn('order fields truncated', {
        incrementId: '1100000001',
        receiver_phone: '13812345678',
        receiver_mobile: '+86 139 1234 5678',
        receiver_address: '88 Nanjing Road',
        customer_telephone: '13700001111',
        customer_address_street1: '1 Bund',
        customer_email: 'li@example.cn',
      });
      ctx.logger.error('ERP rejected order', { error: new Error('receiver_mobile 13812345678 invalid (sign=SIGN-0123456789abcdef)') });
      throw new FecjstError('JST_REJECTED', 'ERP rejected the upload', { endpoint: 'orders.upload', password: deps.db.password });
    });
    const out = await captureStdout(() => handler({}, plentyOfTime()));
    expect(out.error).toMatchObject({ code: 'JST_REJECTED' });

    const printed = out.lines.join('\n');
    expect(printed).toContain('1100000001');
    expect(printed).toContain('orders.upload');
    for (const secret of [
      'APPSECRET-f00d',
      'ACCESS-TOKEN-beef',
      'REFRESH-TOKEN-cafe',
      'DB-PASSWORD-d00d',
      'SIGN-0123456789abcdef',
      '13812345678',
      '139 1234 5678',
      '13700001111',
      'Nanjing Road',
      '1 Bund',
      'li@example.cn',
    ]) {
      expect(printed).not.toContain(secret);
    }
    expect(jsonLines(out.lines).filter((l) => l.message === 'run failed')).toHaveLength(1);
  });

  it('reads the secrets again after an authentication failure, so rotated credentials are picked up', async () => {
    const jstId = await createSecret(openSecret);
    const dbId = await createSecret(dbSecret);
    const builds: string[] = [];
    const disposed: string[] = [];
    const handler = handlerWith(
      jstId,
      dbId,
      async (deps, ctx) => {
        if (deps.jst.generation === 'open' && deps.jst.accessToken === openSecret.accessToken)
          throw new FecjstError('JST_AUTH', 'ERP refused the access token');
        return pagedJob(1)(deps, ctx);
      },
      { builds, disposed },
    );

    expect((await captureStdout(() => handler({}, plentyOfTime()))).error).toMatchObject({ code: 'JST_AUTH' });
    await secretsManager.send(new PutSecretValueCommand({ SecretId: jstId, SecretString: JSON.stringify({ ...openSecret, accessToken: 'ROTATED-TOKEN' }) }));
    await expect(handler({}, plentyOfTime())).resolves.toMatchObject({ complete: true });

    expect(builds).toEqual([openSecret.accessToken, 'ROTATED-TOKEN']);
    expect(disposed).toEqual([openSecret.accessToken]);
  });

  it('keeps the cached secrets (no re-read) after other failures', async () => {
    const jstId = await createSecret(openSecret);
    const dbId = await createSecret(dbSecret);
    const builds: string[] = [];
    let calls = 0;
    const handler = handlerWith(
      jstId,
      dbId,
      async (deps, ctx) => {
        if (++calls === 1) throw new FecjstError('JST_RATE_LIMITED', 'too many calls per minute');
        return pagedJob(1)(deps, ctx);
      },
      { builds },
    );
    await captureStdout(() => handler({}, plentyOfTime()));
    await handler({}, plentyOfTime());
    expect(builds).toHaveLength(1);
  });
});
