import { timingSafeEqual } from 'node:crypto';
import type { JstCredentials } from '../config/secret-shapes';
import type { InboundPush, PushAuthentication } from '../domain/erp-push';
import { signLegacy, signOpen } from './signers';

/**
 * Checks the signature of an ERP push with the credentials of the ERP secret (docs/erp-push.md §2):
 *
 * - legacy generation [C1 shape, U check]: query `method`, `partnerid`, `token`, `ts`, `sign`, sign =
 *   md5(method + partnerid + "token" + token + "ts" + ts + partnerkey), lowercase hex — the outbound
 *   formula of docs/erp-api.md §1.3. `partnerid` and `token` must be ours. The body is NOT covered.
 * - open platform [U, our own choice]: a form body `app_key`, `timestamp`, `charset`, `version`,
 *   `method`, `biz` (JSON), `sign` = the open-platform signature over every field (docs/erp-api.md
 *   §2.3) with our `app_secret`. `biz` is covered.
 *
 * The push must be of the generation the secret holds. Comparison is constant-time. Nothing here
 * logs or returns a credential.
 */
export class ErpPushAuthenticator {
  private lastFreshRead = Number.NEGATIVE_INFINITY;

  /**
   * `credentials(fresh)`: the ERP secret, cached unless `fresh`. After a sign mismatch the secret is
   * read afresh (an operator may have rotated it), at most once per `freshReadIntervalMs`, so a flood
   * of forged pushes costs Secrets Manager nothing more.
   */
  constructor(
    private readonly credentials: (fresh: boolean) => Promise<JstCredentials>,
    private readonly now: () => number = Date.now,
    private readonly freshReadIntervalMs = 60_000,
  ) {}

  async authenticate(push: InboundPush): Promise<PushAuthentication> {
    const first = this.check(push, await this.credentials(false));
    if (first.ok || first.reason !== 'sign-mismatch' || this.now() - this.lastFreshRead < this.freshReadIntervalMs) return first;
    this.lastFreshRead = this.now();
    return this.check(push, await this.credentials(true));
  }

  private check(push: InboundPush, creds: JstCredentials): PushAuthentication {
    const query = new URLSearchParams(push.rawQuery);
    if (query.has('partnerid') || query.has('sign')) return authenticateLegacy(query, push.body.toString('utf8'), creds);
    const form = isForm(push) ? new URLSearchParams(push.body.toString('utf8')) : undefined;
    if (form?.has('app_key') && form.has('sign')) return authenticateOpen(form, creds);
    return { ok: false, reason: 'unsigned', detail: 'no signature (legacy: query sign; open platform: form field sign)' };
  }
}

function authenticateLegacy(query: URLSearchParams, body: string, creds: JstCredentials): PushAuthentication {
  const method = query.get('method');
  const partnerId = query.get('partnerid');
  const token = query.get('token');
  const ts = query.get('ts');
  const sign = query.get('sign');
  if (!method || !partnerId || !token || !ts || !sign)
    return { ok: false, reason: 'unsigned', detail: 'legacy push without method, partnerid, token, ts or sign' };
  if (creds.generation !== 'legacy')
    return { ok: false, reason: 'sign-mismatch', detail: 'a legacy-generation push, but the ERP secret holds open-platform credentials' };
  if (!/^\d{1,12}$/.test(ts)) return { ok: false, reason: 'sign-mismatch', detail: 'ts is not epoch seconds' };
  const expected = signLegacy({ method, partnerId: creds.partnerId, token: creds.token, ts: Number(ts), partnerKey: creds.partnerKey });
  // partnerid and token take part in the sign only through ours: a push naming another partner fails too.
  if (!sameText(partnerId, creds.partnerId) || !sameText(token, creds.token) || !sameText(sign.toLowerCase(), expected))
    return { ok: false, reason: 'sign-mismatch', detail: 'sign mismatch' };
  return { ok: true, push: { generation: 'legacy', method, tsSeconds: Number(ts), sign: expected, payload: body } };
}

function authenticateOpen(form: URLSearchParams, creds: JstCredentials): PushAuthentication {
  const params: Record<string, string> = {};
  for (const [key, value] of form) params[key] = value;
  const { sign, ...signed } = params;
  if (!sign || !signed.method || !signed.timestamp || signed.biz === undefined)
    return { ok: false, reason: 'unsigned', detail: 'open-platform push without method, timestamp, biz or sign' };
  if (creds.generation !== 'open') return { ok: false, reason: 'sign-mismatch', detail: 'an open-platform push, but the ERP secret holds legacy credentials' };
  if (!/^\d{1,12}$/.test(signed.timestamp)) return { ok: false, reason: 'sign-mismatch', detail: 'timestamp is not epoch seconds' };
  if (Object.values(signed).some((v) => v === '')) return { ok: false, reason: 'sign-mismatch', detail: 'empty fields are never signed' };
  const expected = signOpen(signed, creds.appSecret);
  if (!sameText(signed.app_key ?? '', creds.appKey) || !sameText(sign.toLowerCase(), expected))
    return { ok: false, reason: 'sign-mismatch', detail: 'sign mismatch' };
  return { ok: true, push: { generation: 'open', method: signed.method, tsSeconds: Number(signed.timestamp), sign: expected, payload: signed.biz } };
}

function isForm(push: InboundPush): boolean {
  return !push.contentType || push.contentType.toLowerCase().startsWith('application/x-www-form-urlencoded');
}

/** Constant-time equality (length differences return early: lengths are not secret). */
function sameText(a: string, b: string): boolean {
  const x = Buffer.from(a, 'utf8');
  const y = Buffer.from(b, 'utf8');
  return x.length === y.length && timingSafeEqual(x, y);
}
