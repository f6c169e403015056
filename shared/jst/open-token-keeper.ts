/**
 * The open platform's token keeper (docs/erp-api.md §2.4). Evidence levels: refresh and getInitToken
 * calls [C2]; refresh returns a new refresh token [C2]; lifetimes, whether a refresh token can be
 * spent twice and whether the old access token survives a refresh are [U].
 *
 * Chosen behaviour, safe under the [U] facts:
 * - The ERP secret is the one source of truth, shared by the three functions. On "token expired" the
 *   keeper first re-reads it: when another function already refreshed, its tokens are adopted.
 * - Otherwise it spends the stored refresh token and writes the new pair back conditionally (on the
 *   version it read: Secrets Manager version stages). When another writer got there first, the
 *   stored pair wins and ours is dropped: every function converges on the secret's pair, and a pair
 *   that no longer works is replaced by the next function that finds it refused.
 * - A lost refresh reply (timeout, dropped connection): the ERP may have spent the refresh token and
 *   issued a pair nobody received. The keeper re-reads and retries; if the refresh token is now
 *   refused, it watches the secret for `settleMs` (a concurrent refresher may be writing), then asks
 *   for a fresh pair with getInitToken, which self-developed apps (自研应用) may call at any time
 *   with a made-up code (§2.4, [C2]). It never relies on the old access token staying valid (the
 *   sandbox models it invalidated at once, the conservative case).
 * - Refusals only a person can fix (getInitToken refused too — a third-party app, which may not
 *   refresh since 2023 [C1] —, a wrong appSecret) are one run failure saying what to do, never a loop.
 * - Proactive: with `expiresAt` stored, the pair is renewed `refreshMarginMs` before it expires.
 *
 * (Just over 200 lines: this header is the reasoning for the recovery steps below, and the steps are one
 * sequence — re-read, refresh, settle, getInitToken — that reads worse split across files.)
 */
import type { JstCredentials, OpenJstCredentials } from '../config/secret-shapes';
import { JstApiError } from './jst-errors';
import { OPEN_TOKEN_ENDPOINTS, type OpenProtocol } from './open-protocol';
import type { StoredErpCredentials, TokenKeeper, TokenKeeperContext } from './token-keeper';

type OpenCredentials = { generation: 'open' } & OpenJstCredentials;
interface OpenStored extends StoredErpCredentials {
  credentials: OpenCredentials;
}
const HOUR = 3_600_000;

export class OpenTokenKeeper implements TokenKeeper {
  /** Twice: a pair adopted from the secret may itself have been replaced meanwhile. */
  readonly maxRecoveries = 2;
  private creds: OpenCredentials;
  /** After a failed proactive renewal, none before this time (the token still works until then). */
  private proactivePausedUntil = 0;
  private recovering: Promise<void> | undefined;
  /** A pair the ERP issued that the store has not taken yet (the write failed): retried before the next call. */
  private unsaved: { expectedVersion: string | undefined; next: OpenCredentials } | undefined;

  constructor(
    initial: OpenCredentials,
    private readonly protocol: OpenProtocol,
    private readonly ctx: TokenKeeperContext,
  ) {
    this.creds = initial;
  }

  credentials(): JstCredentials {
    return this.creds;
  }

  async beforeCall(): Promise<void> {
    if (this.unsaved) await this.save(this.unsaved.expectedVersion, this.unsaved.next);
    const expiresAt = this.creds.expiresAt ? Date.parse(this.creds.expiresAt) : Number.NaN;
    const margin = this.ctx.timing?.refreshMarginMs ?? 24 * HOUR;
    const now = this.ctx.now();
    if (this.recovering || !Number.isFinite(expiresAt) || now < expiresAt - margin || now < this.proactivePausedUntil) return;
    this.ctx.logger?.info('ERP access token expires soon; renewing it', { expiresAt: this.creds.expiresAt });
    try {
      await this.recover(this.creds);
    } catch (error) {
      if (now >= expiresAt) throw error;
      // The current token still works: go on, and say so; a refused call will try again.
      this.proactivePausedUntil = now + HOUR;
      this.ctx.logger?.error('ERP access token could not be renewed before it expires', {
        code: (error as { code?: string }).code,
        expiresAt: this.creds.expiresAt,
      });
    }
  }

  recover(used: JstCredentials): Promise<void> {
    if (used.generation !== 'open' || used.accessToken !== this.creds.accessToken) return Promise.resolve();
    this.recovering ??= this.renew(used.accessToken).finally(() => {
      this.recovering = undefined;
    });
    return this.recovering;
  }

  refusedAfterRecovery(cause: JstApiError): JstApiError {
    return this.human(`the ERP still refuses the access token right after it was renewed (${cause.message})`, cause);
  }

  private async renew(refusedAccessToken: string): Promise<void> {
    const rounds = this.ctx.timing?.maxRounds ?? 4;
    let transient: JstApiError | undefined;
    for (let round = 0; round < rounds; round++) {
      if (round > 0) await this.ctx.retry.sleep(this.ctx.retry.delay(round - 1, transient?.code === 'JST_RATE_LIMITED' ? 1000 : 0));
      const stored = await this.read();
      if (stored.credentials.accessToken !== refusedAccessToken) return this.adopt(stored, 'another function renewed the ERP tokens; using them');
      try {
        let issued: Record<string, unknown>;
        try {
          issued = await this.tokenCall('refresh', stored.credentials);
        } catch (error) {
          if (isTransient(error)) throw error;
          // Refused: spent by a concurrent refresher (its write is on the way), by us with a lost
          // reply, or revoked. Watch the secret, then fall back to getInitToken.
          const refusal = error as JstApiError;
          // A wrong app secret (10) or a caller IP outside the app's whitelist (110): nothing to renew.
          if (refusal.jstCode === 10 || refusal.jstCode === 110) {
            throw new JstApiError({
              code: 'JST_AUTH',
              message: `ERP refused the token refresh: ${refusal.message}; fix it in the ${this.ctx.store.label} or the ERP app settings`,
              endpoint: refusal.endpoint,
              jstCode: refusal.jstCode,
              retryable: false,
              cause: refusal,
            });
          }
          const settled = await this.watchForNewTokens(refusedAccessToken);
          if (settled) return this.adopt(settled, 'another function renewed the ERP tokens; using them');
          this.ctx.logger?.warn('ERP refresh token refused; asking for a new token pair with getInitToken', { jstCode: refusal.jstCode });
          issued = await this.tokenCall('init', stored.credentials).catch((initError: unknown) => {
            if (isTransient(initError)) throw initError;
            throw this.human(`the ERP refused the refresh token (${refusal.message}) and getInitToken (${(initError as Error).message})`, initError);
          });
        }
        return await this.store(stored, issued);
      } catch (error) {
        if (!isTransient(error)) throw error;
        transient = error as JstApiError;
        this.ctx.logger?.warn('ERP token call failed; re-reading the ERP secret and retrying', { code: transient.code, round: round + 1 });
      }
    }
    throw new JstApiError({
      code: 'JST_TOKEN_UNAVAILABLE',
      message: `Could not renew the ERP access token (${transient?.message ?? 'no reply'}); the next run tries again`,
      endpoint: OPEN_TOKEN_ENDPOINTS.refresh.name,
      retryable: false,
      cause: transient,
    });
  }

  private async tokenCall(kind: 'refresh' | 'init', creds: OpenJstCredentials): Promise<Record<string, unknown>> {
    const data = await this.ctx.send(OPEN_TOKEN_ENDPOINTS[kind], (ts) => this.protocol.buildTokenCall(kind, creds, ts));
    this.ctx.stats.tokenRefreshes++;
    return data;
  }

  /** Takes the issued pair (the ERP now expects it) and writes it back on the version it replaced. */
  private async store(stored: OpenStored, issued: Record<string, unknown>): Promise<void> {
    const { access_token: accessToken, refresh_token: refreshToken, expires_in: expiresIn } = issued;
    if (typeof accessToken !== 'string' || !accessToken || typeof refreshToken !== 'string' || !refreshToken) {
      throw new JstApiError({
        code: 'JST_REPLY_INVALID',
        message: 'ERP token call: reply lacks access_token or refresh_token',
        endpoint: OPEN_TOKEN_ENDPOINTS.refresh.name,
        retryable: false,
      });
    }
    const expiresAt = typeof expiresIn === 'number' && expiresIn > 0 ? new Date(this.ctx.now() + expiresIn * 1000).toISOString() : undefined;
    const base = stored.credentials;
    const next: OpenCredentials = {
      generation: 'open',
      appKey: base.appKey,
      appSecret: base.appSecret,
      accessToken,
      refreshToken,
      ...(expiresAt ? { expiresAt } : {}),
    };
    this.creds = next;
    this.ctx.logger?.info('ERP access token renewed', { expiresAt });
    await this.save(stored.version, next);
  }

  private async save(expectedVersion: string | undefined, next: OpenCredentials): Promise<void> {
    this.unsaved = { expectedVersion, next };
    let outcome;
    try {
      outcome = await this.ctx.store.replace(expectedVersion, next);
    } catch (error) {
      this.ctx.logger?.error('renewed ERP tokens could not be saved', { reason: error instanceof Error ? error.message : String(error) });
      throw new JstApiError({
        code: 'JST_TOKEN_SAVE_FAILED',
        message: `ERP tokens were renewed but could not be written to the ${this.ctx.store.label}; they are kept in memory and written before the next call`,
        endpoint: OPEN_TOKEN_ENDPOINTS.refresh.name,
        retryable: false,
        cause: error,
      });
    }
    this.unsaved = undefined;
    if (outcome.written) return;
    // Another writer moved the secret since we read it: its pair wins (see the header).
    this.adopt(await this.read(), 'the ERP secret changed while renewing the tokens; using the stored pair');
  }

  /** Re-reads the secret a few times over `settleMs`; returns it once its access token has changed. */
  private async watchForNewTokens(refused: string): Promise<OpenStored | undefined> {
    const settleMs = this.ctx.timing?.settleMs ?? 3000;
    for (let i = 0; i < 3; i++) {
      await this.ctx.retry.sleep(settleMs / 3);
      const stored = await this.read();
      if (stored.credentials.accessToken !== refused) return stored;
    }
    return undefined;
  }

  private async read(): Promise<OpenStored> {
    const { credentials, version } = await this.ctx.store.read();
    if (credentials.generation !== 'open')
      throw this.human('the ERP secret now holds legacy partner credentials; restart the functions after changing the API generation');
    return { credentials, version };
  }

  private adopt(stored: OpenStored, why: string): void {
    this.creds = stored.credentials;
    this.ctx.logger?.info(why);
  }

  private human(problem: string, cause?: unknown): JstApiError {
    return new JstApiError({
      code: 'JST_AUTH',
      message: `ERP access token cannot be renewed: ${problem}. Authorise the app again in the Jushuitan open platform and put the new accessToken and refreshToken into the ${this.ctx.store.label}`,
      endpoint: OPEN_TOKEN_ENDPOINTS.refresh.name,
      retryable: false,
      cause,
    });
  }
}

/** Whether a token call may succeed when repeated. Code 150 on a token call is a refusal: §2.6 gives it to "third-party apps may not refresh" [C1]. */
function isTransient(error: unknown): boolean {
  return error instanceof JstApiError && error.retryable && error.jstCode !== 150;
}
