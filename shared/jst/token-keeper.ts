import type { JstCredentials } from '../config/secret-shapes';
import type { Logger } from '../domain/ports';
import type { ErpHttpRequest, JstEndpoint } from './erp-protocol';
import type { JstApiError } from './jst-errors';
import type { RetryPolicy } from './retry-policy';

/**
 * Owns the ERP credentials of one client and their whole lifecycle (docs/design.md §1 "token keeper"):
 * the transport asks it for the credentials of each call, lets it act before a call (proactive
 * refresh, a pending write-back), and hands it every "token expired" reply.
 */
export interface TokenKeeper {
  /** How many times one call may meet "token expired" and recover before it fails. */
  readonly maxRecoveries: number;
  credentials(): JstCredentials;
  /** Before each call: proactive refresh when due, retry of a write-back that failed. */
  beforeCall(): Promise<void>;
  /**
   * After the ERP refused `used` as expired: makes `credentials()` usable again (adopting what another
   * function stored, or obtaining new tokens), or throws a JstApiError saying what a person must do.
   */
  recover(used: JstCredentials, cause: JstApiError): Promise<void>;
  /** The error for a call still refused after recovery: one run failure saying what to do. */
  refusedAfterRecovery(cause: JstApiError): JstApiError;
}

/** The ERP secret as stored, with the version it was read at (for a conditional write). */
export interface StoredErpCredentials {
  credentials: JstCredentials;
  /** Opaque version (Secrets Manager VersionId); undefined when the store has none. */
  version: string | undefined;
}

/**
 * Where the ERP credentials live (the ERP secret). `replace` is conditional: it writes only if the
 * secret is still at `expectedVersion`, so concurrent writers converge on one token pair.
 */
export interface ErpTokenStore {
  /** Names the store in operator messages (e.g. "ERP secret fecjst/prod/jst"), never a value. */
  readonly label: string;
  /** A fresh read (no cache): another function may have just written new tokens. */
  read(): Promise<StoredErpCredentials>;
  replace(expectedVersion: string | undefined, next: JstCredentials): Promise<{ written: true; version: string | undefined } | { written: false }>;
}

/** One paced round trip, unwrapped by the generation's protocol; no retries. */
export type ErpCallSender = (endpoint: JstEndpoint, build: (tsSeconds: number) => ErpHttpRequest) => Promise<Record<string, unknown>>;

export interface TokenTiming {
  /** Open platform: refresh when the stored `expiresAt` is this near (default 24 h). */
  refreshMarginMs?: number;
  /** After a refused refresh: how long to watch the secret for another function's write (default 3 s). */
  settleMs?: number;
  /** Legacy: `refresh.token` when the stored `tokenRefreshedAt` is older than this (default 24 h). */
  legacyRefreshEveryMs?: number;
  /** Rounds of (re-read, token call) before a transient failure fails the run (default 4). */
  maxRounds?: number;
}

export interface TokenKeeperContext {
  send: ErpCallSender;
  store: ErpTokenStore;
  stats: { tokenRefreshes: number };
  retry: RetryPolicy;
  now: () => number;
  logger?: Logger;
  timing?: TokenTiming;
}

/** A store in memory (tests, benchmarks, scripts without Secrets Manager); conditional like the real one. */
export function memoryTokenStore(initial: JstCredentials, label = 'in-memory ERP credentials'): ErpTokenStore & { current(): StoredErpCredentials } {
  let credentials = initial;
  let version = 1;
  return {
    label,
    current: () => ({ credentials, version: String(version) }),
    read: async () => ({ credentials, version: String(version) }),
    replace: async (expected, next) => {
      if (expected !== undefined && expected !== String(version)) return { written: false };
      credentials = next;
      version++;
      return { written: true, version: String(version) };
    },
  };
}
