import { randomBytes, randomUUID } from 'node:crypto';
import { SecretsManagerClient } from '@aws-sdk/client-secrets-manager';
import mysql from 'mysql2/promise';
import { createStoreSchema } from '../../../dev/fecmall/schema';
import { DEMO_SHOP_ID } from '../../../dev/jst-sandbox/server';
import type { LocalStack } from '../../../dev/local/local-stack-file';
import { localOpsTarget } from '../../../dev/local/local-ops-target';
import type { Finding } from '../../../scripts/ops/checks/finding';
import { DoctorFoundBlockersError, doctorCommand } from '../../../scripts/ops/doctor-command';
import { runOps } from '../../../scripts/ops/main';
import type { OpsTarget } from '../../../scripts/ops/ops-target';
import { SecretsManagerWriter } from '../../../scripts/ops/secret-writer';
import { RunHistory } from '../../../shared/state/run-history';
import { SkuMapStore } from '../../../shared/state/sku-map';
import { useDynalite } from '../../support/dynamo';
import { useJstSandbox } from '../../support/jst-sandbox';
import { describeWithMoto } from '../../support/moto';
import { useTestDatabase } from '../../support/mysql';
import { createStateTable } from '../../support/state-table';

/**
 * `npm run ops -- doctor --stage local`: every finding seeded on the local stack's kind of services
 * (state table on dynalite, secrets on moto_server, the sandbox ERP over HTTP, MariaDB), through the
 * local stack's own ops target.
 */
describeWithMoto('ops doctor on the local stack', () => {
  useDynalite();
  const sandbox = useJstSandbox();
  const db = useTestDatabase('doctor');
  const secrets = new SecretsManagerClient({});
  const writer = new SecretsManagerWriter(secrets);
  const user = `fecjst_ro_${randomBytes(3).toString('hex')}`;
  const SKUS = Array.from({ length: 20 }, (_, i) => `DOC-${String(i).padStart(3, '0')}`);
  const lines: string[] = [];
  const io = { out: (line: string) => void lines.push(line), confirm: () => Promise.resolve(false) };
  let table: string;

  beforeAll(async () => {
    await createStoreSchema(db().pool, 'core');
    for (const sku of SKUS) await db().pool.query("INSERT INTO product_flat (name, spu, sku, qty, price) VALUES ('P', ?, ?, 1, 1.00)", [sku, sku]);
    await db().pool.query(`CREATE USER '${user}'@'%' IDENTIFIED BY 'pw'`);
    await db().pool.query(`GRANT SELECT ON \`${db().database}\`.* TO '${user}'@'%'`);
    table = await createStateTable('fecjst-doctor');
  });
  afterAll(async () => {
    secrets.destroy();
    const admin = await mysql.createConnection({ uri: db().serverUrl });
    await admin.query(`DROP USER IF EXISTS '${user}'@'%'`);
    await admin.end();
  });
  beforeEach(() => {
    lines.length = 0;
    sandbox().reset();
    for (const sku of SKUS) sandbox().state.setStock(sku, { qty: 5 });
  });

  const dbSecret = (over: Record<string, unknown> = {}) => ({
    host: db().connection.host,
    port: db().connection.port,
    username: db().connection.user,
    password: db().connection.password,
    dbname: db().database,
    ...over,
  });

  /** A local stack record on the test services, with its own secrets (written as connect writes them). */
  async function stack(
    options: { jst?: Record<string, unknown> | null; db?: Record<string, unknown> | null; shopId?: number; table?: string } = {},
  ): Promise<OpsTarget> {
    const id = randomUUID().slice(0, 8);
    const local: LocalStack = {
      stage: 'local',
      region: process.env.AWS_REGION ?? 'eu-west-1',
      sandbox: { url: sandbox().url, pid: process.pid },
      dynamodb: { endpoint: process.env.AWS_ENDPOINT_URL_DYNAMODB!, pid: process.pid },
      secretsManager: { endpoint: process.env.AWS_ENDPOINT_URL_SECRETS_MANAGER!, pid: process.pid },
      mysql: { url: db().serverUrl, source: 'test', database: db().database },
      table: options.table ?? (await createStateTable('fecjst-doctor')),
      jstSecretId: `fecjst/doctor-${id}/jst`,
      dbSecretId: `fecjst/doctor-${id}/db`,
      shopId: options.shopId ?? DEMO_SHOP_ID,
      startedAt: new Date().toISOString(),
    };
    if (options.jst !== null)
      await writer.write(local.jstSecretId, options.jst ?? { ...sandbox().credentials.open, expiresAt: new Date(Date.now() + 20 * 86_400_000).toISOString() });
    if (options.db !== null) await writer.write(local.dbSecretId, options.db ?? dbSecret());
    return localOpsTarget(local);
  }
  const finding = (findings: Finding[], check: string) => findings.find((f) => f.check === check);
  const blockers = (findings: Finding[]) => findings.filter((f) => f.severity === 'blocker').map((f) => f.check);

  async function recordRun(target: OpsTarget, job: string, agoMs: number, summary: Record<string, unknown> = {}): Promise<void> {
    await new RunHistory(target.doc, target.table, 30).record(job, randomUUID(), Date.now() - agoMs, { job, dryRun: false, counts: {}, ...summary });
  }

  it('a freshly connected stack has no blocker: secrets, ERP shop, store, every SKU of the sample known, no schedules to compare', async () => {
    const target = await stack();
    const findings = await doctorCommand(target, io);
    expect(blockers(findings)).toEqual([]);
    expect(finding(findings, 'erp.skuSample')).toMatchObject({ severity: 'ok', message: '20 of 20 store SKUs known to the ERP' });
    expect(finding(findings, 'store.privileges')?.severity).toBe('ok');
    expect(finding(findings, 'erp.tokenExpiry')).toMatchObject({ severity: 'ok', message: expect.stringMatching(/expires in (19|20)\.0 d/) });
    expect(finding(findings, 'erp.shopType')?.severity).toBe('warning');
    expect(finding(findings, 'erp.callback')).toMatchObject({ severity: 'warning', message: expect.stringContaining('pushes not set up') });
    expect(lines.at(-1)).toMatch(/^0 blocker\(s\), \d+ warning\(s\), \d+ ok$/);
    // No secret value in the output.
    expect(lines.join('\n')).not.toContain(sandbox().credentials.open.appSecret);
    expect(lines.join('\n')).not.toContain(sandbox().credentials.open.accessToken);
  });

  it('counts the sample SKUs the ERP does not know ("18 of 20"), naming a few', async () => {
    const target = await stack();
    sandbox().reset();
    for (const sku of SKUS.slice(2)) sandbox().state.setStock(sku, { qty: 5 });
    const findings = await doctorCommand(target, io);
    expect(finding(findings, 'erp.skuSample')).toMatchObject({
      severity: 'warning',
      message: expect.stringMatching(/^18 of 20 store SKUs known to the ERP; unknown e\.g\. DOC-00[01], DOC-00[01]$/),
    });
  });

  it('a store that shares no SKU with the ERP is a blocker', async () => {
    const target = await stack();
    sandbox().reset();
    const findings = await doctorCommand(target, io);
    expect(finding(findings, 'erp.skuSample')).toMatchObject({ severity: 'blocker', message: expect.stringMatching(/^0 of 20/) });
  });

  it('looks the sample up under the SKU mapping (#24): the stage SKU_TRANSFORM and the table', async () => {
    const target = await stack();
    sandbox().reset();
    // The ERP knows the store's DOC-000 … as X-DOC-000 …, and DOC-019 as OTHER-19 (a table row).
    for (const sku of SKUS.slice(0, 19)) sandbox().state.setStock(`X-${sku}`, { qty: 5 });
    sandbox().state.setStock('OTHER-19', { qty: 5 });
    const map = new SkuMapStore(target.doc, target.table);
    await map.apply(await map.plan([{ storeSku: SKUS[19]!, erpSku: 'OTHER-19' }], false), Date.now(), 'ops:test');
    const findings = await doctorCommand({ ...target, skuTransform: async () => 'add-prefix:X-' }, io);
    expect(finding(findings, 'erp.skuSample')).toMatchObject({ severity: 'ok', message: '20 of 20 store SKUs known to the ERP' });
  });

  it('a missing database secret is a blocker that says to run connect; the store checks are skipped', async () => {
    const target = await stack({ db: null });
    const findings = await doctorCommand(target, io);
    expect(finding(findings, 'secret.db')).toMatchObject({ severity: 'blocker', fix: expect.stringContaining('ops -- connect') });
    expect(finding(findings, 'store.connect')).toBeUndefined();
  });

  it('a database user without UPDATE is a blocker with the GRANT', async () => {
    const target = await stack({ db: dbSecret({ username: user, password: 'pw' }) });
    const findings = await doctorCommand(target, io);
    expect(finding(findings, 'store.privileges')).toMatchObject({ severity: 'blocker', fix: expect.stringContaining(`GRANT UPDATE`) });
  });

  it('a shop number of another account is a blocker; a wrong app secret is a blocker naming code 10', async () => {
    expect(finding(await doctorCommand(await stack({ shopId: 424242 }), io), 'erp.shop')?.severity).toBe('blocker');
    const wrong = await doctorCommand(await stack({ jst: { ...sandbox().credentials.open, appSecret: 'wrong' } }), io);
    expect(finding(wrong, 'erp.credentials')).toMatchObject({ severity: 'blocker', message: expect.stringContaining('code 10') });
    expect(finding(wrong, 'erp.skuSample')).toBeUndefined();
  });

  it('an expired or soon expiring access token is a warning; a secret without expiresAt says the expiry is unknown', async () => {
    const expired = await doctorCommand(await stack({ jst: { ...sandbox().credentials.open, expiresAt: new Date(Date.now() - 3_600_000).toISOString() } }), io);
    expect(finding(expired, 'erp.tokenExpiry')).toMatchObject({ severity: 'warning', message: expect.stringMatching(/expired 60 min ago/) });
    const unknown = await doctorCommand(await stack({ jst: { ...sandbox().credentials.open } }), io);
    expect(finding(unknown, 'erp.tokenExpiry')).toMatchObject({ severity: 'warning', message: expect.stringContaining('no expiresAt') });
  });

  it("reports the time since each job's last successful run: none, stale, recent (dry, skipped and failed runs do not count)", async () => {
    const target = await stack({ table });
    await recordRun(target, 'syncInventory', 5 * 60_000);
    await recordRun(target, 'pushOrders', 2 * 3_600_000);
    await recordRun(target, 'pushOrders', 60_000, { dryRun: true });
    await recordRun(target, 'syncShipping', 60_000, { error: { code: 'X', message: 'failed' } });
    const findings = await doctorCommand(target, io);
    expect(finding(findings, 'runs.syncInventory')).toMatchObject({ severity: 'ok', message: 'last successful run 5 min ago' });
    expect(finding(findings, 'runs.pushOrders')).toMatchObject({ severity: 'warning', message: 'last successful run 2.0 h ago' });
    expect(finding(findings, 'runs.syncShipping')).toMatchObject({
      severity: 'warning',
      message: expect.stringContaining('no successful run in the last 1 run(s)'),
    });
  });

  it('npm run ops -- doctor fails (exit code 1) on a blocker and passes with warnings only', async () => {
    const bad = await stack({ db: null });
    await expect(runOps(['doctor', '--stage', 'local'], io, () => bad)).rejects.toBeInstanceOf(DoctorFoundBlockersError);
    const good = await stack();
    await expect(runOps(['doctor', '--stage', 'local'], io, () => good)).resolves.toBeUndefined();
  });
});
