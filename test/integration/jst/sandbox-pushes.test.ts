import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { signLegacy, signOpen } from '../../../shared/jst/signers';
import { useJstSandbox } from '../../support/jst-sandbox';

interface Received {
  query: URLSearchParams;
  contentType: string | undefined;
  body: string;
}

/** The sandbox ERP's pushes as a store's callback address receives them (over HTTP, driven by the admin API). */
describe('sandbox ERP pushes: signed as the ERP would, hostile on request', () => {
  const sandbox = useJstSandbox();
  const received: Received[] = [];
  let store: Server;
  let storeUrl: string;
  let reply = { code: 0, msg: 'ok' };

  const admin = async (path: string, body?: unknown) => {
    const res = await fetch(`${sandbox().url}/__admin/${path}`, body === undefined ? {} : { method: 'POST', body: JSON.stringify(body) });
    return (await res.json()) as any;
  };
  const settled = async () => (await admin('pushes')).sent as Array<Record<string, any>>;
  const legacySign = (q: URLSearchParams) => {
    const { partnerId, partnerKey, token } = sandbox().credentials.legacy;
    return signLegacy({ method: q.get('method')!, partnerId, token, ts: Number(q.get('ts')), partnerKey });
  };

  beforeAll(async () => {
    store = createServer((req, res) => {
      const chunks: Buffer[] = [];
      req.on('data', (c: Buffer) => chunks.push(c));
      req.on('end', () => {
        received.push({
          query: new URL(req.url!, 'http://x').searchParams,
          contentType: req.headers['content-type'],
          body: Buffer.concat(chunks).toString('utf8'),
        });
        res.writeHead(200, { 'content-type': 'application/json' }).end(JSON.stringify(reply));
      });
    });
    await new Promise<void>((r) => store.listen(0, '127.0.0.1', () => r()));
    storeUrl = `http://127.0.0.1:${(store.address() as AddressInfo).port}/notify`;
  });
  beforeEach(async () => {
    await admin('reset', {});
    await admin('push/target', { url: storeUrl });
    received.length = 0;
    reply = { code: 0, msg: 'ok' };
  });
  afterAll(async () => {
    await new Promise<void>((r) => store.close(() => r()));
  });

  it('pushes a stock change as one signed legacy inventory.upload of the ERP figures, and lists it with the reply', async () => {
    await admin('stock', {
      rows: [
        { sku_id: 'A', qty: 9, order_lock: 2 },
        { sku_id: 'B', qty: 4 },
      ],
    });
    const sent = await settled();

    expect(received).toHaveLength(1);
    const [push] = received;
    expect(push!.query.get('method')).toBe('inventory.upload');
    expect(push!.query.get('partnerid')).toBe(sandbox().credentials.legacy.partnerId);
    expect(push!.query.get('sign')).toBe(legacySign(push!.query));
    expect(Math.abs(Number(push!.query.get('ts')) - Date.now() / 1000)).toBeLessThan(5);
    expect(JSON.parse(push!.body)).toEqual([
      { sku_id: 'A', qty: 7, modified: expect.stringMatching(/^\d{4}-\d\d-\d\d \d\d:\d\d:\d\d$/) },
      { sku_id: 'B', qty: 4, modified: expect.any(String) },
    ]);
    expect(sent).toEqual([
      expect.objectContaining({ method: 'inventory.upload', mode: 'normal', keys: ['A', 'B'], status: 200, reply: { code: 0, msg: 'ok' } }),
    ]);
  });

  it('pushes a shipment as logistics.upload and an ERP cancellation as cancel.order (the order query then shows it cancelled)', async () => {
    sandbox().state.upsertOrder(10001, { so_id: 'SO-1', shop_status: 'WAIT_SELLER_SEND_GOODS', items: [{ sku_id: 'A', qty: 1 }] });
    sandbox().state.upsertOrder(10001, { so_id: 'SO-2', shop_status: 'WAIT_SELLER_SEND_GOODS', items: [] });
    await admin('ship', { shop_id: 10001, so_id: 'SO-1', packages: [{ lc_id: 'SF', l_id: 'SF1', logistics_company: '顺丰速运' }] });
    expect(await admin('cancel', { so_id: 'SO-2' })).toMatchObject({ ok: true, status: 'Cancelled' });
    expect(await fetch(`${sandbox().url}/__admin/cancel`, { method: 'POST', body: JSON.stringify({ so_id: 'SO-1' }) }).then((r) => r.status)).toBe(409);
    await settled();

    const byMethod = Object.fromEntries(received.map((r) => [r.query.get('method'), JSON.parse(r.body)]));
    expect(byMethod['logistics.upload']).toMatchObject({
      so_id: 'SO-1',
      l_id: 'SF1',
      lc_id: 'SF',
      logistics_company: '顺丰速运',
      items: [{ sku_id: 'A', qty: 1 }],
    });
    expect(byMethod['cancel.order']).toMatchObject({ so_id: 'SO-2', o_id: expect.any(Number) });
    expect(sandbox().state.order(10001, 'SO-2')!.status).toBe('Cancelled');
  });

  it('sends, on request, forged, late, malformed and wrong-figure pushes', async () => {
    await admin('stock', { rows: [{ sku_id: 'A', qty: 9 }] });
    await settled();
    received.length = 0;
    for (const mode of ['forged', 'late', 'malformed', 'wrong-shape', 'wrong']) await admin('push/send', { method: 'inventory.upload', skus: ['A'], mode });

    const [forged, late, malformed, wrongShape, wrong] = received;
    expect(forged!.query.get('sign')).not.toBe(legacySign(forged!.query));
    expect(late!.query.get('sign')).toBe(legacySign(late!.query));
    expect(Date.now() / 1000 - Number(late!.query.get('ts'))).toBeGreaterThan(600);
    expect(() => JSON.parse(malformed!.body)).toThrow();
    expect(JSON.parse(wrongShape!.body)).toEqual({ unexpected: [expect.objectContaining({ sku_id: 'A' })] });
    expect(JSON.parse(wrong!.body)[0].qty).not.toBe(9);
  });

  it('replays a push later, duplicates one at once, and sends an older push after a newer one', async () => {
    await admin('push/send', { method: 'inventory.upload', skus: ['A'] });
    await admin('push/send', { method: 'inventory.upload', mode: 'replayed' });
    await admin('push/send', { method: 'inventory.upload', skus: ['B'], mode: 'duplicated' });
    expect(received.map((r) => r.body)).toEqual([received[0]!.body, received[0]!.body, received[2]!.body, received[2]!.body]);
    expect(received[1]!.query.toString()).toBe(received[0]!.query.toString());

    received.length = 0;
    await admin('push/send', { method: 'inventory.upload', skus: ['OLD'], mode: 'out-of-order' });
    expect(received).toHaveLength(0);
    await new Promise((r) => setTimeout(r, 1100));
    await admin('push/send', { method: 'inventory.upload', skus: ['NEW'] });
    expect(received.map((r) => JSON.parse(r.body)[0].sku_id)).toEqual(['NEW', 'OLD']);
    expect(Number(received[1]!.query.get('ts'))).toBeLessThan(Number(received[0]!.query.get('ts')));
  });

  it('drops the share of automatic pushes it is told to never send (and lists them as dropped)', async () => {
    await admin('push/behaviour', { dropped: 1 });
    await admin('stock', { rows: [{ sku_id: 'A', qty: 1 }] });
    const sent = await settled();
    expect(received).toHaveLength(0);
    expect(sent).toEqual([expect.objectContaining({ mode: 'dropped', keys: ['A'] })]);
    expect(sent[0]).not.toHaveProperty('status');
  });

  it('sends the open-platform twin: form fields with biz, signed with the app secret', async () => {
    await admin('push/behaviour', { generation: 'open' });
    await admin('stock', { rows: [{ sku_id: 'A', qty: 3 }] });
    await settled();

    const [push] = received;
    expect(push!.contentType).toMatch(/^application\/x-www-form-urlencoded/);
    const { sign, ...fields } = Object.fromEntries(new URLSearchParams(push!.body));
    expect(fields).toMatchObject({ app_key: sandbox().credentials.open.appKey, charset: 'utf-8', version: '2', method: 'inventory.upload' });
    expect(JSON.parse(fields.biz!)).toEqual([expect.objectContaining({ sku_id: 'A', qty: 3 })]);
    expect(sign).toBe(signOpen(fields, sandbox().credentials.open.appSecret));
  });

  it('pushes nothing without a target, and records the store refusing a push', async () => {
    await admin('push/target', { url: null });
    await admin('stock', { rows: [{ sku_id: 'A', qty: 1 }] });
    expect(await settled()).toEqual([]);

    await admin('push/target', { url: storeUrl });
    reply = { code: -1, msg: 'sign-mismatch: sign mismatch' };
    await admin('push/send', { method: 'inventory.upload', skus: ['A'] });
    expect((await settled())[0]).toMatchObject({ reply: { code: -1, msg: 'sign-mismatch: sign mismatch' } });
  });
});
