/**
 * The legacy partner API's token keeper (docs/erp-api.md §1.6). Evidence: the method `refresh.token`
 * [C2]; that the token must be refreshed periodically, lives about a year and keeps its value [C1];
 * code 170 for an expired token (§1.5) [C1], also used for an unknown shop. Whether `refresh.token`
 * is still accepted once the token has expired is [U]: the keeper tries it (the sandbox accepts it).
 *
 * Chosen behaviour: `refresh.token` proactively when the secret's `tokenRefreshedAt` is missing or older
 * than `legacyRefreshEveryMs` (default 24 h: one call a day for the three functions, which share the
 * timestamp), and on code 170, after which the call is retried once. As the token value does not
 * change, a lost reply is harmless: the call is simply repeated. A 170 that survives the refresh is one
 * run failure telling the operator what to check.
 */
import type { JstCredentials, LegacyJstCredentials } from '../config/secret-shapes';
import type { JstEndpoint } from './erp-protocol';
import { JstApiError } from './jst-errors';
import type { LegacyProtocol } from './legacy-protocol';
import type { TokenKeeper, TokenKeeperContext } from './token-keeper';

type LegacyCredentials = { generation: 'legacy' } & LegacyJstCredentials;
const REFRESH: JstEndpoint = { name: 'refresh.token', legacyMethod: 'refresh.token', openPath: '' };

export class LegacyTokenKeeper implements TokenKeeper {
  /** On 170: `refresh.token`, then the call is retried once. */
  readonly maxRecoveries = 1;
  private creds: LegacyCredentials;
  private refreshing: Promise<void> | undefined;
  /** After a failed scheduled refresh, none before this time. */
  private scheduledPausedUntil = 0;

  constructor(
    initial: LegacyCredentials,
    private readonly protocol: LegacyProtocol,
    private readonly ctx: TokenKeeperContext,
  ) {
    this.creds = initial;
  }

  credentials(): JstCredentials {
    return this.creds;
  }

  async beforeCall(): Promise<void> {
    if (!this.due(this.creds) || this.ctx.now() < this.scheduledPausedUntil) return;
    try {
      // Another function may have refreshed already: the secret records when.
      const stored = (await this.ctx.store.read()).credentials;
      if (stored.generation === 'legacy' && stored.token === this.creds.token && !this.due(stored)) {
        this.creds = stored;
        return;
      }
      await this.refresh();
    } catch (error) {
      // The token may well still work: the call goes on, and a 170 brings the keeper back.
      this.scheduledPausedUntil = this.ctx.now() + 3_600_000;
      this.ctx.logger?.warn('scheduled ERP refresh.token failed', { code: (error as { code?: string }).code });
    }
  }

  private due(creds: LegacyJstCredentials): boolean {
    const every = this.ctx.timing?.legacyRefreshEveryMs ?? 24 * 3_600_000;
    const last = creds.tokenRefreshedAt ? Date.parse(creds.tokenRefreshedAt) : Number.NaN;
    return !(Number.isFinite(last) && this.ctx.now() - last < every);
  }

  async recover(used: JstCredentials): Promise<void> {
    // Refreshed (or replaced) since this call was sent: just retry it.
    if (used !== this.creds) return;
    const stored = await this.ctx.store.read().then(
      (s) => s.credentials,
      () => undefined,
    );
    if (stored?.generation === 'legacy' && used.generation === 'legacy' && stored.token !== used.token) {
      // An operator put a new token into the secret.
      this.creds = stored;
      return;
    }
    await this.refresh();
  }

  refusedAfterRecovery(cause: JstApiError): JstApiError {
    return new JstApiError({
      code: 'JST_AUTH',
      message: `ERP still answers code 170 after refresh.token (${cause.message}). Code 170 also means an unknown shop: check JST_SHOP_ID. Otherwise the legacy token has expired for good: ask Jushuitan for a new token and put it as "token" into the ${this.ctx.store.label}`,
      endpoint: cause.endpoint,
      jstCode: cause.jstCode,
      retryable: false,
      cause,
    });
  }

  private refresh(): Promise<void> {
    this.refreshing ??= this.doRefresh().finally(() => {
      this.refreshing = undefined;
    });
    return this.refreshing;
  }

  private async doRefresh(): Promise<void> {
    const creds = this.creds;
    await this.ctx.retry
      .run(
        () => this.ctx.send(REFRESH, (ts) => this.protocol.buildCall(REFRESH, {}, creds, ts)),
        (error) => ({ retryable: error instanceof JstApiError && error.retryable, minBaseMs: (error as JstApiError).code === 'JST_RATE_LIMITED' ? 1000 : 0 }),
      )
      .catch((error: unknown) => {
        if (error instanceof JstApiError && (error.jstCode === 170 || error.jstCode === 120 || error.jstCode === 100)) {
          throw new JstApiError({
            code: 'JST_AUTH',
            message: `ERP refused refresh.token (${error.message}). Check partnerId and partnerKey; if they are right the legacy token has expired for good: ask Jushuitan for a new token and put it as "token" into the ${this.ctx.store.label}`,
            endpoint: REFRESH.name,
            jstCode: error.jstCode,
            retryable: false,
            cause: error,
          });
        }
        throw error;
      });
    this.ctx.stats.tokenRefreshes++;
    const refreshedAt = new Date(this.ctx.now()).toISOString();
    this.creds = { ...creds, tokenRefreshedAt: refreshedAt };
    this.ctx.logger?.info('ERP legacy token refreshed (refresh.token)');
    // Record it for the other functions; the token value is unchanged, so a failed write loses nothing.
    try {
      const stored = await this.ctx.store.read();
      if (stored.credentials.generation !== 'legacy' || stored.credentials.token !== creds.token) return;
      await this.ctx.store.replace(stored.version, { ...stored.credentials, tokenRefreshedAt: refreshedAt });
    } catch (error) {
      this.ctx.logger?.warn('could not record tokenRefreshedAt in the ERP secret', { reason: error instanceof Error ? error.message : String(error) });
    }
  }
}
