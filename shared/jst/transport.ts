import http from 'node:http';
import https from 'node:https';
import axios, { type AxiosInstance } from 'axios';
import type { JstCredentials } from '../config/secret-shapes';
import type { Logger } from '../runtime/ports';
import { fullJitterDelay } from './backoff';
import { describeJstCode, JstApiError } from './jst-errors';
import { RateLimiter, type RateLimit } from './rate-limiter';
import { signLegacy, signOpen } from './signers';

export const PRODUCTION_URLS = {
  legacy: 'https://open.erp321.com/api/open/query.aspx',
  open: 'https://openapi.jushuitan.com',
} as const;

export interface OpenPlatformTokens {
  accessToken: string;
  refreshToken: string;
}

export interface TransportOptions {
  credentials: JstCredentials;
  /** Legacy: the full query.aspx URL. Open platform: the base URL. Defaults to production. */
  baseUrl?: string;
  rateLimit?: RateLimit;
  timeoutMs?: number;
  /** Retries after the first attempt for retryable failures. */
  maxRetries?: number;
  retryBaseMs?: number;
  retryCapMs?: number;
  /** Receives refreshed open-platform tokens (the functions persist them to Secrets Manager). */
  onTokensRefreshed?: (tokens: OpenPlatformTokens) => Promise<void>;
  logger?: Logger;
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
  calls: number;
  retries: number;
  rateLimited: number;
}

/**
 * Signs, paces, sends and retries ERP calls, and unwraps the envelope of either generation into the
 * payload object (open: `data`; legacy: the top-level fields). Business errors arrive as HTTP 200 with a
 * non-zero code (jst-api.md §2.5) and become JstApiError.
 */
export class JstTransport {
  readonly generation: 'legacy' | 'open';
  readonly stats: TransportStats = { calls: 0, retries: 0, rateLimited: 0 };
  private credentials: JstCredentials;
  private readonly http: AxiosInstance;
  private readonly limiter: RateLimiter;
  private readonly baseUrl: string;
  private readonly maxRetries: number;
  private readonly retryBaseMs: number;
  private readonly retryCapMs: number;
  private readonly sleep: (ms: number) => Promise<void>;
  private readonly random: () => number;
  private readonly now: () => number;
  private refreshing: Promise<void> | undefined;

  constructor(private readonly options: TransportOptions) {
    this.credentials = options.credentials;
    this.generation = options.credentials.generation;
    this.baseUrl = (options.baseUrl || PRODUCTION_URLS[this.generation]).replace(/\/+$/, '');
    this.maxRetries = options.maxRetries ?? 5;
    this.retryBaseMs = options.retryBaseMs ?? 500;
    this.retryCapMs = options.retryCapMs ?? 20_000;
    this.sleep = options.sleep ?? ((ms) => new Promise((r) => setTimeout(r, ms)));
    this.random = options.random ?? Math.random;
    this.now = options.now ?? Date.now;
    this.limiter = new RateLimiter(options.rateLimit ?? { perSecond: 5, perMinute: 100 }, { now: this.now, sleep: this.sleep });
    this.http = axios.create({
      timeout: options.timeoutMs ?? 15_000,
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
    let refreshed = false;
    for (let attempt = 0; ; attempt++) {
      try {
        return await this.attempt(endpoint, biz);
      } catch (error) {
        if (!(error instanceof JstApiError)) throw error;
        if (error.code === 'JST_TOKEN_EXPIRED' && this.credentials.generation === 'open' && !refreshed) {
          refreshed = true;
          await this.refreshTokens();
          attempt--;
          continue;
        }
        if (!error.retryable || attempt >= this.maxRetries) throw error;
        const rate = error.code === 'JST_RATE_LIMITED';
        if (rate) this.stats.rateLimited++;
        this.stats.retries++;
        const delay = fullJitterDelay(attempt, rate ? Math.max(this.retryBaseMs, 1000) : this.retryBaseMs, this.retryCapMs, this.random);
        this.options.logger?.warn('ERP call failed; retrying', { endpoint: endpoint.name, code: error.code, jstCode: error.jstCode, attempt: attempt + 1, delayMs: delay });
        await this.sleep(delay);
      }
    }
  }

  private async attempt(endpoint: JstEndpoint, biz: unknown): Promise<Record<string, unknown>> {
    await this.limiter.acquire();
    this.stats.calls++;
    const request = this.buildRequest(endpoint, biz);
    let response;
    try {
      response = await this.http.post<string>(request.url, request.body, { headers: request.headers });
    } catch (error) {
      const reason = (error as { code?: string }).code ?? (error as Error).message;
      throw new JstApiError({ code: 'JST_NETWORK', message: `ERP ${endpoint.name}: network error (${reason})`, endpoint: endpoint.name, retryable: true, cause: error });
    }
    if (response.status >= 500) {
      throw new JstApiError({ code: 'JST_HTTP_5XX', message: `ERP ${endpoint.name}: HTTP ${response.status}`, endpoint: endpoint.name, httpStatus: response.status, retryable: true });
    }
    const body = typeof response.data === 'string' ? response.data : String(response.data ?? '');
    let parsed: unknown;
    try {
      parsed = JSON.parse(body);
    } catch {
      const looksHtml = /^\s*</.test(body);
      throw new JstApiError({
        code: 'JST_NOT_JSON',
        message: `ERP ${endpoint.name}: HTTP ${response.status} reply is ${looksHtml ? 'an HTML page' : 'not JSON'}`,
        endpoint: endpoint.name,
        httpStatus: response.status,
        retryable: true,
      });
    }
    if (response.status >= 400) {
      throw new JstApiError({ code: 'JST_HTTP_4XX', message: `ERP ${endpoint.name}: HTTP ${response.status}`, endpoint: endpoint.name, httpStatus: response.status, retryable: false });
    }
    return this.unwrap(endpoint, parsed);
  }

  private buildRequest(endpoint: JstEndpoint, biz: unknown): { url: string; body: string; headers: Record<string, string> } {
    const ts = Math.floor(this.now() / 1000);
    const creds = this.credentials;
    if (creds.generation === 'legacy') {
      const sign = signLegacy({ method: endpoint.legacyMethod, partnerId: creds.partnerId, token: creds.token, ts, partnerKey: creds.partnerKey });
      const query = new URLSearchParams({ method: endpoint.legacyMethod, partnerid: creds.partnerId, token: creds.token, ts: String(ts), sign });
      return { url: `${this.baseUrl}?${query.toString()}`, body: JSON.stringify(biz ?? {}), headers: { 'content-type': 'application/json; charset=utf-8' } };
    }
    const params: Record<string, string> = {
      access_token: creds.accessToken,
      app_key: creds.appKey,
      biz: JSON.stringify(biz ?? {}),
      charset: 'utf-8',
      timestamp: String(ts),
      version: '2',
    };
    params.sign = signOpen(params, creds.appSecret);
    return {
      url: `${this.baseUrl}${endpoint.openPath}`,
      body: new URLSearchParams(params).toString(),
      headers: { 'content-type': 'application/x-www-form-urlencoded;charset=UTF-8' },
    };
  }

  private unwrap(endpoint: JstEndpoint, parsed: unknown): Record<string, unknown> {
    if (typeof parsed !== 'object' || parsed === null || Array.isArray(parsed)) {
      throw new JstApiError({ code: 'JST_REPLY_INVALID', message: `ERP ${endpoint.name}: reply is not a JSON object`, endpoint: endpoint.name, retryable: false });
    }
    const envelope = parsed as Record<string, unknown>;
    const code = typeof envelope.code === 'number' ? envelope.code : Number(envelope.code);
    if (!Number.isInteger(code)) {
      throw new JstApiError({ code: 'JST_REPLY_INVALID', message: `ERP ${endpoint.name}: reply has no numeric code`, endpoint: endpoint.name, retryable: false });
    }
    if (code !== 0) throw this.errorFor(endpoint, code, envelope.msg);
    if (this.generation === 'open') {
      const data = envelope.data;
      if (data === null || data === undefined) return {};
      if (typeof data === 'string') return { message: data };
      if (typeof data !== 'object' || Array.isArray(data)) {
        throw new JstApiError({ code: 'JST_REPLY_INVALID', message: `ERP ${endpoint.name}: reply data is not an object`, endpoint: endpoint.name, retryable: false });
      }
      return data as Record<string, unknown>;
    }
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
    const endpoint = { name: 'refreshToken', legacyMethod: 'refresh.token', openPath: '/openWeb/auth/refreshToken' };
    const params: Record<string, string> = {
      app_key: creds.appKey,
      charset: 'utf-8',
      grant_type: 'refresh_token',
      refresh_token: creds.refreshToken,
      scope: 'all',
      timestamp: String(Math.floor(this.now() / 1000)),
    };
    params.sign = signOpen(params, creds.appSecret);
    await this.limiter.acquire();
    this.stats.calls++;
    const response = await this.http
      .post<string>(`${this.baseUrl}${endpoint.openPath}`, new URLSearchParams(params).toString(), {
        headers: { 'content-type': 'application/x-www-form-urlencoded;charset=UTF-8' },
      })
      .catch((error: unknown) => {
        throw new JstApiError({ code: 'JST_NETWORK', message: `ERP token refresh: network error (${(error as Error).message})`, endpoint: endpoint.name, retryable: true, cause: error });
      });
    let data: Record<string, unknown>;
    try {
      data = this.unwrap(endpoint, JSON.parse(String(response.data)));
    } catch (error) {
      if (error instanceof JstApiError) {
        throw new JstApiError({ code: 'JST_AUTH', message: `ERP token refresh failed: ${error.message}. Re-authorise the app and update the ERP secret`, endpoint: endpoint.name, jstCode: error.jstCode, retryable: false });
      }
      throw new JstApiError({ code: 'JST_REPLY_INVALID', message: 'ERP token refresh: reply is not JSON', endpoint: endpoint.name, retryable: false });
    }
    const accessToken = data.access_token;
    const refreshToken = data.refresh_token;
    if (typeof accessToken !== 'string' || !accessToken || typeof refreshToken !== 'string' || !refreshToken) {
      throw new JstApiError({ code: 'JST_REPLY_INVALID', message: 'ERP token refresh: reply lacks access_token or refresh_token', endpoint: endpoint.name, retryable: false });
    }
    this.credentials = { ...creds, accessToken, refreshToken };
    this.options.logger?.info('ERP access token refreshed');
    await this.options.onTokensRefreshed?.({ accessToken, refreshToken });
  }
}
