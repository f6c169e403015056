import { FecjstError } from '../errors';

/**
 * An ERP call that failed: the ERP answered with a non-zero code, or the call could not be made or
 * understood. `retryable` says whether the same call may succeed later (network, 5xx, HTML page, rate
 * limit); signature, permission and validation errors are final. Never carries a secret or sign.
 */
export class JstApiError extends FecjstError {
  readonly endpoint: string;
  readonly jstCode: number | undefined;
  readonly retryable: boolean;

  constructor(args: { code: string; message: string; endpoint: string; jstCode?: number; retryable: boolean; httpStatus?: number; cause?: unknown }) {
    super(
      args.code,
      args.message,
      { endpoint: args.endpoint, jstCode: args.jstCode, httpStatus: args.httpStatus, retryable: args.retryable },
      { cause: args.cause },
    );
    this.endpoint = args.endpoint;
    this.jstCode = args.jstCode;
    this.retryable = args.retryable;
  }
}

/** A request rejected before sending because it breaks a documented limit (docs/erp-api.md §3). */
export class JstRequestError extends FecjstError {
  constructor(endpoint: string, problem: string) {
    super('JST_REQUEST_INVALID', `${endpoint}: ${problem}`, { endpoint });
  }
}

/** What each ERP code means for an operator, and whether retrying can help (docs/erp-api.md §1.5, §2.6). */
export function describeJstCode(
  generation: 'legacy' | 'open',
  jstCode: number,
): { meaning: string; retryable: boolean; kind: 'auth' | 'rate' | 'final' | 'transient' } {
  if (generation === 'open') {
    switch (jstCode) {
      case 10:
        return { meaning: 'invalid signature: check appSecret in the ERP secret', retryable: false, kind: 'auth' };
      case 100:
        return { meaning: 'access_token invalid or expired', retryable: false, kind: 'auth' };
      case 110:
        return { meaning: 'caller IP not in the ERP app whitelist', retryable: false, kind: 'auth' };
      case 130:
        return { meaning: 'empty payload', retryable: false, kind: 'final' };
      case 140:
        return { meaning: 'invalid parameter', retryable: false, kind: 'final' };
      case 150:
        return { meaning: 'ERP internal error', retryable: true, kind: 'transient' };
      case 160:
        return { meaning: 'ERP could not save the data', retryable: false, kind: 'final' };
      case 170:
        return { meaning: 'unknown shop_id: check JST_SHOP_ID', retryable: false, kind: 'final' };
      case 180:
        return { meaning: 'timestamp outside the 10-minute window: check the clock', retryable: false, kind: 'final' };
      case 190:
        return { meaning: 'no permission for this API (or unknown path)', retryable: false, kind: 'auth' };
      case 199:
        return { meaning: 'too many calls per second', retryable: true, kind: 'rate' };
      case 200:
        return { meaning: 'too many calls per minute', retryable: true, kind: 'rate' };
      default:
        return { meaning: `ERP code ${jstCode}`, retryable: false, kind: 'final' };
    }
  }
  switch (jstCode) {
    case 100:
      return { meaning: 'partner parameters wrong: check partnerId', retryable: false, kind: 'auth' };
    case 120:
      return { meaning: 'invalid signature: check partnerKey in the ERP secret', retryable: false, kind: 'auth' };
    case 130:
      return { meaning: 'bad payload', retryable: false, kind: 'final' };
    case 140:
      return { meaning: 'invalid parameter', retryable: false, kind: 'final' };
    case 150:
      return { meaning: 'ERP internal error', retryable: true, kind: 'transient' };
    case 160:
      return { meaning: 'ERP could not save the data', retryable: false, kind: 'final' };
    case 170:
      return { meaning: 'token expired or data integrity check failed', retryable: false, kind: 'auth' };
    case 180:
      return { meaning: 'ts invalid: check the clock', retryable: false, kind: 'final' };
    case 190:
      return { meaning: 'no permission for this method', retryable: false, kind: 'auth' };
    case 200:
      return { meaning: 'rate limited', retryable: true, kind: 'rate' };
    default:
      return { meaning: `ERP code ${jstCode}`, retryable: false, kind: 'final' };
  }
}
