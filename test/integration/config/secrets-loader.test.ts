import { randomUUID } from 'node:crypto';
import { CreateSecretCommand, GetSecretValueCommand, SecretsManagerClient } from '@aws-sdk/client-secrets-manager';
import { SecretsLoader } from '../../../shared/config/secrets-loader';
import { describeWithMoto } from '../../support/moto';

describeWithMoto('the secrets loader (Secrets Manager on moto_server)', () => {
  const client = new SecretsManagerClient({});
  afterAll(() => client.destroy());

  async function createSecret(value: unknown): Promise<string> {
    const name = `fecjst/test/${randomUUID()}`;
    await client.send(new CreateSecretCommand({ Name: name, SecretString: JSON.stringify(value) }));
    return name;
  }

  it('reads and validates the database secret in the RDS format', async () => {
    const id = await createSecret({ host: 'db.example', port: 3307, username: 'app', password: 'pw', dbname: 'fecmall', engine: 'mysql' });
    const loader = new SecretsLoader();
    await expect(loader.loadDbCredentials(id)).resolves.toMatchObject({ host: 'db.example', port: 3307, username: 'app', dbname: 'fecmall' });
  });

  it('chooses the ERP API generation from the fields present', async () => {
    const legacy = await createSecret({ partnerId: 'p', partnerKey: 'k', token: 't' });
    const open = await createSecret({ appKey: 'a', appSecret: 's', accessToken: 'x', refreshToken: 'r' });
    const loader = new SecretsLoader();
    await expect(loader.loadJstCredentials(legacy)).resolves.toMatchObject({ generation: 'legacy', partnerId: 'p' });
    await expect(loader.loadJstCredentials(open)).resolves.toMatchObject({ generation: 'open', appKey: 'a' });
  });

  it('writes renewed open-platform tokens back to the same secret, conditionally on the version read', async () => {
    const id = await createSecret({ appKey: 'a', appSecret: 's', accessToken: 'old', refreshToken: 'r1' });
    const loader = new SecretsLoader();
    await loader.loadJstCredentials(id);
    const store = loader.jstTokenStore(id);
    const read = await store.read();
    expect(read).toMatchObject({ credentials: { generation: 'open', accessToken: 'old' }, version: expect.any(String) });
    const first = await store.replace(read.version, {
      ...read.credentials,
      accessToken: 'new',
      refreshToken: 'r2',
      expiresAt: '2027-01-01T00:00:00.000Z',
    } as typeof read.credentials);
    expect(first).toMatchObject({ written: true });
    // A second writer that read the same version loses: the secret keeps the first pair.
    await expect(store.replace(read.version, { ...read.credentials, accessToken: 'other', refreshToken: 'r3' } as typeof read.credentials)).resolves.toEqual({
      written: false,
    });
    await expect(loader.loadJstCredentials(id)).resolves.toMatchObject({
      accessToken: 'new',
      refreshToken: 'r2',
      appSecret: 's',
      expiresAt: '2027-01-01T00:00:00.000Z',
    });
    // The stored JSON keeps the §9 field names (the stage is named: moto_server's default read lags, see secrets-loader.ts).
    const raw = await client.send(new GetSecretValueCommand({ SecretId: id, VersionStage: 'AWSCURRENT' }));
    expect(JSON.parse(raw.SecretString!)).toEqual({
      appKey: 'a',
      appSecret: 's',
      accessToken: 'new',
      refreshToken: 'r2',
      expiresAt: '2027-01-01T00:00:00.000Z',
    });
  });

  it('names the secret and the missing fields, never the values, when a secret is malformed', async () => {
    const id = await createSecret({ host: 'db', username: 'u', password: 'hunter2-secret' });
    const error = await new SecretsLoader().loadDbCredentials(id).catch((e: unknown) => e as Error & { code: string });
    expect(error.code).toBe('DB_SECRET_INVALID');
    expect(error.message).toContain(id);
    expect(error.message).toContain('dbname');
    expect(error.message).not.toContain('hunter2-secret');
  });

  it('reports a missing secret as unreadable', async () => {
    await expect(new SecretsLoader().loadDbCredentials('fecjst/test/does-not-exist')).rejects.toMatchObject({ code: 'SECRET_UNREADABLE' });
  });
});
