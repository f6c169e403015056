import { CreateSecretCommand, SecretsManagerClient } from '@aws-sdk/client-secrets-manager';
import { QueryCommand, ScanCommand } from '@aws-sdk/lib-dynamodb';
import { startErpNotifyServer, type ErpNotifyServer, type LocalInvocation } from '../../../dev/local/erp-notify-server';
import { createErpNotifyHandler } from '../../../shared/runtime/erp-notify-handler';
import { buildNotifyDependencies } from '../../../shared/wiring/notify-dependencies';
import { LeaseStore } from '../../../shared/state/lease';
import { PushHints } from '../../../shared/state/push-hints';
import { PushLog } from '../../../shared/state/push-log';
import { createStateDocumentClient } from '../../../shared/state/state-table';
import { pushesStatus, statusCommand } from '../../../scripts/ops/status-command';
import { useDynalite } from '../../support/dynamo';
import { useJstSandbox } from '../../support/jst-sandbox';
import { describeWithMoto, motoEndpoint } from '../../support/moto';
import { createStateTable } from '../../support/state-table';
import { randomBytes } from 'node:crypto';

/**
 * erpNotify end to end: the sandbox ERP pushes, signed as the ERP would, to the real handler behind a
 * local Function URL; the handler writes to dynalite, reads its secret from moto_server and starts
 * jobs through its real Lambda client, whose Invoke API is the local server's (recorded here).
 */
describeWithMoto('erpNotify: ERP pushes become hints, and only signed fresh new ones do', () => {
  useDynalite();
  const sandbox = useJstSandbox();
  const doc = createStateDocumentClient();
  const invocations: LocalInvocation[] = [];
  let table: string;
  const servers: ErpNotifyServer[] = [];
  let legacy: ErpNotifyServer;
  let open: ErpNotifyServer;

  async function secret(value: unknown): Promise<string> {
    const name = `fecjst/test/jst-${randomBytes(4).toString('hex')}`;
    const client = new SecretsManagerClient({ endpoint: motoEndpoint() });
    await client.send(new CreateSecretCommand({ Name: name, SecretString: JSON.stringify(value) }));
    client.destroy();
    return name;
  }

  async function receiver(secretId: string, extra: Record<string, string> = {}): Promise<ErpNotifyServer> {
    const handler = createErpNotifyHandler({
      buildDependencies: buildNotifyDependencies,
      environment: {
        STATE_TABLE: table,
        JST_SECRET_ID: secretId,
        DB_SECRET_ID: 'unused-by-erpNotify',
        JST_SHOP_ID: '10001',
        SYNC_INVENTORY_FUNCTION: 'fecjst-test-syncInventory',
        SYNC_SHIPPING_FUNCTION: 'fecjst-test-syncShipping',
        LOG_LEVEL: 'SILENT',
        ...extra,
      },
    });
    const server = await startErpNotifyServer({ handler, invoke: (i) => void invocations.push(i) });
    servers.push(server);
    process.env.AWS_ENDPOINT_URL_LAMBDA = server.lambdaEndpoint;
    return server;
  }

  const hints = (partition: string) => new PushHints(doc, table, partition);
  const pushes = () => sandbox().pushes;
  const send = (request: Parameters<ReturnType<typeof pushes>['sendOnRequest']>[0]) => pushes().sendOnRequest(request);

  beforeAll(async () => {
    process.env.AWS_ENDPOINT_URL_SECRETS_MANAGER = motoEndpoint();
    table = await createStateTable();
    legacy = await receiver(await secret(sandbox().credentials.legacy));
    open = await receiver(await secret(sandbox().credentials.open));
  });
  beforeEach(async () => {
    sandbox().reset();
    invocations.length = 0;
    // Each case starts from an empty table (the receivers' cached adapters keep its name).
    const all = await doc.send(new ScanCommand({ TableName: table }));
    const { DeleteCommand } = await import('@aws-sdk/lib-dynamodb');
    for (const item of all.Items ?? []) await doc.send(new DeleteCommand({ TableName: table, Key: { pk: item.pk, sk: item.sk } }));
    pushes().setTarget(legacy.url);
  });
  afterAll(async () => {
    for (const s of servers) await s.close();
    doc.destroy();
    delete process.env.AWS_ENDPOINT_URL_LAMBDA;
  });

  it('takes a signed stock push as hints for the SKUs it names, and starts syncInventory with {"trigger":"push"}', async () => {
    sandbox().seedInventory([
      { sku_id: 'SKU-1', qty: 5 },
      { sku_id: 'SKU-2', qty: 7 },
    ]);
    await pushes().idle();

    const [sent] = pushes().sent();
    expect(sent).toMatchObject({ method: 'inventory.upload', mode: 'normal', keys: ['SKU-1', 'SKU-2'], status: 200, reply: { code: 0, msg: 'ok' } });
    expect((await hints('syncInventory').take(10)).map((h) => [h.key, h.source])).toEqual([
      ['SKU-1', 'inventory.upload'],
      ['SKU-2', 'inventory.upload'],
    ]);
    expect(invocations).toEqual([{ functionName: 'fecjst-test-syncInventory', event: { trigger: 'push' } }]);
    expect((await new PushLog(doc, table).counts()).accepted).toBe(1);
  });

  it('keeps the keys only: a push whose figures are wrong leaves the same hint as a true one, and no qty anywhere', async () => {
    sandbox().seedInventory([{ sku_id: 'SKU-W', qty: 3 }]);
    await pushes().idle();
    const [truthful] = await hints('syncInventory').take(10);
    await send({ method: 'inventory.upload', skus: ['SKU-W'], mode: 'wrong' });
    const [afterWrong] = await hints('syncInventory').take(10);

    expect(
      pushes()
        .sent()
        .map((p) => [p.mode, p.reply]),
    ).toEqual([
      ['normal', { code: 0, msg: 'ok' }],
      ['wrong', { code: 0, msg: 'ok' }],
    ]);
    expect({ ...afterWrong, hintId: '', lastHintAt: 0, count: 0 }).toEqual({ ...truthful, hintId: '', lastHintAt: 0, count: 0 });
    const items = (
      await doc.send(new QueryCommand({ TableName: table, KeyConditionExpression: 'pk = :pk', ExpressionAttributeValues: { ':pk': 'HINT#syncInventory' } }))
    ).Items!;
    expect(Object.keys(items[0]!).sort()).toEqual(['count', 'expiresAt', 'firstHintAt', 'hintId', 'key', 'lastHintAt', 'pk', 'sk', 'source']);
  });

  it('takes a shipment push as a syncShipping hint for its so_id, and keeps none of the receiver data it carries', async () => {
    sandbox().state.upsertOrder(10001, { so_id: 'SO-1', shop_status: 'WAIT_SELLER_SEND_GOODS', items: [] });
    sandbox().state.ship(10001, 'SO-1', [{ lc_id: 'SF', l_id: 'SF100', logistics_company: '顺丰速运' }]);
    await pushes().idle();

    expect(
      pushes()
        .sent()
        .map((p) => [p.method, p.reply]),
    ).toEqual([['logistics.upload', { code: 0, msg: 'ok' }]]);
    expect((await hints('syncShipping').take(10)).map((h) => h.key)).toEqual(['SO-1']);
    expect(invocations.map((i) => i.functionName)).toEqual(['fecjst-test-syncShipping']);
    const everything = JSON.stringify((await doc.send(new ScanCommand({ TableName: table }))).Items);
    for (const personal of ['13800138000', '张三', '世纪大道', 'SF100']) expect(everything).not.toContain(personal);
  });

  it('takes an ERP cancellation as a hint in syncShipping#cancel (verified by the order query before anything is recorded)', async () => {
    sandbox().state.upsertOrder(10001, { so_id: 'SO-C', shop_status: 'WAIT_SELLER_SEND_GOODS', items: [] });
    const res = await fetch(`${sandbox().url}/__admin/cancel`, { method: 'POST', body: JSON.stringify({ so_id: 'SO-C' }) });
    expect(await res.json()).toMatchObject({ ok: true, status: 'Cancelled' });
    await pushes().idle();

    expect(
      pushes()
        .sent()
        .map((p) => [p.method, p.reply]),
    ).toEqual([['cancel.order', { code: 0, msg: 'ok' }]]);
    expect((await hints('syncShipping#cancel').take(10)).map((h) => h.key)).toEqual(['SO-C']);
    expect(await hints('syncShipping').waiting()).toBe(0);
  });

  it('refuses a forged push (bad sign) with code -1, writes no hint, starts nothing, and keeps the refusal for the operator', async () => {
    sandbox().seedInventory([{ sku_id: 'SKU-F', qty: 1 }]);
    pushes().setBehaviour({ forged: 1 });
    sandbox().state.touchStock('SKU-F', undefined);
    await pushes().idle();

    const [sent] = pushes().sent();
    expect(sent).toMatchObject({ mode: 'forged', reply: { code: -1 } });
    expect((sent!.reply as { msg: string }).msg).toMatch(/^sign-mismatch/);
    expect(await hints('syncInventory').waiting()).toBe(0);
    expect(invocations).toEqual([]);
    const status = await pushesStatus({ doc, table } as never);
    expect(status.counts).toMatchObject({ accepted: 0, refused: 1, refusedByReason: { 'sign-mismatch': 1 } });
    expect(status.lastRefusals).toEqual([expect.objectContaining({ reason: 'sign-mismatch', method: '?', detail: 'sign mismatch' })]);

    const lines: string[] = [];
    await statusCommand({ doc, table, clock: { now: () => Date.now() } } as never, { out: (l) => lines.push(l), confirm: async () => false }, []);
    expect(lines.slice(0, 3)).toEqual([
      'pushes (erpNotify)',
      '  accepted 0, refused 1 (sign-mismatch 1); none accepted yet',
      '  hints waiting: syncInventory 0, syncShipping 0, syncShipping#cancel 0',
    ]);
    expect(lines[3]).toMatch(/^ {2}refused \d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\+08:00 \((now|\d+ s ago)\): sign-mismatch \(\?, \d+ bytes\) — sign mismatch$/);
  });

  it('refuses a replayed push and the second of a duplicated pair: one hint, named once', async () => {
    sandbox().seedInventory([{ sku_id: 'SKU-R', qty: 1 }]);
    await pushes().idle();
    await send({ method: 'inventory.upload', mode: 'replayed' });
    await send({ method: 'inventory.upload', skus: ['SKU-D'], mode: 'duplicated' });

    const replies = pushes()
      .sent()
      .map((p) => [p.mode, (p.reply as { code: number; msg: string }).msg.split(':')[0]]);
    expect(replies.slice(0, 2)).toEqual([
      ['normal', 'ok'],
      ['replayed', 'replayed'],
    ]);
    expect(
      replies
        .slice(2)
        .map((r) => r[1])
        .sort(),
    ).toEqual(['ok', 'replayed']);
    expect((await hints('syncInventory').take(10)).map((h) => [h.key, h.count])).toEqual([
      ['SKU-D', 1],
      ['SKU-R', 1],
    ]);
    expect((await new PushLog(doc, table).counts()).refusedByReason).toEqual({ replayed: 2 });
  });

  it('takes an older push arriving after a newer one as one more hint (the job re-reads the ERP, so order does not matter)', async () => {
    await send({ method: 'inventory.upload', skus: ['OLDER'], mode: 'out-of-order' });
    await new Promise((r) => setTimeout(r, 1100));
    await send({ method: 'inventory.upload', skus: ['NEWER'] });

    expect(
      pushes()
        .sent()
        .filter((p) => p.status === 200)
        .map((p) => [p.keys, p.reply]),
    ).toEqual([
      [['NEWER'], { code: 0, msg: 'ok' }],
      [['OLDER'], { code: 0, msg: 'ok' }],
    ]);
    expect((await hints('syncInventory').take(10)).map((h) => h.key)).toEqual(['NEWER', 'OLDER']);
  });

  it('refuses a push whose ts is outside the window (late), and pushes that cannot be read (not JSON, wrong shape, unknown method)', async () => {
    await send({ method: 'inventory.upload', skus: ['SKU-L'], mode: 'late' });
    await send({ method: 'inventory.upload', skus: ['SKU-M'], mode: 'malformed' });
    await send({ method: 'logistics.upload', soIds: ['SO-X'], mode: 'wrong-shape' });
    await send({ method: 'inventory.upload', body: [{ qty: 5 }] });
    await send({ method: 'orders.refund' as never, body: { so_id: 'SO-1' } });

    expect(
      pushes()
        .sent()
        .map((p) => (p.reply as { code: number; msg: string }).msg.split(':')[0]),
    ).toEqual(['stale-timestamp', 'malformed-body', 'malformed-body', 'malformed-body', 'unknown-method']);
    expect(
      pushes()
        .sent()
        .every((p) => (p.reply as { code: number }).code === -1),
    ).toBe(true);
    expect(await hints('syncInventory').waiting()).toBe(0);
    expect(await hints('syncShipping').waiting()).toBe(0);
    expect(invocations).toEqual([]);
    expect((await new PushLog(doc, table).lastRefusals(10)).map((r) => r.reason)).toEqual([
      'unknown-method',
      'malformed-body',
      'malformed-body',
      'malformed-body',
      'stale-timestamp',
    ]);
  });

  it('refuses an oversized body, a GET, and an unsigned request, before reading anything', async () => {
    const big = await fetch(`${legacy.url}?method=inventory.upload&partnerid=x&token=y&ts=1&sign=z`, { method: 'POST', body: 'x'.repeat(257 * 1024) });
    const get = await fetch(legacy.url);
    const unsigned = await fetch(legacy.url, { method: 'POST', body: '[{"sku_id":"A"}]', headers: { 'content-type': 'application/json' } });

    const replies = (await Promise.all([big.json(), get.json(), unsigned.json()])) as Array<{ code: number; msg: string }>;
    expect(replies.map((r) => [r.code, r.msg.split(':')[0]])).toEqual([
      [-1, 'too-large'],
      [-1, 'http-method'],
      [-1, 'unsigned'],
    ]);
    expect((await new PushLog(doc, table).lastRefusals(10)).map((r) => [r.reason, r.bytes])).toEqual([
      ['unsigned', 16],
      ['http-method', 0],
      ['too-large', 257 * 1024],
    ]);
  });

  it('writes the hint and starts the job behind a running one, once, however many pushes follow', async () => {
    const lease = await new LeaseStore(doc, table).acquire('syncShipping', 'a-running-run', 60_000, Date.now());
    expect(lease).toBeDefined();
    await send({ method: 'logistics.upload', soIds: ['SO-L'] });
    await send({ method: 'logistics.upload', soIds: ['SO-M'] });

    expect(pushes().sent()[0]!.reply).toEqual({ code: 0, msg: 'ok' });
    expect((await hints('syncShipping').take(10)).map((h) => h.key)).toEqual(['SO-L', 'SO-M']);
    // Reserved concurrency 1 keeps the started event until the running invocation ended.
    expect(invocations).toHaveLength(1);
  });

  it('starts the job once for a burst of pushes, and again once a run has taken the lease since', async () => {
    await send({ method: 'inventory.upload', skus: ['B-1'] });
    await send({ method: 'inventory.upload', skus: ['B-2'] });
    expect(invocations).toHaveLength(1);

    const leases = new LeaseStore(doc, table);
    const run = await leases.acquire('syncInventory', 'the-woken-run', 60_000, Date.now() + 5);
    await leases.release(run!);
    await send({ method: 'inventory.upload', skus: ['B-3'] });
    expect(invocations).toHaveLength(2);
    expect(await hints('syncInventory').waiting()).toBe(3);
  });

  it('takes the open-platform twin (form fields, biz signed with the app secret) and refuses it forged', async () => {
    pushes().setTarget(open.url);
    pushes().setBehaviour({ generation: 'open' });
    await send({ method: 'inventory.upload', skus: ['OPEN-1'] });
    await send({ method: 'inventory.upload', skus: ['OPEN-2'], mode: 'forged' });
    // A legacy push at the receiver whose secret holds open-platform credentials is refused too.
    await send({ method: 'inventory.upload', skus: ['OPEN-3'], generation: 'legacy' });

    expect(
      pushes()
        .sent()
        .map((p) => [p.generation, (p.reply as { msg: string }).msg.split(':')[0]]),
    ).toEqual([
      ['open', 'ok'],
      ['open', 'sign-mismatch'],
      ['legacy', 'sign-mismatch'],
    ]);
    expect((await hints('syncInventory').take(10)).map((h) => h.key)).toEqual(['OPEN-1']);
  });

  it('answers -2 and starts nothing when the state table cannot be written (the polls cover it)', async () => {
    const down = await receiver(await secret(sandbox().credentials.legacy), { STATE_TABLE: 'no-such-table' });
    pushes().setTarget(down.url);
    await send({ method: 'inventory.upload', skus: ['SKU-DOWN'] });

    expect(pushes().sent()[0]!.reply).toEqual({ code: -2, msg: 'state-unavailable: not recorded now, try again; the polls cover it' });
    expect(await hints('syncInventory').waiting()).toBe(0);
    expect(invocations).toEqual([]);
  });
});
