import type { JstCredentials, LegacyJstCredentials } from '../config/secret-shapes';
import { codeError, readEnvelope, type ErpHttpRequest, type ErpProtocol, type JstEndpoint } from './erp-protocol';
import { signLegacy } from './signers';

/**
 * The legacy partner API (docs/erp-api.md §1): one URL for every method, system parameters in the
 * query string, the raw JSON body unsigned, a flat reply envelope with `issuccess`.
 */
export class LegacyProtocol implements ErpProtocol {
  readonly generation = 'legacy' as const;

  /** `queryUrl`: the full …/api/open/query.aspx URL (config/jst-base-url.ts resolves it). */
  constructor(private readonly queryUrl: string) {}

  buildCall(endpoint: JstEndpoint, biz: unknown, credentials: JstCredentials, tsSeconds: number): ErpHttpRequest {
    const creds = legacyCredentials(credentials);
    // §1.2–1.3: method, partnerid, token, ts and sign in the query string; the body is not signed.
    const sign = signLegacy({ method: endpoint.legacyMethod, partnerId: creds.partnerId, token: creds.token, ts: tsSeconds, partnerKey: creds.partnerKey });
    const query = new URLSearchParams({ method: endpoint.legacyMethod, partnerid: creds.partnerId, token: creds.token, ts: String(tsSeconds), sign });
    return { url: `${this.queryUrl}?${query.toString()}`, body: JSON.stringify(biz ?? {}), contentType: 'application/json; charset=utf-8' };
  }

  unwrap(endpoint: JstEndpoint, parsed: unknown): Record<string, unknown> {
    const { envelope, code } = readEnvelope(endpoint, parsed);
    if (code !== 0) throw codeError('legacy', endpoint, code, envelope.msg);
    // §1.4: the payload fields are at the top level. Code 0 with issuccess false is not documented;
    // it is treated as an internal error, which is retried.
    if (envelope.issuccess === false) throw codeError('legacy', endpoint, 150, envelope.msg);
    return envelope;
  }
}

function legacyCredentials(credentials: JstCredentials): LegacyJstCredentials {
  if (credentials.generation !== 'legacy') throw new Error('legacy protocol used with open-platform credentials');
  return credentials;
}
