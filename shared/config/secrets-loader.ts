import { PutSecretValueCommand, SecretsManagerClient } from '@aws-sdk/client-secrets-manager';
import { SecretsProvider } from '@aws-lambda-powertools/parameters/secrets';
import { z } from 'zod';
import { ConfigError, describeZodIssues } from './config-error';
import {
  dbSecretSchema,
  legacyJstSecretSchema,
  openJstSecretSchema,
  type DbCredentials,
  type JstCredentials,
} from './secret-shapes';

export interface SecretsLoaderOptions {
  /** How long a secret read stays cached, in seconds (a warm Lambda re-reads after this). */
  maxAgeSeconds?: number;
  client?: SecretsManagerClient;
}

/**
 * Reads the two secrets from Secrets Manager (docs/design.md §9), validates them, and caches them for a
 * finite time. `forceRefresh` bypasses the cache (used after the ERP or the database rejected the
 * cached credentials, in case an operator rotated them). Errors name the secret id and the fields,
 * never a value.
 */
export class SecretsLoader {
  private readonly client: SecretsManagerClient;
  private readonly provider: SecretsProvider;
  private readonly maxAgeSeconds: number;

  constructor(options: SecretsLoaderOptions = {}) {
    this.client = options.client ?? new SecretsManagerClient({});
    this.provider = new SecretsProvider({ awsSdkV3Client: this.client });
    this.maxAgeSeconds = options.maxAgeSeconds ?? 300;
  }

  async loadJstCredentials(secretId: string, opts: { forceRefresh?: boolean } = {}): Promise<JstCredentials> {
    return this.readValidated(secretId, opts.forceRefresh ?? false, (raw) => parseJstSecret(secretId, raw));
  }

  async loadDbCredentials(secretId: string, opts: { forceRefresh?: boolean } = {}): Promise<DbCredentials> {
    return this.readValidated(secretId, opts.forceRefresh ?? false, (raw) => {
      const parsed = dbSecretSchema.safeParse(raw);
      if (!parsed.success) {
        throw new ConfigError('DB_SECRET_INVALID', `Database secret ${secretId} is invalid: ${describeZodIssues(parsed.error)}`, {
          secretId,
        });
      }
      return parsed.data;
    });
  }

  /**
   * Writes refreshed open-platform tokens back to the ERP secret, keeping the app key and secret,
   * and primes the cache so the next read sees them.
   */
  async saveOpenPlatformTokens(secretId: string, tokens: { accessToken: string; refreshToken: string }): Promise<void> {
    const current = await this.loadJstCredentials(secretId, { forceRefresh: true });
    if (current.generation !== 'open') {
      throw new ConfigError('JST_SECRET_GENERATION', `Secret ${secretId} holds legacy partner credentials; it has no tokens to refresh`, {
        secretId,
      });
    }
    const next = { appKey: current.appKey, appSecret: current.appSecret, ...tokens };
    await this.client.send(new PutSecretValueCommand({ SecretId: secretId, SecretString: JSON.stringify(next) }));
    this.provider.clearCache();
  }

  /**
   * Forgets every cached secret, so the next load reads Secrets Manager again. Called after the ERP
   * or the database rejected the credentials (an operator may have rotated them).
   */
  invalidate(): void {
    this.provider.clearCache();
  }

  /**
   * Reads and validates a secret. A value that fails validation is not kept in the cache, so the
   * next run sees the operator's fix at once instead of after SECRETS_CACHE_SECONDS.
   */
  private async readValidated<T>(secretId: string, forceFetch: boolean, validate: (raw: unknown) => T): Promise<T> {
    try {
      return validate(await this.readJson(secretId, forceFetch));
    } catch (error) {
      this.provider.clearCache();
      throw error;
    }
  }

  private async readJson(secretId: string, forceFetch: boolean): Promise<unknown> {
    let value: unknown;
    try {
      value = await this.provider.get(secretId, { maxAge: this.maxAgeSeconds, forceFetch });
    } catch (error) {
      const awsName = (error as { name?: string; cause?: { name?: string } }).cause?.name ?? (error as { name?: string }).name;
      throw new ConfigError('SECRET_UNREADABLE', `Cannot read secret ${secretId} from Secrets Manager (${awsName ?? 'unknown error'})`, {
        secretId,
      }, { cause: error });
    }
    if (value === undefined || value === null) {
      throw new ConfigError('SECRET_EMPTY', `Secret ${secretId} has no string value`, { secretId });
    }
    const text = typeof value === 'string' ? value : Buffer.from(value as Uint8Array).toString('utf8');
    try {
      return JSON.parse(text) as unknown;
    } catch {
      throw new ConfigError('SECRET_NOT_JSON', `Secret ${secretId} is not valid JSON`, { secretId });
    }
  }
}

/** Chooses the API generation from the fields present and validates that shape. */
export function parseJstSecret(secretId: string, raw: unknown): JstCredentials {
  if (typeof raw !== 'object' || raw === null || Array.isArray(raw)) {
    throw new ConfigError('JST_SECRET_INVALID', `ERP secret ${secretId} must be a JSON object`, { secretId });
  }
  const fields = Object.keys(raw);
  const isOpen = 'appKey' in raw || 'appSecret' in raw || 'accessToken' in raw;
  const isLegacy = 'partnerId' in raw || 'partnerKey' in raw;
  if (isOpen && isLegacy) {
    throw new ConfigError(
      'JST_SECRET_INVALID',
      `ERP secret ${secretId} mixes legacy fields (partnerId, partnerKey, token) with open-platform fields (appKey, appSecret, accessToken, refreshToken); keep one set`,
      { secretId, fields },
    );
  }
  if (!isOpen && !isLegacy) {
    throw new ConfigError(
      'JST_SECRET_INVALID',
      `ERP secret ${secretId} must hold either { partnerId, partnerKey, token } or { appKey, appSecret, accessToken, refreshToken }`,
      { secretId, fields },
    );
  }
  const schema: z.ZodType = isOpen ? openJstSecretSchema : legacyJstSecretSchema;
  const parsed = schema.safeParse(raw);
  if (!parsed.success) {
    throw new ConfigError(
      'JST_SECRET_INVALID',
      `ERP secret ${secretId} (${isOpen ? 'open platform' : 'legacy partner'} API) is invalid: ${describeZodIssues(parsed.error)}`,
      { secretId, fields },
    );
  }
  return { generation: isOpen ? 'open' : 'legacy', ...(parsed.data as object) } as JstCredentials;
}
