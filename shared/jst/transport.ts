import http from 'node:http';
import https from 'node:https';
import axios, { type AxiosInstance } from 'axios';
import { resolveJstBaseUrl } from '../config/jst-base-url';
import type { JstCredentials } from '../config/secret-shapes';
import type { Logger } from '../domain/ports';
import type { ErpHttpRequest, ErpProtocol, JstEndpoint } from './erp-protocol';
import { JstApiError } from './jst-errors';
import { LegacyProtocol } from './legacy-protocol';
import { LegacyTokenKeeper } from './legacy-token-keeper';
import { OPEN_TOKEN_ENDPOINTS, OpenProtocol } from './open-protocol';
import { OpenTokenKeeper } from './open-token-keeper';
import { RateLimiter, type RateLimit } from './rate-limiter';
import { RetryPolicy } from './retry-policy';
import { memoryTokenStore, type ErpTokenStore, type TokenKeeper, type TokenTiming } from './token-keeper';

export const DEFAULT_RATE_LIMIT: RateLimit = { perSecond: 5, perMinute: 100 };

export interface TransportOptions {
  credentials: JstCredentials;
  /** JST_BASE_URL (config/jst-base-url.ts): legacy host or query URL, open base. Defaults to production. */
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
  /** Where the credentials live and renewed tokens go (the ERP secret); default: in memory only. */
  tokenStore?: ErpTokenStore;
  tokenTiming?: TokenTiming;
  logger?: Logger;
  /** Injectable for tests of the retry and pacing logic. */
  sleep?: (ms: number) => Promise<void>;
  random?: () => number;
  now?: () => number;
}

export interface TransportStats {
  /** HTTP requests sent (attempts, retries and token calls included). */
  calls: number;
  retries: number;
  /** Rate-limit codes received (199/200). A healthy client keeps this at 0. */
  rateLimited: number;
  /** Token calls that succeeded (refresh, getInitToken, legacy refresh.token). */
  tokenRefreshes: number;
}

/**
 * Sends ERP calls: paces them (rate limiter), builds and signs them and unwraps the reply with the
 * generation's protocol, retries what is retryable (retry policy), and lets the token keeper renew
 * the credentials on "token expired". Business errors arrive as HTTP 200 with a non-zero code
 * (docs/erp-api.md §2.5). Never logs a secret, token, sign or payload.
 */
export class JstTransport {
  readonly generation: 'legacy' | 'open';
  readonly stats: TransportStats = { calls: 0, retries: 0, rateLimited: 0, tokenRefreshes: 0 };
  private readonly protocol: ErpProtocol;
  private readonly keeper: TokenKeeper;
  private readonly http: AxiosInstance;
  private readonly limiter: RateLimiter;
  private readonly retry: RetryPolicy;
  private readonly timeoutMs: number;
  private readonly now: () => number;

  constructor(private readonly options: TransportOptions) {
    const creds = options.credentials;
    this.generation = creds.generation;
    this.timeoutMs = options.timeoutMs ?? 15_000;
    this.now = options.now ?? Date.now;
    this.retry = new RetryPolicy({
      maxRetries: options.maxRetries,
      baseMs: options.retryBaseMs,
      capMs: options.retryCapMs,
      sleep: options.sleep,
      random: options.random,
    });
    this.limiter = new RateLimiter(options.rateLimit ?? DEFAULT_RATE_LIMIT, { now: this.now, sleep: this.retry.sleep });
    this.http = axios.create({
      timeout: this.timeoutMs,
      httpAgent: new http.Agent({ keepAlive: true, maxSockets: 64 }),
      httpsAgent: new https.Agent({ keepAlive: true, maxSockets: 64 }),
      responseType: 'text',
      transformResponse: [(data: unknown) => data],
      validateStatus: () => true,
      maxRedirects: 0,
    });
    const url = resolveJstBaseUrl(options.baseUrl, creds.generation);
    const ctx = {
      send: (endpoint: JstEndpoint, build: (ts: number) => ErpHttpRequest) => this.send(endpoint, build),
      store: options.tokenStore ?? memoryTokenStore(creds),
      stats: this.stats,
      retry: this.retry,
      now: this.now,
      logger: options.logger,
      timing: options.tokenTiming,
    };
    if (creds.generation === 'legacy') {
      const protocol = new LegacyProtocol(url);
      this.protocol = protocol;
      this.keeper = new LegacyTokenKeeper(creds, protocol, ctx);
    } else {
      const protocol = new OpenProtocol(url);
      this.protocol = protocol;
      this.keeper = new OpenTokenKeeper(creds, protocol, ctx);
    }
  }

  /**
   * Sends one call and returns the unwrapped payload — or what `parse` makes of it — retrying what is
   * retryable: a retryable JstApiError thrown by `parse` (a malformed reply) is retried like a 5xx.
   */
  async call(endpoint: JstEndpoint, biz: unknown): Promise<Record<string, unknown>>;
  async call<T>(endpoint: JstEndpoint, biz: unknown, parse: (payload: Record<string, unknown>) => T): Promise<T>;
  async call<T>(endpoint: JstEndpoint, biz: unknown, parse?: (payload: Record<string, unknown>) => T): Promise<T | Record<string, unknown>> {
    await this.keeper.beforeCall();
    return this.retry.run(
      async () => {
        const payload = await this.callWithToken(endpoint, biz);
        return parse ? parse(payload) : payload;
      },
      (error) => {
        const rate = error instanceof JstApiError && error.code === 'JST_RATE_LIMITED';
        // Rate-limit codes wait at least about a second: the server's window has to move on.
        return { retryable: error instanceof JstApiError && error.retryable, minBaseMs: rate ? 1000 : 0 };
      },
      (error, attempt, delayMs) => {
        const failure = error as JstApiError;
        this.stats.retries++;
        this.options.logger?.warn('ERP call failed; retrying', {
          endpoint: endpoint.name,
          code: failure.code,
          jstCode: failure.jstCode,
          attempt: attempt + 1,
          delayMs,
        });
      },
    );
  }

  private async callWithToken(endpoint: JstEndpoint, biz: unknown): Promise<Record<string, unknown>> {
    for (let recoveries = 0; ; recoveries++) {
      const used = this.keeper.credentials();
      try {
        return await this.send(endpoint, (ts) => this.protocol.buildCall(endpoint, biz, used, ts));
      } catch (error) {
        if (!(error instanceof JstApiError) || error.code !== 'JST_TOKEN_EXPIRED') throw error;
        if (recoveries >= this.keeper.maxRecoveries) throw this.keeper.refusedAfterRecovery(error);
        // docs/erp-api.md §1.6, §2.4: renew (or adopt what another function stored), then retry.
        await this.keeper.recover(used, error);
      }
    }
  }

  /**
   * getInitToken (docs/erp-api.md §2.4, self-developed open-platform apps): a new token pair from the app
   * key and secret alone, returned as the ERP sent it and stored nowhere (`ops connect` writes it into the
   * secret after checking it). Transient failures are retried; a refusal is a JstApiError.
   */
  async initialTokenPair(): Promise<Record<string, unknown>> {
    const creds = this.options.credentials;
    if (creds.generation !== 'open' || !(this.protocol instanceof OpenProtocol)) throw new Error('getInitToken exists on the open platform only');
    const protocol = this.protocol;
    const data = await this.retry.run(
      () => this.send(OPEN_TOKEN_ENDPOINTS.init, (ts) => protocol.buildTokenCall('init', creds, ts)),
      (error) => ({ retryable: error instanceof JstApiError && error.retryable && error.jstCode !== 150, minBaseMs: 0 }),
    );
    this.stats.tokenRefreshes++;
    return data;
  }

  /** One paced HTTP round trip, unwrapped; a failure is a classified JstApiError. */
  private async send(endpoint: JstEndpoint, build: (tsSeconds: number) => ErpHttpRequest): Promise<Record<string, unknown>> {
    const release = await this.limiter.acquire();
    this.stats.calls++;
    let response;
    try {
      // Built after the limiter lets the call go, so `ts`/`timestamp` is the moment of sending.
      const request = build(Math.floor(this.now() / 1000));
      response = await this.http.post<string>(request.url, request.body, { headers: { 'content-type': request.contentType } });
    } catch (error) {
      // The axios error carries the request (URL with the legacy token and sign, form body with the
      // access token): keep only its code and message.
      const { code, message } = error as { code?: string; message?: string };
      const timedOut = code === 'ECONNABORTED' || code === 'ETIMEDOUT';
      const reason = timedOut ? `no reply within ${this.timeoutMs} ms` : `network error ${code ?? ''} ${message ?? ''}`.trim();
      throw new JstApiError({
        code: 'JST_NETWORK',
        message: `ERP ${endpoint.name}: ${reason}`,
        endpoint: endpoint.name,
        retryable: true,
        cause: new Error(`${code ?? 'error'}: ${message ?? ''}`),
      });
    } finally {
      release();
    }
    const status = response.status;
    const fail = (code: string, why: string, retryable: boolean) =>
      new JstApiError({ code, message: `ERP ${endpoint.name}: HTTP ${status} ${why}`, endpoint: endpoint.name, httpStatus: status, retryable });
    if (status >= 500) throw fail('JST_HTTP_5XX', '(ERP unavailable)', true);
    if (status === 429) throw fail('JST_RATE_LIMITED', '(too many calls)', true);
    if (status >= 300) throw fail('JST_HTTP_STATUS', '; check JST_BASE_URL', false);
    const body = typeof response.data === 'string' ? response.data : String(response.data ?? '');
    let parsed: unknown;
    try {
      parsed = JSON.parse(body) as unknown;
    } catch {
      // Gateways and maintenance pages answer with HTML and HTTP 200: transient.
      const kind = /^\s*</.test(body) ? 'an HTML page' : body.trim() === '' ? 'empty' : 'not JSON';
      throw fail('JST_NOT_JSON', `reply is ${kind}`, true);
    }
    try {
      return this.protocol.unwrap(endpoint, parsed);
    } catch (error) {
      if (error instanceof JstApiError && error.code === 'JST_RATE_LIMITED') this.stats.rateLimited++;
      if (error instanceof JstApiError && error.code === 'JST_RATE_LIMITED') this.limiter.noteRateLimited();
      throw error;
    }
  }
}
