import type { OpenJstCredentials } from '../config/secret-shapes';
import { JstApiError } from './jst-errors';
import { OPEN_TOKEN_ENDPOINTS } from './open-protocol';
import { JstTransport, type TransportOptions } from './transport';

/** The first token pair of a self-developed open-platform app, as the ERP secret stores it (docs/design.md §9). */
export type InitialTokens = Pick<OpenJstCredentials, 'accessToken' | 'refreshToken' | 'expiresAt'>;

/**
 * Asks the ERP for the first token pair of a self-developed (自研) app with getInitToken (docs/erp-api.md
 * §2.4): app key and secret are all it takes; the `code` is made up by the protocol. A third-party app is
 * refused (it gets its pair from the consent redirect instead).
 */
export async function requestInitialTokens(
  app: { appKey: string; appSecret: string },
  options: Omit<TransportOptions, 'credentials' | 'tokenStore'> = {},
): Promise<InitialTokens> {
  // The transport needs a complete credential set; the placeholders are never sent (getInitToken carries no token).
  const transport = new JstTransport({ ...options, credentials: { generation: 'open', ...app, accessToken: '-', refreshToken: '-' } });
  const issued = await transport.initialTokenPair();
  const { access_token: accessToken, refresh_token: refreshToken, expires_in: expiresIn } = issued;
  if (typeof accessToken !== 'string' || !accessToken || typeof refreshToken !== 'string' || !refreshToken)
    throw new JstApiError({
      code: 'JST_REPLY_INVALID',
      message: 'ERP getInitToken: reply lacks access_token or refresh_token',
      endpoint: OPEN_TOKEN_ENDPOINTS.init.name,
      retryable: false,
    });
  const now = options.now ?? Date.now;
  const expiresAt = typeof expiresIn === 'number' && expiresIn > 0 ? new Date(now() + expiresIn * 1000).toISOString() : undefined;
  return { accessToken, refreshToken, ...(expiresAt ? { expiresAt } : {}) };
}
