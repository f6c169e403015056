import { FecjstError } from '../../../shared/errors';
import { isAuthenticationFailure } from '../../../shared/runtime/authentication-failure';

describe('isAuthenticationFailure', () => {
  it('recognises refused ERP credentials and refused database logins, also as a cause', () => {
    expect(isAuthenticationFailure(new FecjstError('JST_AUTH', 'invalid signature'))).toBe(true);
    expect(isAuthenticationFailure(new FecjstError('JST_TOKEN_EXPIRED', 'expired'))).toBe(true);
    expect(isAuthenticationFailure(Object.assign(new Error('Access denied'), { code: 'ER_ACCESS_DENIED_ERROR' }))).toBe(true);
    expect(
      isAuthenticationFailure(new FecjstError('STORE_UNAVAILABLE', 'x', {}, { cause: Object.assign(new Error('denied'), { code: 'ER_ACCESS_DENIED_ERROR' }) })),
    ).toBe(true);
  });

  it('does not treat other failures as authentication failures', () => {
    expect(isAuthenticationFailure(new FecjstError('JST_RATE_LIMITED', 'slow down'))).toBe(false);
    expect(isAuthenticationFailure(Object.assign(new Error('connect'), { code: 'ECONNREFUSED' }))).toBe(false);
    expect(isAuthenticationFailure(undefined)).toBe(false);
  });
});
