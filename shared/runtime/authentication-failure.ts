/**
 * Error codes that mean "the credentials were refused": the ERP client's auth and expired-token
 * errors and MySQL's access-denied errors. After such a failure the handler forgets the cached
 * secrets and dependencies, so the next run reads Secrets Manager again (an operator may have
 * rotated them).
 */
export const AUTHENTICATION_FAILURE_CODES: ReadonlySet<string> = new Set([
  'JST_AUTH',
  'JST_TOKEN_EXPIRED',
  'ER_ACCESS_DENIED_ERROR',
  'ER_DBACCESS_DENIED_ERROR',
  'ER_ACCESS_DENIED_NO_PASSWORD_ERROR',
]);

/** Whether `error`, or any error in its `cause` chain, carries an authentication failure code. */
export function isAuthenticationFailure(error: unknown): boolean {
  for (let current = error, depth = 0; current && depth < 5; current = (current as { cause?: unknown }).cause, depth++) {
    const code = (current as { code?: unknown }).code;
    if (typeof code === 'string' && AUTHENTICATION_FAILURE_CODES.has(code)) return true;
  }
  return false;
}
