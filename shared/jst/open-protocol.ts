import { randomBytes } from 'node:crypto';
import type { JstCredentials, OpenJstCredentials } from '../config/secret-shapes';
import { JstApiError } from './jst-errors';
import { codeError, readEnvelope, type ErpHttpRequest, type ErpProtocol, type JstEndpoint } from './erp-protocol';
import { signOpen } from './signers';

const FORM = 'application/x-www-form-urlencoded;charset=UTF-8';

/** The two token calls of the open platform (docs/erp-api.md §2.4). */
export const OPEN_TOKEN_ENDPOINTS = {
  refresh: { name: 'auth.refreshToken', legacyMethod: '', openPath: '/openWeb/auth/refreshToken' },
  init: { name: 'auth.getInitToken', legacyMethod: '', openPath: '/openWeb/auth/getInitToken' },
} as const satisfies Record<string, JstEndpoint>;

/**
 * The open platform (docs/erp-api.md §2): one path per API under the base, every parameter in the
 * signed form body, replies `{ code, msg, data }`.
 */
export class OpenProtocol implements ErpProtocol {
  readonly generation = 'open' as const;

  /** `baseUrl`: without a trailing slash (config/jst-base-url.ts resolves it). */
  constructor(private readonly baseUrl: string) {}

  buildCall(endpoint: JstEndpoint, biz: unknown, credentials: JstCredentials, tsSeconds: number): ErpHttpRequest {
    const creds = openCredentials(credentials);
    // §2.2–2.3: everything in the form body; `biz` is signed as the exact string sent.
    return this.form(
      endpoint,
      {
        access_token: creds.accessToken,
        app_key: creds.appKey,
        biz: JSON.stringify(biz ?? {}),
        charset: 'utf-8',
        timestamp: String(tsSeconds),
        version: '2',
      },
      creds.appSecret,
    );
  }

  /**
   * A token call (§2.4): a form POST without access_token/version/biz, signed by the same rule.
   * `refresh` spends the refresh token; `init` (self-developed apps only) takes a made-up 6-character code.
   */
  buildTokenCall(kind: keyof typeof OPEN_TOKEN_ENDPOINTS, credentials: OpenJstCredentials, tsSeconds: number): ErpHttpRequest {
    const common = { app_key: credentials.appKey, charset: 'utf-8', timestamp: String(tsSeconds) };
    const params: Record<string, string> =
      kind === 'refresh'
        ? { ...common, grant_type: 'refresh_token', refresh_token: credentials.refreshToken, scope: 'all' }
        : { ...common, grant_type: 'authorization_code', code: randomBytes(3).toString('hex') };
    return this.form(OPEN_TOKEN_ENDPOINTS[kind], params, credentials.appSecret);
  }

  unwrap(endpoint: JstEndpoint, parsed: unknown): Record<string, unknown> {
    const { envelope, code } = readEnvelope(endpoint, parsed);
    if (code !== 0) throw codeError('open', endpoint, code, envelope.msg);
    const data = envelope.data;
    if (data === null || data === undefined) return {};
    // Cancel answers with a plain string (§3d).
    if (typeof data === 'string') return { message: data };
    if (typeof data !== 'object' || Array.isArray(data)) {
      throw new JstApiError({
        code: 'JST_REPLY_INVALID',
        message: `ERP ${endpoint.name}: reply data is not an object`,
        endpoint: endpoint.name,
        retryable: false,
      });
    }
    return data as Record<string, unknown>;
  }

  private form(endpoint: JstEndpoint, params: Record<string, string>, appSecret: string): ErpHttpRequest {
    const signed = { ...params, sign: signOpen(params, appSecret) };
    return { url: `${this.baseUrl}${endpoint.openPath}`, body: new URLSearchParams(signed).toString(), contentType: FORM };
  }
}

function openCredentials(credentials: JstCredentials): OpenJstCredentials {
  if (credentials.generation !== 'open') throw new Error('open-platform protocol used with legacy credentials');
  return credentials;
}
