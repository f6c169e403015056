import http from 'node:http';
import https from 'node:https';
import axios, { type AxiosInstance } from 'axios';
import type { JstCredentials } from '../config/secret-shapes';
import type { Logger } from '../runtime/ports';
import { fullJitterDelay } from './backoff';
import { describeJstCode, JstApiError } from './jst-errors';
import { RateLimiter, type RateLimit } from './rate-limiter';
import { signLegacy, signOpen } from './signers';

/** Production endpoints (docs/erp-api.md §1.1, §2.1); `baseUrl` overrides them. */
export const PRODUCTION_URLS = {
  legacy: 'https://open.erp321.com/api/open/query.aspx',
  open: 'https://openapi.jushuitan.com',
} as const;

export const DEFAULT_RATE_LIMIT: RateLimit = { perSecond: 5, perMinute: 100 };

export interface OpenPlatformTokens {
  accessToken: string;
  refreshToken: string;
}

export interface TransportOptions {
  credentials: JstCredentials;
  /** Legacy: the full query.aspx URL. Open platform: the base URL. Defaults to production. */
  baseUrl?: string;
  /** Calls per second and per minute (default 5/s, 100/min — docs/erp-api.md §2.7). */
  rateLimit?: RateLimit;
  /** Per-request timeout (default 15 s). */
  timeoutMs?: number;
  /** Retries after the first attempt for retryable failures (default 5). */
  maxRetries?: number;
  /** Backoff base and cap: attempt k waits a random [0, min(cap, base × 2^k)) ms (defaults 500 ms, 20 s). */
  retryBaseMs?: number;
  retryCapMs?: number;
  /** Receives refreshed open-platform tokens (the functions persist them to Secrets Manager). */
  onTokensRefreshed?: (tokens: OpenPlatformTokens) => Promise<void>;
  logger?: Logger;
  /** Injectable for tests of the retry and pacing logic. */
  sleep?: (ms: number) => Promise<void>;
  random?: () => number;
  now?: () => number;
}

/** One ERP call, generation-neutral: `legacyMethod` for the partner API, `openPath` for the open platform. */
export interface JstEndpoint {
  name: string;
  legacyMethod: string;
  openPath: string;
}

export interface TransportStats {
  /** HTTP requests sent (attempts, retries and token refreshes included). */
  calls: number;
  retries: number;
  /** Rate-limit codes received (199/200). A healthy client keeps this at 0. */
  rateLimited: number;
  tokenRefreshes: number;
}

const REFRESH_ENDPOINT: JstEndpoint = { name: 'auth.refreshToken', legacyMethod: 'refresh.token', openPath: '/openWeb/auth/refreshToken' };
const FORM = 'application/x-www-form-urlencoded;charset=UTF-8';

/**
 * Signs, paces, sends and retries ERP calls, and unwraps the envelope of either generation into the
 * payload object (open: `data`; legacy: the top-level fields). Business errors arrive as HTTP 200 with a
 * non-zero code (docs/erp-api.md §2.5) and become JstApiError. Never logs a secret, token, sign or payload.
 */
export class JstTransport {
  readonly generation: 'legacy' | 'open';
  readonly stats: TransportStats = { calls: 0, retries: 0, rateLimited: 0, tokenRefreshes: 0 };
  private credentials: JstCredentials;
  private readonly http: AxiosInstance;
  private readonly limiter: RateLimiter;
  private readonly baseUrl: string;
  private readonly timeoutMs: number;
  private readonly maxRetries: number;
  private readonly retryBaseMs: number;
  private readonly retryCapMs: number;
  private readonly sleep: (ms: number) => Promise<void>;
  private readonly random: () => number;
  private readonly now: () => number;
  private refreshing: Promise<void> | undefined;
  /** Tokens the ERP issued that the port has not yet stored; saving is retried before the next call. */
  private unsavedTokens: OpenPlatformTokens | undefined;

  constructor(private readonly options: TransportOptions) {
    this.credentials = options.credentials;
    this.generation = options.credentials.generation;
    this.baseUrl = (options.baseUrl || PRODUCTION_URLS[this.generation]).replace(/\/+$/, '');
    this.timeoutMs = options.timeoutMs ?? 15_000;
    this.maxRetries = options.maxRetries ?? 5;
    this.retryBaseMs = options.retryBaseMs ?? 500;
    this.retryCapMs = options.retryCapMs ?? 20_000;
    this.sleep = options.sleep ?? ((ms) => new Promise((r) => setTimeout(r, ms)));
    this.random = options.random ?? Math.random;
    this.now = options.now ?? Date.now;
    this.limiter = new RateLimiter(options.rateLimit ?? DEFAULT_RATE_LIMIT, { now: this.now, sleep: this.sleep });
    this.http = axios.create({
      timeout: this.timeoutMs,
      httpAgent: new http.Agent({ keepAlive: true, maxSockets: 64 }),
      httpsAgent: new https.Agent({ keepAlive: true, maxSockets: 64 }),
      responseType: 'text',
      transformResponse: [(data: unknown) => data],
      validateStatus: () => true,
      maxRedirects: 0,
    });
  }

  /** Sends one call and returns the unwrapped payload, retrying what is retryable. */
  async call(endpoint: JstEndpoint, biz: unknown): Promise<Record<string, unknown>> {
    if (this.unsavedTokens) await this.saveTokens(this.unsavedTokens);
    let refreshed = false;
    for (let attempt = 0; ; attempt++) {
      let sentWith: string | undefined;
      const build = () => {
        sentWith = this.accessToken();
        return this.buildRequest(endpoint, biz);
      };
      let failure: JstApiError;
      try {
        return this.unwrap(endpoint, await this.post(endpoint, build));
      } catch (error) {
        if (!(error instanceof JstApiError)) throw error;
        failure = error;
      }
      if (failure.code === 'JST_RATE_LIMITED') this.stats.rateLimited++;
      if (failure.code === 'JST_TOKEN_EXPIRED' && this.credentials.generation === 'open' && !refreshed) {
        // Refresh once, then retry the call (docs/erp-api.md §2.4; S4/S7 refresh on code 100). A call that
        // raced a refresh done for another call just retries with the new token.
        refreshed = true;
        try {
          if (this.accessToken() === sentWith) await this.refreshTokens();
          attempt--;
          continue;
        } catch (error) {
          if (!(error instanceof JstApiError) || !error.retryable) throw error;
          refreshed = false;
          failure = error;
        }
      }
      if (!failure.retryable || attempt >= this.maxRetries) throw failure;
      await this.backOff(endpoint, failure, attempt);
    }
  }

  private async backOff(endpoint: JstEndpoint, failure: JstApiError, attempt: number): Promise<void> {
    const rate = failure.code === 'JST_RATE_LIMITED';
    this.stats.retries++;
    // Rate-limit codes wait at least about a second: the server's window has to move on.
    const delay = fullJitterDelay(attempt, rate ? Math.max(this.retryBaseMs, 1000) : this.retryBaseMs, this.retryCapMs, this.random);
    this.options.logger?.warn('ERP call failed; retrying', { endpoint: endpoint.name, code: failure.code, jstCode: failure.jstCode, attempt: attempt + 1, delayMs: delay });
    await this.sleep(delay);
  }

  private accessToken(): string | undefined {
    return this.credentials.generation === 'open' ? this.credentials.accessToken : undefined;
  }

  private buildRequest(endpoint: JstEndpoint, biz: unknown): { url: string; body: string; contentType: string } {
    // Called after the rate limiter lets the call go, so `ts`/`timestamp` is the moment of sending.
    const ts = Math.floor(this.now() / 1000);
    const creds = this.credentials;
    if (creds.generation === 'legacy') {
      // docs/erp-api.md §1.2–1.3: system parameters in the query string, raw JSON body, body not signed.
      const sign = signLegacy({ method: endpoint.legacyMethod, partnerId: creds.partnerId, token: creds.token, ts, partnerKey: creds.partnerKey });
      const query = new URLSearchParams({ method: endpoint.legacyMethod, partnerid: creds.partnerId, token: creds.token, ts: String(ts), sign });
      return { url: `${this.baseUrl}?${query.toString()}`, body: JSON.stringify(biz ?? {}), contentType: 'application/json; charset=utf-8' };
    }
    // docs/erp-api.md §2.2–2.3: everything in the form body; `biz` is signed as the exact string sent.
    const params: Record<string, string> = {
      access_token: creds.accessToken,
      app_key: creds.appKey,
      biz: JSON.stringify(biz ?? {}),
      charset: 'utf-8',
      timestamp: String(ts),
      version: '2',
    };
    params.sign = signOpen(params, creds.appSecret);
    return { url: `${this.baseUrl}${endpoint.openPath}`, body: new URLSearchParams(params).toString(), contentType: FORM };
  }

  /** One paced HTTP round trip; returns the parsed JSON reply or throws a classified JstApiError. */
  private async post(endpoint: JstEndpoint, build: () => { url: string; body: string; contentType: string }): Promise<unknown> {
    const release = await this.limiter.acquire();
    this.stats.calls++;
    let response;
    try {
      const request = build();
      response = await this.http.post<string>(request.url, request.body, { headers: { 'content-type': request.contentType } });
    } catch (error) {
      // The axios error carries the request (URL with the legacy token and sign, form body with the
      // access token): keep only its code and message.
      const { code, message } = error as { code?: string; message?: string };
      const timedOut = code === 'ECONNABORTED' || code === 'ETIMEDOUT';
      const reason = timedOut ? `no reply within ${this.timeoutMs} ms` : `network error ${code ?? ''} ${message ?? ''}`.trim();
      throw new JstApiError({ code: 'JST_NETWORK', message: `ERP ${endpoint.name}: ${reason}`, endpoint: endpoint.name, retryable: true, cause: new Error(`${code ?? 'error'}: ${message ?? ''}`) });
    } finally {
      release();
    }
    const status = response.status;
    if (status >= 500) {
      throw new JstApiError({ code: 'JST_HTTP_5XX', message: `ERP ${endpoint.name}: HTTP ${status} (ERP unavailable)`, endpoint: endpoint.name, httpStatus: status, retryable: true });
    }
    if (status === 429) {
      throw new JstApiError({ code: 'JST_RATE_LIMITED', message: `ERP ${endpoint.name}: HTTP 429 (too many calls)`, endpoint: endpoint.name, httpStatus: status, retryable: true });
    }
    if (status >= 300) {
      throw new JstApiError({ code: 'JST_HTTP_STATUS', message: `ERP ${endpoint.name}: HTTP ${status}; check JST_BASE_URL`, endpoint: endpoint.name, httpStatus: status, retryable: false });
    }
    const body = typeof response.data === 'string' ? response.data : String(response.data ?? '');
    try {
      return JSON.parse(body) as unknown;
    } catch {
      // Gateways and maintenance pages answer with HTML and HTTP 200: transient.
      const kind = /^\s*</.test(body) ? 'an HTML page' : body.trim() === '' ? 'empty' : 'not JSON';
      throw new JstApiError({ code: 'JST_NOT_JSON', message: `ERP ${endpoint.name}: HTTP ${status} reply is ${kind}`, endpoint: endpoint.name, httpStatus: status, retryable: true });
    }
  }

  private unwrap(endpoint: JstEndpoint, parsed: unknown): Record<string, unknown> {
    if (typeof parsed !== 'object' || parsed === null || Array.isArray(parsed)) {
      throw new JstApiError({ code: 'JST_REPLY_INVALID', message: `ERP ${endpoint.name}: reply is not a JSON object`, endpoint: endpoint.name, retryable: false });
    }
    const envelope = parsed as Record<string, unknown>;
    const code = typeof envelope.code === 'number' ? envelope.code : typeof envelope.code === 'string' && envelope.code.trim() !== '' ? Number(envelope.code) : Number.NaN;
    if (!Number.isInteger(code)) {
      throw new JstApiError({ code: 'JST_REPLY_INVALID', message: `ERP ${endpoint.name}: reply has no numeric code`, endpoint: endpoint.name, retryable: false });
    }
    if (code !== 0) throw this.errorFor(endpoint, code, envelope.msg);
    if (this.generation === 'open') {
      const data = envelope.data;
      if (data === null || data === undefined) return {};
      // Cancel answers with a plain string (docs/erp-api.md §3d).
      if (typeof data === 'string') return { message: data };
      if (typeof data !== 'object' || Array.isArray(data)) {
        throw new JstApiError({ code: 'JST_REPLY_INVALID', message: `ERP ${endpoint.name}: reply data is not an object`, endpoint: endpoint.name, retryable: false });
      }
      return data as Record<string, unknown>;
    }
    // Legacy: flat envelope (docs/erp-api.md §1.4). code 0 with issuccess false is not documented; treat it
    // as an internal error, which is retried.
    if (envelope.issuccess === false) throw this.errorFor(endpoint, 150, envelope.msg);
    return envelope;
  }

  private errorFor(endpoint: JstEndpoint, jstCode: number, msg: unknown): JstApiError {
    const { meaning, retryable, kind } = describeJstCode(this.generation, jstCode);
    const expired = (this.generation === 'open' && jstCode === 100) || (this.generation === 'legacy' && jstCode === 170);
    const code = expired ? 'JST_TOKEN_EXPIRED' : kind === 'rate' ? 'JST_RATE_LIMITED' : kind === 'auth' ? 'JST_AUTH' : kind === 'transient' ? 'JST_INTERNAL' : 'JST_REJECTED';
    const text = typeof msg === 'string' && msg ? `: ${msg.slice(0, 200)}` : '';
    return new JstApiError({ code, message: `ERP ${endpoint.name} failed with code ${jstCode} (${meaning})${text}`, endpoint: endpoint.name, jstCode, retryable });
  }

  /** Refreshes the open-platform access token once, however many calls ask at the same time. */
  private refreshTokens(): Promise<void> {
    this.refreshing ??= this.doRefresh().finally(() => {
      this.refreshing = undefined;
    });
    return this.refreshing;
  }

  private async doRefresh(): Promise<void> {
    const creds = this.credentials;
    if (creds.generation !== 'open') return;
    // docs/erp-api.md §2.4: form POST without access_token/version/biz, signed by the same rule.
    const build = () => {
      const params: Record<string, string> = {
        app_key: creds.appKey,
        charset: 'utf-8',
        grant_type: 'refresh_token',
        refresh_token: creds.refreshToken,
        scope: 'all',
        timestamp: String(Math.floor(this.now() / 1000)),
      };
      params.sign = signOpen(params, creds.appSecret);
      return { url: `${this.baseUrl}${REFRESH_ENDPOINT.openPath}`, body: new URLSearchParams(params).toString(), contentType: FORM };
    };
    let data: Record<string, unknown>;
    try {
      data = this.unwrap(REFRESH_ENDPOINT, await this.post(REFRESH_ENDPOINT, build));
    } catch (error) {
      if (error instanceof JstApiError && !error.retryable) {
        throw new JstApiError({
          code: 'JST_AUTH',
          message: `ERP access token expired and the refresh failed (${error.message}). Re-authorise the app and put new tokens in the ERP secret`,
          endpoint: REFRESH_ENDPOINT.name,
          jstCode: error.jstCode,
          retryable: false,
        });
      }
      throw error;
    }
    const accessToken = data.access_token;
    const refreshToken = data.refresh_token;
    if (typeof accessToken !== 'string' || !accessToken || typeof refreshToken !== 'string' || !refreshToken) {
      throw new JstApiError({ code: 'JST_REPLY_INVALID', message: 'ERP token refresh: reply lacks access_token or refresh_token', endpoint: REFRESH_ENDPOINT.name, retryable: false });
    }
    this.credentials = { ...creds, accessToken, refreshToken };
    this.stats.tokenRefreshes++;
    this.options.logger?.info('ERP access token refreshed', { expiresInSeconds: typeof data.expires_in === 'number' ? data.expires_in : undefined });
    await this.saveTokens({ accessToken, refreshToken });
  }

  /**
   * Hands refreshed tokens to the port. If that fails, the ERP secret still holds tokens the ERP may
   * no longer accept: the call fails loudly, and the save is retried before the next call.
   */
  private async saveTokens(tokens: OpenPlatformTokens): Promise<void> {
    if (!this.options.onTokensRefreshed) return;
    this.unsavedTokens = tokens;
    try {
      await this.options.onTokensRefreshed(tokens);
      this.unsavedTokens = undefined;
    } catch (error) {
      this.options.logger?.error('refreshed ERP tokens could not be saved', { reason: error instanceof Error ? error.message : String(error) });
      throw new JstApiError({
        code: 'JST_TOKEN_SAVE_FAILED',
        message: 'ERP tokens were refreshed but could not be saved to the ERP secret; the next cold start may fail authentication until they are saved',
        endpoint: REFRESH_ENDPOINT.name,
        retryable: false,
        cause: error,
      });
    }
  }
}
