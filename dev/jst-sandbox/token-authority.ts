import { signOpen } from '../../shared/jst/signers';
import { SandboxError } from './sandbox-error';

/** The credentials the sandbox accepts; the object is live (tokens change when they are renewed). */
export interface SandboxCredentials {
  legacy: { partnerId: string; partnerKey: string; token: string };
  open: { appKey: string; appSecret: string; accessToken: string; refreshToken: string };
}

export interface TokenAuthorityOptions {
  /** Lifetime of an issued open-platform access token (default 2 592 000 s, docs/erp-api.md §2.4 [U]). */
  tokenLifetimeSeconds?: number;
  /** Lifetime of the legacy token from its last `refresh.token` (default 365 days, §1.6 [C1]). */
  legacyTokenLifetimeSeconds?: number;
  /**
   * `self-developed` (自研应用, default): refresh and getInitToken work. `third-party` (服务商应用):
   * both are refused with code 150, as third-party apps may not refresh since 2023 (§2.4 [C1]).
   */
  appKind?: 'self-developed' | 'third-party';
  /**
   * Whether an access token stays valid until its own expiry after a newer pair was issued. Unknown
   * for the real ERP ([U]); the default `false` is the conservative case: only the newest pair works.
   */
  oldAccessTokenSurvivesRefresh?: boolean;
}

const REFRESH_REFUSED = 'refresh_token无效或已过期';
const THIRD_PARTY = '服务商应用禁止刷新access_token';

/**
 * The sandbox ERP's token lifecycles, both generations:
 * - open platform: access tokens expire; a refresh token is spent by its first successful use
 *   (one-time) and the refresh issues a new pair; getInitToken (self-developed apps) issues a new pair
 *   from a made-up code; every new pair invalidates the previous access token (see options);
 * - legacy: the token expires `legacyTokenLifetimeSeconds` after its last `refresh.token` (code 170
 *   afterwards); `refresh.token` keeps the value and is accepted even once the token has expired;
 * - lost replies: `dropTokenReplies(n)` makes the next n token calls act (tokens issued, refresh token
 *   spent) and then drop the connection before the reply, as a lost reply does.
 */
export class TokenAuthority {
  private accessExpiresAt: number;
  private legacyExpiresAt: number;
  /** Older access tokens still accepted, with their expiry (oldAccessTokenSurvivesRefresh). */
  private readonly survivors = new Map<string, number>();
  private dropsPending = 0;
  private issued = 0;

  constructor(
    readonly credentials: SandboxCredentials,
    private readonly options: TokenAuthorityOptions,
    private readonly now: () => number,
    private readonly random: () => number,
  ) {
    this.accessExpiresAt = now() + this.accessLifetimeMs;
    this.legacyExpiresAt = now() + this.legacyLifetimeMs;
  }

  get accessLifetimeMs(): number {
    return (this.options.tokenLifetimeSeconds ?? 2_592_000) * 1000;
  }

  private get legacyLifetimeMs(): number {
    return (this.options.legacyTokenLifetimeSeconds ?? 365 * 86_400) * 1000;
  }

  /** Open platform business call: code 100 for an unknown or expired access token. */
  checkAccessToken(token: string | undefined, message: string): void {
    const t = this.now();
    if (token === this.credentials.open.accessToken && t <= this.accessExpiresAt) return;
    const survivor = token === undefined ? undefined : this.survivors.get(token);
    if (survivor !== undefined && t <= survivor) return;
    throw new SandboxError(100, message);
  }

  /** Open platform token call (refresh or getInitToken): checks app key and sign (code 10). */
  checkTokenCallSign(params: Record<string, string>, sign: string | undefined, badSign: string): void {
    if (params.app_key !== this.credentials.open.appKey || !sign || signOpen(params, this.credentials.open.appSecret) !== sign.toLowerCase())
      throw new SandboxError(10, badSign);
  }

  /** /openWeb/auth/refreshToken: spends the refresh token, issues a new pair. */
  refresh(params: Record<string, string>): Record<string, unknown> {
    if (this.options.appKind === 'third-party') throw new SandboxError(150, THIRD_PARTY);
    if (params.grant_type !== 'refresh_token' || params.refresh_token !== this.credentials.open.refreshToken) throw new SandboxError(100, REFRESH_REFUSED);
    return this.issuePair();
  }

  /** /openWeb/auth/getInitToken: self-developed apps, any made-up code (docs/erp-api.md §2.4). */
  initToken(params: Record<string, string>): Record<string, unknown> {
    if (this.options.appKind === 'third-party') throw new SandboxError(150, THIRD_PARTY);
    if (params.grant_type !== 'authorization_code' || !params.code) throw new SandboxError(140, '参数不符合规范,请检查传入参数! (code)');
    return this.issuePair();
  }

  /** Legacy business call: code 170 for a wrong or expired token (`refresh.token` may use an expired one). */
  checkLegacyToken(token: string | undefined, method: string, message: string): void {
    if (token !== this.credentials.legacy.token) throw new SandboxError(170, message);
    if (method !== 'refresh.token' && this.now() > this.legacyExpiresAt) throw new SandboxError(170, message);
  }

  /** Legacy `refresh.token`: same value, new lifetime (§1.6). */
  refreshLegacy(): void {
    this.legacyExpiresAt = this.now() + this.legacyLifetimeMs;
  }

  expireAccessToken(): void {
    this.accessExpiresAt = this.now() - 1;
    this.survivors.clear();
  }

  expireLegacyToken(): void {
    this.legacyExpiresAt = this.now() - 1;
  }

  /** The next `count` token calls act, then lose their reply. */
  dropTokenReplies(count: number): void {
    this.dropsPending = count;
  }

  /** Whether this token call's reply is to be dropped (consumes one). */
  takeDrop(): boolean {
    if (this.dropsPending <= 0) return false;
    this.dropsPending--;
    return true;
  }

  /** Fresh lifetimes, no pending drops (token values kept). */
  reset(): void {
    this.accessExpiresAt = this.now() + this.accessLifetimeMs;
    this.legacyExpiresAt = this.now() + this.legacyLifetimeMs;
    this.survivors.clear();
    this.dropsPending = 0;
  }

  private issuePair(): Record<string, unknown> {
    const open = this.credentials.open;
    if (this.options.oldAccessTokenSurvivesRefresh) this.survivors.set(open.accessToken, this.accessExpiresAt);
    this.issued++;
    open.accessToken = `at-${this.issued}-${Math.floor(this.random() * 1e9)}`;
    open.refreshToken = `rt-${this.issued}-${Math.floor(this.random() * 1e9)}`;
    this.accessExpiresAt = this.now() + this.accessLifetimeMs;
    return { access_token: open.accessToken, refresh_token: open.refreshToken, expires_in: Math.floor(this.accessLifetimeMs / 1000), scope: 'all' };
  }
}
