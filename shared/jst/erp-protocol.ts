import type { JstCredentials } from '../config/secret-shapes';
import { describeJstCode, JstApiError } from './jst-errors';

/** One ERP call, generation-neutral: `legacyMethod` for the partner API, `openPath` for the open platform. */
export interface JstEndpoint {
  name: string;
  legacyMethod: string;
  openPath: string;
}

/** A signed request, ready to POST. Holds secrets (token, sign): never log it. */
export interface ErpHttpRequest {
  url: string;
  body: string;
  contentType: string;
}

/**
 * One API generation (docs/design.md §1 "one strategy per API generation"): how a business call is built
 * and signed, how its reply envelope is unwrapped, and what its codes mean.
 */
export interface ErpProtocol {
  readonly generation: 'legacy' | 'open';
  /** `tsSeconds` is the moment of sending (the rate limiter has let the call go). */
  buildCall(endpoint: JstEndpoint, biz: unknown, credentials: JstCredentials, tsSeconds: number): ErpHttpRequest;
  /** The payload object of a successful reply; a non-zero code becomes a JstApiError (codeError). */
  unwrap(endpoint: JstEndpoint, parsed: unknown): Record<string, unknown>;
}

/** The envelope of either generation, with its numeric `code` checked. */
export function readEnvelope(endpoint: JstEndpoint, parsed: unknown): { envelope: Record<string, unknown>; code: number } {
  if (typeof parsed !== 'object' || parsed === null || Array.isArray(parsed)) {
    throw new JstApiError({
      code: 'JST_REPLY_INVALID',
      message: `ERP ${endpoint.name}: reply is not a JSON object`,
      endpoint: endpoint.name,
      retryable: false,
    });
  }
  const envelope = parsed as Record<string, unknown>;
  const raw = envelope.code;
  const code = typeof raw === 'number' ? raw : typeof raw === 'string' && raw.trim() !== '' ? Number(raw) : Number.NaN;
  if (!Number.isInteger(code)) {
    throw new JstApiError({ code: 'JST_REPLY_INVALID', message: `ERP ${endpoint.name}: reply has no numeric code`, endpoint: endpoint.name, retryable: false });
  }
  return { envelope, code };
}

/**
 * The JstApiError for a non-zero ERP code. The token-expired codes (open 100, legacy 170 —
 * docs/erp-api.md §1.5, §2.6) become JST_TOKEN_EXPIRED, which the token keeper handles.
 */
export function codeError(generation: 'legacy' | 'open', endpoint: JstEndpoint, jstCode: number, msg: unknown): JstApiError {
  const { meaning, retryable, kind } = describeJstCode(generation, jstCode);
  const expired = (generation === 'open' && jstCode === 100) || (generation === 'legacy' && jstCode === 170);
  const code = expired
    ? 'JST_TOKEN_EXPIRED'
    : kind === 'rate'
      ? 'JST_RATE_LIMITED'
      : kind === 'auth'
        ? 'JST_AUTH'
        : kind === 'transient'
          ? 'JST_INTERNAL'
          : 'JST_REJECTED';
  const text = typeof msg === 'string' && msg ? `: ${msg.slice(0, 200)}` : '';
  return new JstApiError({
    code,
    message: `ERP ${endpoint.name} failed with code ${jstCode} (${meaning})${text}`,
    endpoint: endpoint.name,
    jstCode,
    retryable,
  });
}
