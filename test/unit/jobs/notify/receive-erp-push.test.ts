import type { JobName } from '../../../../shared/domain/job-request';
import type { InboundPush } from '../../../../shared/domain/erp-push';
import { silentLogger } from '../../../../shared/domain/ports';
import { receiveErpPush } from '../../../../shared/jobs/notify/receive-erp-push';
import { pushKeys } from '../../../../shared/jobs/notify/push-bodies';
import type { PushReceiverPorts } from '../../../../shared/jobs/notify/push-ports';
import { ErpPushAuthenticator } from '../../../../shared/jst/push-signature';
import { signLegacy } from '../../../../shared/jst/signers';
import { createErpNotifyHandler, toInboundPush } from '../../../../shared/runtime/erp-notify-handler';
import type { JstCredentials } from '../../../../shared/config/secret-shapes';

const NOW = 1_796_000_000_000;
const legacy: JstCredentials = { generation: 'legacy', partnerId: 'p-1', partnerKey: 'key-1', token: 'tok-1' };

function signedPush(body: unknown, creds = legacy, method = 'inventory.upload', ts = Math.floor(NOW / 1000)): InboundPush {
  const c = creds as Extract<JstCredentials, { generation: 'legacy' }>;
  const sign = signLegacy({ method, partnerId: c.partnerId, token: c.token, ts, partnerKey: c.partnerKey });
  return {
    httpMethod: 'POST',
    rawQuery: new URLSearchParams({ method, partnerid: c.partnerId, token: c.token, ts: String(ts), sign }).toString(),
    body: Buffer.from(JSON.stringify(body)),
  };
}

/** In-memory ports: what a use-case test decides over (the real adapters are tested in test/integration/notify). */
function ports(overrides: Partial<PushReceiverPorts> = {}) {
  const hints: Record<string, string[]> = {};
  const started: JobName[] = [];
  const refused: string[] = [];
  const seen = new Set<string>();
  const counted: Record<string, number> = {};
  const p: PushReceiverPorts = {
    authenticator: new ErpPushAuthenticator(
      async () => legacy,
      () => NOW,
    ),
    replays: { firstSighting: async (d) => !seen.has(d) && !!seen.add(d) },
    hints: (partition) => ({
      add: async (keys) => {
        (hints[partition] ??= []).push(...keys);
        return new Set(keys).size;
      },
    }),
    log: { accepted: async () => {}, refused: async (r) => void refused.push(r.reason) },
    wake: { claim: async () => 'claimed' },
    jobs: { start: async (job) => void started.push(job) },
    clock: { now: () => NOW },
    logger: silentLogger,
    metrics: { count: (name, v = 1) => void (counted[name] = (counted[name] ?? 0) + v), gauge: () => {} },
    ...overrides,
  };
  return { p, hints, started, refused, counted };
}
const settings = { maxBodyBytes: 1024, timestampWindowSeconds: 300 };

describe('receiveErpPush: a push becomes a hint or a refusal', () => {
  it('writes the keys of a signed push to the method partition, starts the owner, and counts', async () => {
    const { p, hints, started, counted } = ports();
    const outcome = await receiveErpPush(
      p,
      settings,
      signedPush([
        { sku_id: 'A', qty: 1 },
        { sku_id: 'B', qty: 2 },
        { sku_id: 'A', qty: 3 },
      ]),
    );
    expect(outcome).toMatchObject({ accepted: true, reply: { code: 0, msg: 'ok' }, keys: 2, started: 'syncInventory' });
    expect(hints).toEqual({ syncInventory: ['A', 'B'] });
    expect(started).toEqual(['syncInventory']);
    expect(counted).toEqual({ PushesAccepted: 1, HintsWritten: 2 });
  });

  it('routes shipments to syncShipping and cancellations to syncShipping#cancel', async () => {
    const { p, hints, started } = ports();
    await receiveErpPush(p, settings, signedPush({ so_id: 'SO-1', l_id: 'SF1' }, legacy, 'logistics.upload'));
    await receiveErpPush(p, settings, signedPush([{ so_id: 77 }], legacy, 'cancel.order'));
    expect(hints).toEqual({ syncShipping: ['SO-1'], 'syncShipping#cancel': ['77'] });
    expect(started).toEqual(['syncShipping', 'syncShipping']);
  });

  it('still accepts a push whose job could not be started: the hint is durable, the next scheduled run drains it', async () => {
    const { p, hints } = ports({ jobs: { start: async () => Promise.reject(new Error('TooManyRequestsException')) } });
    const outcome = await receiveErpPush(p, settings, signedPush([{ sku_id: 'A' }]));
    expect(outcome).toMatchObject({ accepted: true, reply: { code: 0 }, started: undefined, wake: 'failed' });
    expect(hints.syncInventory).toEqual(['A']);
  });

  it('starts nothing when the wake-up says a start is pending already', async () => {
    const { p, started } = ports({ wake: { claim: async () => 'recent' } });
    expect(await receiveErpPush(p, settings, signedPush([{ sku_id: 'A' }]))).toMatchObject({ accepted: true, wake: 'recent' });
    expect(started).toEqual([]);
  });

  it('starts the job behind a running one (queued): that run may have looked at its hints already', async () => {
    const { p, started } = ports({ wake: { claim: async () => 'queued' } });
    expect(await receiveErpPush(p, settings, signedPush([{ sku_id: 'A' }]))).toMatchObject({ accepted: true, wake: 'queued', started: 'syncInventory' });
    expect(started).toEqual(['syncInventory']);
  });

  it('refuses, with the reason first in the message, before any hint is written', async () => {
    const cases: Array<[string, InboundPush]> = [
      ['http-method', { ...signedPush([]), httpMethod: 'GET' }],
      ['too-large', signedPush([{ sku_id: 'x'.repeat(2000) }])],
      ['sign-mismatch', signedPush([{ sku_id: 'A' }], { ...legacy, partnerKey: 'other' } as JstCredentials)],
      ['stale-timestamp', signedPush([{ sku_id: 'A' }], legacy, 'inventory.upload', Math.floor(NOW / 1000) - 301)],
      ['unknown-method', signedPush([{ sku_id: 'A' }], legacy, 'aftersale.upload')],
      ['malformed-body', signedPush({ items: [] })],
      ['unsigned', { httpMethod: 'POST', rawQuery: '', body: Buffer.from('[]') }],
    ];
    for (const [reason, push] of cases) {
      const { p, hints, refused, counted } = ports();
      const outcome = await receiveErpPush(p, settings, push);
      expect(outcome).toMatchObject({ accepted: false, reason, reply: { code: -1 } });
      expect(outcome.reply.msg.startsWith(`${reason}: `)).toBe(true);
      expect(hints).toEqual({});
      expect(refused).toEqual([reason]);
      expect(counted).toEqual({ PushesRefused: 1 });
    }
  });

  it('accepts a ts up to the window either side of now (clocks differ both ways)', async () => {
    for (const skew of [-300, 300]) {
      const { p } = ports();
      expect((await receiveErpPush(p, settings, signedPush([{ sku_id: 'A' }], legacy, 'inventory.upload', Math.floor(NOW / 1000) + skew))).accepted).toBe(true);
    }
  });

  it('refuses the same push twice, but takes a different body under the same ts and sign (the legacy sign does not cover the body)', async () => {
    const { p, hints } = ports();
    expect((await receiveErpPush(p, settings, signedPush([{ sku_id: 'A' }]))).accepted).toBe(true);
    expect(await receiveErpPush(p, settings, signedPush([{ sku_id: 'A' }]))).toMatchObject({ accepted: false, reason: 'replayed' });
    expect((await receiveErpPush(p, settings, signedPush([{ sku_id: 'B' }]))).accepted).toBe(true);
    expect(hints.syncInventory).toEqual(['A', 'B']);
  });

  it('answers -2 when the state cannot be written, and keeps the refusal if it can', async () => {
    const { p, refused } = ports({ replays: { firstSighting: async () => Promise.reject(new Error('ProvisionedThroughputExceededException')) } });
    expect(await receiveErpPush(p, settings, signedPush([{ sku_id: 'A' }]))).toMatchObject({
      accepted: false,
      reason: 'state-unavailable',
      reply: { code: -2 },
    });
    expect(refused).toEqual(['state-unavailable']);
  });
});

describe('push bodies: only the keys are read', () => {
  it('takes an array or a single object, string or number keys, and refuses empty or overlong ones', () => {
    expect(pushKeys('inventory.upload', '{"sku_id":"A","qty":"n/a"}')).toEqual({ ok: true, keys: ['A'] });
    expect(pushKeys('cancel.order', '[{"so_id":12},{"so_id":"12"}]')).toEqual({ ok: true, keys: ['12'] });
    expect(pushKeys('inventory.upload', '[]')).toMatchObject({ ok: false });
    expect(pushKeys('inventory.upload', '[{"sku_id":""}]')).toMatchObject({ ok: false });
    expect(pushKeys('logistics.upload', JSON.stringify({ so_id: 'x'.repeat(51) }))).toMatchObject({ ok: false });
    expect(pushKeys('logistics.upload', 'null')).toMatchObject({ ok: false, detail: expect.stringContaining('not a logistics.upload push') });
  });
});

describe('ErpPushAuthenticator: the secret read afresh after a mismatch, at most once a minute', () => {
  it('accepts a push signed with rotated credentials once the fresh secret holds them', async () => {
    const rotated: JstCredentials = { ...legacy, partnerKey: 'key-2' } as JstCredentials;
    let now = NOW;
    const reads: boolean[] = [];
    const auth = new ErpPushAuthenticator(
      async (fresh) => (reads.push(fresh), fresh ? rotated : legacy),
      () => now,
    );
    expect((await auth.authenticate(signedPush([], rotated))).ok).toBe(true);
    expect(reads).toEqual([false, true]);
    reads.length = 0;
    expect((await auth.authenticate(signedPush([], { ...legacy, partnerKey: 'forged' } as JstCredentials))).ok).toBe(false);
    expect(reads).toEqual([false]);
    now += 60_000;
    await auth.authenticate(signedPush([], { ...legacy, partnerKey: 'forged' } as JstCredentials));
    expect(reads).toEqual([false, false, true]);
  });
});

describe('the erpNotify handler over a Function URL event', () => {
  const env = { STATE_TABLE: 't', JST_SECRET_ID: 'j', DB_SECRET_ID: 'd', JST_SHOP_ID: '1', LOG_LEVEL: 'SILENT', POWERTOOLS_METRICS_DISABLED: 'true' };
  const context = { awsRequestId: 'r-1', functionName: 'erpNotify' } as never;

  it('decodes base64 bodies and finds the content type whatever its case', () => {
    expect(toInboundPush({ body: Buffer.from('[1]').toString('base64'), isBase64Encoded: true, headers: { 'Content-Type': 'application/json' } })).toEqual({
      httpMethod: 'POST',
      rawQuery: '',
      body: Buffer.from('[1]'),
      contentType: 'application/json',
    });
  });

  it('answers HTTP 200 with the code, and -2 when the state does not answer within its budget', async () => {
    const { p } = ports({ replays: { firstSighting: () => new Promise<boolean>(() => {}) } });
    const handler = createErpNotifyHandler({ buildDependencies: () => p, environment: env, clock: p.clock, answerWithinMs: 20 });
    const push = signedPush([{ sku_id: 'A' }]);
    const result = await handler(
      { rawQueryString: push.rawQuery, body: push.body.toString('utf8'), isBase64Encoded: false, requestContext: { http: { method: 'POST' } } },
      context,
    );
    expect(result).toEqual({
      statusCode: 200,
      headers: { 'content-type': 'application/json; charset=utf-8' },
      body: JSON.stringify({ code: -2, msg: 'state-unavailable: not recorded in time, try again; the polls cover it' }),
    });
  });
});
