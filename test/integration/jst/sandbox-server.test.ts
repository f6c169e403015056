import { signLegacy, signOpen } from '../../../shared/jst/signers';
import { DEMO_SHOP_ID } from '../../../dev/jst-sandbox/server';
import { useJstSandbox } from '../../support/jst-sandbox';

/** Raw signed calls, to check the sandbox's own rules independently of the client. */
function openCall(
  url: string,
  creds: { appKey: string; appSecret: string; accessToken: string },
  path: string,
  biz: unknown,
  ts = Math.floor(Date.now() / 1000),
) {
  const params: Record<string, string> = {
    access_token: creds.accessToken,
    app_key: creds.appKey,
    biz: JSON.stringify(biz),
    charset: 'utf-8',
    timestamp: String(ts),
    version: '2',
  };
  params.sign = signOpen(params, creds.appSecret);
  return fetch(`${url}${path}`, { method: 'POST', body: new URLSearchParams(params), headers: { 'content-type': 'application/x-www-form-urlencoded' } }).then(
    (r) => r.json() as Promise<{ code: number; msg: string; data: unknown }>,
  );
}

function legacyCall(legacyUrl: string, creds: { partnerId: string; partnerKey: string; token: string }, method: string, body: unknown) {
  const ts = Math.floor(Date.now() / 1000);
  const sign = signLegacy({ method, partnerId: creds.partnerId, token: creds.token, ts, partnerKey: creds.partnerKey });
  const query = new URLSearchParams({ method, partnerid: creds.partnerId, token: creds.token, ts: String(ts), sign });
  return fetch(`${legacyUrl}?${query}`, { method: 'POST', body: JSON.stringify(body) }).then((r) => r.json() as Promise<Record<string, unknown>>);
}

const admin = (url: string, path: string, body?: unknown) =>
  fetch(`${url}/__admin/${path}`, body === undefined ? {} : { method: 'POST', body: JSON.stringify(body) }).then(async (r) => ({
    status: r.status,
    json: (await r.json()) as Record<string, unknown> & unknown[],
  }));

describe('ERP sandbox over HTTP', () => {
  const sandbox = useJstSandbox();
  beforeEach(() => sandbox().reset());

  it('checks the open-platform signature, timestamp window and token (codes 10, 180, 100)', async () => {
    const { url, credentials } = sandbox();
    const biz = { sku_ids: 'A' };
    expect((await openCall(url, { ...credentials.open, appSecret: 'x' }, '/open/inventory/query', biz)).code).toBe(10);
    expect((await openCall(url, credentials.open, '/open/inventory/query', biz, Math.floor(Date.now() / 1000) - 601)).code).toBe(180);
    expect((await openCall(url, { ...credentials.open, accessToken: 'other' }, '/open/inventory/query', biz)).code).toBe(100);
    expect((await openCall(url, credentials.open, '/open/no/such/api', biz)).code).toBe(190);
    expect((await openCall(url, credentials.open, '/open/inventory/query', biz)).code).toBe(0);
  });

  it('validates limits with code 140: page size, 7-day range, list lengths, a range with one end', async () => {
    const { url, credentials } = sandbox();
    const call = (path: string, biz: unknown) => openCall(url, credentials.open, path, biz).then((r) => r.code);
    expect(await call('/open/inventory/query', { sku_ids: 'A', page_size: 101 })).toBe(140);
    expect(await call('/open/inventory/query', { sku_ids: Array.from({ length: 101 }, (_, i) => `S${i}`).join(',') })).toBe(140);
    expect(await call('/open/inventory/query', { modified_begin: '2026-11-01 00:00:00', modified_end: '2026-11-08 00:00:01' })).toBe(140);
    expect(await call('/open/inventory/query', { modified_begin: '2026-11-01 00:00:00' })).toBe(140);
    expect(await call('/open/logistic/query', { so_ids: Array.from({ length: 21 }, (_, i) => `S${i}`) })).toBe(140);
    expect(await call('/open/logistic/query', { so_ids: ['A'], page_size: 51 })).toBe(140);
    expect(await call('/open/orders/single/query', { o_ids: Array.from({ length: 51 }, (_, i) => i) })).toBe(140);
    expect(
      await call(
        '/open/jushuitan/orders/upload',
        Array.from({ length: 51 }, () => ({})),
      ),
    ).toBe(140);
    expect(await call('/open/inventory/query', { modified_begin: '2026-11-01 00:00:00', modified_end: '2026-11-08 00:00:00' })).toBe(0);
  });

  it('speaks the legacy envelope: flat fields, issuccess, codes 120 and 170', async () => {
    const { legacyUrl, credentials } = sandbox();
    sandbox().state.setStock('A', { qty: 2 });
    const ok = await legacyCall(legacyUrl, credentials.legacy, 'inventory.query', { sku_ids: 'A' });
    expect(ok).toMatchObject({ code: 0, issuccess: true, has_next: false, inventorys: [{ sku_id: 'A', qty: 2 }] });
    expect(await legacyCall(legacyUrl, { ...credentials.legacy, partnerKey: 'x' }, 'inventory.query', {})).toMatchObject({ code: 120, issuccess: false });
    expect(await legacyCall(legacyUrl, { ...credentials.legacy, token: 'x' }, 'inventory.query', {})).toMatchObject({ code: 170, issuccess: false });
  });

  it('rejects calls over the per-second limit with 199 (open) and 200 (legacy), and counts them', async () => {
    const { url, legacyUrl, credentials } = sandbox();
    sandbox().setRateLimit({ perSecond: 3, perMinute: 1000 });
    try {
      const open = await Promise.all(Array.from({ length: 5 }, () => openCall(url, credentials.open, '/open/inventory/query', { sku_ids: 'A' })));
      expect(open.map((r) => r.code).sort()).toEqual([0, 0, 0, 199, 199]);
      const legacy = await legacyCall(legacyUrl, credentials.legacy, 'inventory.query', { sku_ids: 'A' });
      expect(legacy.code).toBe(200);
      expect(sandbox().stats.rateLimited).toBe(3);
      expect((await admin(url, 'stats')).json).toMatchObject({ rateLimited: 3 });
    } finally {
      sandbox().setRateLimit({ perSecond: 1000, perMinute: 100_000 });
    }
  });

  it('is driven and inspected through the admin API', async () => {
    const { url, credentials } = sandbox();
    await admin(url, 'stock', {
      rows: [
        { sku_id: 'A', qty: 5 },
        { sku_id: 'A', qty: 2, wms_co_id: 3 },
      ],
    });
    expect((await admin(url, 'inventory?sku=A')).json).toMatchObject({ qty: 7 });
    expect((await admin(url, 'inventory?sku=A&wms=3')).json).toMatchObject({ qty: 2 });
    const order = {
      shop_id: DEMO_SHOP_ID,
      so_id: 'ADM-1',
      order_date: '2026-11-28 10:00:00',
      shop_status: 'WAIT_BUYER_PAY',
      shop_buyer_id: 'b',
      receiver_name: 'n',
      receiver_address: 'a',
      pay_amount: '1.00',
      freight: '0.00',
      items: [{ sku_id: 'A', qty: 1, outer_oi_id: '1' }],
    };
    const upload = await openCall(url, credentials.open, '/open/jushuitan/orders/upload', [order]);
    expect(upload).toMatchObject({ code: 0, data: { datas: [{ so_id: 'ADM-1', issuccess: true }] } });
    expect((await admin(url, 'orders')).json).toEqual([expect.objectContaining({ so_id: 'ADM-1', status: 'WaitPay' })]);
    expect(
      (await admin(url, 'ship', { shop_id: DEMO_SHOP_ID, so_id: 'ADM-1', packages: [{ lc_id: 'SF', l_id: 'SF9', logistics_company: '顺丰' }] })).status,
    ).toBe(200);
    const shipped = await openCall(url, credentials.open, '/open/logistic/query', { so_ids: ['ADM-1'] });
    expect(shipped.data).toMatchObject({ orders: [{ so_id: 'ADM-1', l_id: 'SF9' }] });
    expect(((await admin(url, 'calls?limit=2')).json as unknown as Array<{ endpoint: string; code: number }>).map((c) => [c.endpoint, c.code])).toEqual([
      ['/open/jushuitan/orders/upload', 0],
      ['/open/logistic/query', 0],
    ]);
    await admin(url, 'faults', { faults: { internalError: 1 } });
    expect((await openCall(url, credentials.open, '/open/inventory/query', { sku_ids: 'A' })).code).toBe(150);
    await admin(url, 'expire-token', {});
    expect((await openCall(url, credentials.open, '/open/inventory/query', { sku_ids: 'A' })).code).toBe(100);
    await admin(url, 'reset', {});
    expect((await admin(url, 'stats')).json).toMatchObject({ orders: 0, skus: 0, calls: 0, faults: {} });
    expect((await admin(url, 'nope')).status).toBe(404);
  });

  it('is hostile on request: rows modified between pages, merged orders, rows touched again (admin API)', async () => {
    const { url, credentials } = sandbox();
    const at = Date.now() - 3600_000;
    const beijing = (ms: number) => new Date(ms + 8 * 3600_000).toISOString().slice(0, 19).replace('T', ' ');
    const begin = beijing(at - 86_400_000);
    const end = beijing(Date.now() + 60_000);
    // 150 SKUs on ONE modified second.
    await admin(url, 'stock', { rows: Array.from({ length: 150 }, (_, i) => ({ sku_id: `H-${i}`, qty: 1, modifiedMs: at })) });
    const query = (page: number) =>
      openCall(url, credentials.open, '/open/inventory/query', { modified_begin: begin, modified_end: end, page_index: page, page_size: 100 });
    const first = (await query(1)).data as { inventorys: Array<{ sku_id: string; modified: string }>; data_count: number };
    expect(new Set(first.inventorys.map((r) => r.modified)).size).toBe(1);
    await admin(url, 'faults', { faults: { churn: { endpoint: 'inventory', afterPage: 1, rows: 2, times: 1 } } });
    const served = ((await query(1)).data as typeof first).inventorys.map((r) => r.sku_id);
    const after = (await query(1)).data as typeof first;
    // The two rows served first were modified again: they now come last, the others moved up.
    expect(after.inventorys[0]!.sku_id).toBe(served[2]);
    expect(after.data_count).toBe(150);
    await admin(url, 'faults', { faults: {} });

    for (const so of ['MG-1', 'MG-2']) sandbox().state.upsertOrder(DEMO_SHOP_ID, { so_id: so, shop_status: 'WAIT_SELLER_SEND_GOODS' });
    const merged = await admin(url, 'ship', {
      shop_id: DEMO_SHOP_ID,
      merged_so_ids: ['MG-1', 'MG-2'],
      packages: [{ lc_id: 'SF', l_id: 'SFM', logistics_company: '顺丰' }],
    });
    expect(merged.status).toBe(200);
    const shipped = await openCall(url, credentials.open, '/open/logistic/query', { so_ids: ['MG-1'] });
    expect(shipped.data).toMatchObject({ orders: [{ so_id: 'MG-1', l_id: 'SFM', items: [{ raw_so_id: 'MG-1' }, { raw_so_id: 'MG-2' }] }] });
    const oId = (shipped.data as { orders: Array<{ o_id: number }> }).orders[0]!.o_id;
    expect((await admin(url, 'touch', { o_ids: [oId], skus: ['H-5'] })).status).toBe(200);
    expect(sandbox().state.shipments[0]!.modifiedMs).toBeGreaterThan(Date.now() - 5000);
    expect(Date.parse(`${String((await admin(url, 'inventory?sku=H-5')).json.modified).replace(' ', 'T')}+08:00`)).toBeGreaterThan(Date.now() - 5000);
  });

  it('replays the same faults for the same seed', async () => {
    const { url, credentials } = sandbox();
    const run = async () => {
      sandbox().setFaults({ internalError: 0.5 }, 11);
      const codes: number[] = [];
      for (let i = 0; i < 12; i++) codes.push((await openCall(url, credentials.open, '/open/inventory/query', { sku_ids: 'A' })).code);
      return codes;
    };
    const first = await run();
    expect(first).toContain(150);
    expect(first).toContain(0);
    expect(await run()).toEqual(first);
  });
});
