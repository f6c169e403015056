import { randomBytes, randomUUID } from 'node:crypto';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { GetSecretValueCommand, ResourceNotFoundException, SecretsManagerClient } from '@aws-sdk/client-secrets-manager';
import mysql from 'mysql2/promise';
import { createStoreSchema } from '../../../dev/fecmall/schema';
import { DEMO_SHOP_ID } from '../../../dev/jst-sandbox/server';
import { connectCommand, SetupBlockedError, type ConnectTarget } from '../../../scripts/ops/connect-command';
import { ConnectInputError, readConnectFile, type ConnectInput } from '../../../scripts/ops/connect-input';
import { SecretsManagerWriter } from '../../../scripts/ops/secret-writer';
import { useJstSandbox } from '../../support/jst-sandbox';
import { describeWithMoto } from '../../support/moto';
import { useTestDatabase } from '../../support/mysql';

/**
 * `npm run ops -- connect`: the ERP credentials and the store database are each checked with one cheap
 * read before anything is written; both secrets are written (Secrets Manager on moto_server) only when
 * nothing blocks. The ERP is the sandbox over HTTP, the store a MariaDB database.
 */
describeWithMoto('ops connect (sandbox ERP, MariaDB, moto_server)', () => {
  const sandbox = useJstSandbox();
  const db = useTestDatabase('connect');
  const client = new SecretsManagerClient({});
  const user = `fecjst_ro_${randomBytes(3).toString('hex')}`;
  const lines: string[] = [];
  const io = { out: (line: string) => void lines.push(line), confirm: () => Promise.resolve(false) };
  beforeAll(async () => {
    await createStoreSchema(db().pool, 'core');
    await db().pool.query(`CREATE USER '${user}'@'%' IDENTIFIED BY 'pw'`);
    await db().pool.query(`GRANT SELECT ON \`${db().database}\`.* TO '${user}'@'%'`);
  });
  afterAll(async () => {
    client.destroy();
    const admin = await mysql.createConnection({ uri: db().serverUrl });
    await admin.query(`DROP USER IF EXISTS '${user}'@'%'`);
    await admin.end();
  });
  beforeEach(() => {
    lines.length = 0;
    sandbox().reset();
  });

  const target = (shopId = DEMO_SHOP_ID): ConnectTarget & { secretIds: { jst: string; db: string } } => {
    const stage = `t${randomUUID().slice(0, 8)}`;
    return {
      stage,
      secretIds: { jst: `fecjst/${stage}/jst`, db: `fecjst/${stage}/db` },
      shopId,
      erpBaseUrl: sandbox().url,
      secrets: new SecretsManagerWriter(client),
      erpOptions: { rateLimit: { perSecond: 50, perMinute: 3000 }, retryBaseMs: 1, maxRetries: 1 },
    };
  };
  const dbInput = (over: Partial<ConnectInput['db']> = {}): ConnectInput['db'] => ({
    host: db().connection.host,
    port: db().connection.port,
    username: db().connection.user,
    password: db().connection.password,
    dbname: db().database,
    ...over,
  });
  const openInput = (over: Record<string, string> = {}): ConnectInput => ({ jst: { ...sandbox().credentials.open, ...over }, db: dbInput() });
  async function secretValue(id: string): Promise<Record<string, unknown> | undefined> {
    try {
      return JSON.parse((await client.send(new GetSecretValueCommand({ SecretId: id }))).SecretString!) as Record<string, unknown>;
    } catch (error) {
      if (error instanceof ResourceNotFoundException) return undefined;
      throw error;
    }
  }
  async function expectNothingWritten(t: { secretIds: { jst: string; db: string } }): Promise<void> {
    expect(await secretValue(t.secretIds.jst)).toBeUndefined();
    expect(await secretValue(t.secretIds.db)).toBeUndefined();
  }

  it('writes both secrets in the §9 shapes when the ERP, the shop and the database check out (warnings confirmed by --yes)', async () => {
    const t = target();
    const { findings, written } = await connectCommand(t, io, openInput(), { yes: true });
    expect(findings.filter((f) => f.severity === 'blocker')).toEqual([]);
    expect(written).toEqual([t.secretIds.jst, t.secretIds.db]);
    expect(await secretValue(t.secretIds.jst)).toEqual(sandbox().credentials.open);
    expect(await secretValue(t.secretIds.db)).toMatchObject({ host: db().connection.host, username: db().connection.user, dbname: db().database });
    expect(lines).toContain(`created secret ${t.secretIds.jst}`);
    // No secret value is printed.
    for (const value of [sandbox().credentials.open.appSecret, sandbox().credentials.open.accessToken, sandbox().credentials.open.refreshToken])
      expect(lines.join('\n')).not.toContain(value);
  });

  it('updates existing secrets on a second connect (PutSecretValue)', async () => {
    const t = target();
    await connectCommand(t, io, openInput(), { yes: true });
    await connectCommand(t, io, openInput(), { yes: true });
    expect(lines).toContain(`updated secret ${t.secretIds.db}`);
  });

  it('gets the first token pair itself with getInitToken when given only the app key and secret of a self-developed app', async () => {
    const t = target();
    const { appKey, appSecret } = sandbox().credentials.open;
    await connectCommand(t, io, { jst: { appKey, appSecret }, db: dbInput() }, { yes: true });
    const stored = await secretValue(t.secretIds.jst);
    // The sandbox issued a new pair: the one the ERP now expects is the one stored.
    expect(stored).toMatchObject({
      appKey,
      appSecret,
      accessToken: sandbox().credentials.open.accessToken,
      refreshToken: sandbox().credentials.open.refreshToken,
    });
    expect(typeof stored!.expiresAt).toBe('string');
  });

  it('refuses a wrong app secret, naming the ERP code and its fix, and writes nothing', async () => {
    const t = target();
    await expect(connectCommand(t, io, openInput({ appSecret: 'wrong' }), { yes: true })).rejects.toBeInstanceOf(SetupBlockedError);
    expect(lines.join('\n')).toMatch(/✖ erp\.credentials.*code 10/);
    expect(lines.join('\n')).toMatch(/appSecret does not match/);
    await expectNothingWritten(t);
  });

  it('refuses a wrong legacy partner key and writes nothing', async () => {
    const t = target();
    const input: ConnectInput = { jst: { ...sandbox().credentials.legacy, partnerKey: 'wrong' }, db: dbInput() };
    await expect(connectCommand({ ...t, erpBaseUrl: sandbox().legacyUrl }, io, input, { yes: true })).rejects.toBeInstanceOf(SetupBlockedError);
    expect(lines.join('\n')).toMatch(/code 120/);
    await expectNothingWritten(t);
  });

  it('refuses a shop number that is not a shop of this ERP account and writes nothing', async () => {
    const t = target(99999);
    await expect(connectCommand(t, io, openInput(), { yes: true })).rejects.toThrow(/erp\.shop/);
    expect(lines.join('\n')).toMatch(/shop 99999 is not a shop of this ERP account/);
    await expectNothingWritten(t);
  });

  it('warns that a shop of another type cannot be verified (the type field is [U]) and writes nothing without confirmation', async () => {
    const t = target(20001);
    const { written, findings } = await connectCommand(t, io, openInput(), { yes: false });
    expect(findings.find((f) => f.check === 'erp.shopType')).toMatchObject({ severity: 'warning', message: expect.stringContaining('"天猫"') });
    expect(written).toEqual([]);
    await expectNothingWritten(t);
  });

  it('refuses a database user without UPDATE on the stock tables, with the GRANT that fixes it, and writes nothing', async () => {
    const t = target();
    const input = { ...openInput(), db: dbInput({ username: user, password: 'pw' }) };
    await expect(connectCommand(t, io, input, { yes: true })).rejects.toThrow(/store\.privileges/);
    expect(lines.join('\n')).toContain(`GRANT UPDATE, INSERT ON \`${db().database}\`.\`product_flat_qty\` TO '${user}'@'%';`);
    await expectNothingWritten(t);
  });

  it('refuses a database that is not Fecmall, and a wrong password, and writes nothing', async () => {
    const t = target();
    await expect(connectCommand(t, io, { ...openInput(), db: dbInput({ dbname: 'mysql' }) }, { yes: true })).rejects.toThrow(/store\.schema/);
    await expect(connectCommand(t, io, { ...openInput(), db: dbInput({ password: 'not-the-password' }) }, { yes: true })).rejects.toThrow(/store\.connect/);
    expect(lines.join('\n')).not.toContain('not-the-password');
    await expectNothingWritten(t);
  });

  describe('with a third-party (服务商) app', () => {
    const thirdParty = useJstSandbox({ appKind: 'third-party' });

    it('refuses when getInitToken is refused (code 150), says to authorise and give the tokens, and writes nothing', async () => {
      const t = { ...target(), erpBaseUrl: thirdParty().url };
      const { appKey, appSecret } = thirdParty().credentials.open;
      await expect(connectCommand(t, io, { jst: { appKey, appSecret }, db: dbInput() }, { yes: true })).rejects.toThrow(/erp\.getInitToken/);
      expect(lines.join('\n')).toMatch(/getInitToken \(code 150/);
      expect(lines.join('\n')).toMatch(/authorise it again and give connect its accessToken and refreshToken/);
      await expectNothingWritten(t);
    });
  });

  it('reads the input from a file and names a bad field without echoing any value', () => {
    const dir = mkdtempSync(join(tmpdir(), 'fecjst-connect-'));
    const file = join(dir, 'in.json');
    writeFileSync(file, JSON.stringify({ jst: { appKey: 'k', appSecret: 's3cr3t-value', accessToken: 'only-one' }, db: dbInput() }));
    expect(() => readConnectFile(file)).toThrow(ConnectInputError);
    expect(() => readConnectFile(file)).toThrow(/accessToken and refreshToken together/);
    try {
      readConnectFile(file);
    } catch (error) {
      expect((error as Error).message).not.toMatch(/s3cr3t-value|only-one/);
    }
    writeFileSync(file, JSON.stringify(openInput()));
    expect(readConnectFile(file).jst).toEqual(sandbox().credentials.open);
  });
});
