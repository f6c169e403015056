import { randomUUID } from 'node:crypto';
import { GetSecretValueCommand, PutSecretValueCommand, SecretsManagerClient, UpdateSecretVersionStageCommand } from '@aws-sdk/client-secrets-manager';
import { SecretsProvider } from '@aws-lambda-powertools/parameters/secrets';
import { z } from 'zod';
import { ConfigError, describeZodIssues } from './config-error';
import { dbSecretSchema, legacyJstSecretSchema, openJstSecretSchema, type DbCredentials, type JstCredentials } from './secret-shapes';
import type { ErpTokenStore } from '../jst/token-keeper';

/** The staging label of a written ERP secret version until AWSCURRENT is moved onto it. */
const PENDING_STAGE = 'FECJST_PENDING';

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
   * The ERP secret as the token keeper sees it (shared/jst/token-keeper.ts): fresh reads with their
   * VersionId, and conditional writes. A write puts the new value as a version staged FECJST_PENDING
   * (AWSPENDING belongs to rotation), then moves AWSCURRENT to it *from the version read*
   * (UpdateSecretVersionStage with RemoveFromVersionId):
   * Secrets Manager refuses the move when AWSCURRENT is no longer on that version, so of two
   * concurrent writers on the same version exactly one wins (moto_server checks it the same way).
   * Reads name the AWSCURRENT stage explicitly: moto_server 5.2 answers a read without a stage with
   * the last version written by PutSecretValue with AWSCURRENT, not the one the stage was moved to.
   */
  jstTokenStore(secretId: string): ErpTokenStore {
    return {
      label: `ERP secret ${secretId}`,
      read: async () => {
        let out;
        try {
          out = await this.client.send(new GetSecretValueCommand({ SecretId: secretId, VersionStage: 'AWSCURRENT' }));
        } catch (error) {
          throw new ConfigError(
            'SECRET_UNREADABLE',
            `Cannot read secret ${secretId} from Secrets Manager (${(error as { name?: string }).name ?? 'unknown error'})`,
            { secretId },
            { cause: error },
          );
        }
        let raw: unknown;
        try {
          raw = JSON.parse(out.SecretString ?? '');
        } catch {
          throw new ConfigError('SECRET_NOT_JSON', `Secret ${secretId} is not valid JSON`, { secretId });
        }
        return { credentials: parseJstSecret(secretId, raw), version: out.VersionId };
      },
      replace: async (expectedVersion, next) => {
        const value = JSON.stringify(jstSecretValue(next));
        if (expectedVersion === undefined) {
          const put = await this.client.send(new PutSecretValueCommand({ SecretId: secretId, SecretString: value, ClientRequestToken: randomUUID() }));
          this.provider.clearCache();
          return { written: true, version: put.VersionId };
        }
        const put = await this.client.send(
          new PutSecretValueCommand({ SecretId: secretId, SecretString: value, ClientRequestToken: randomUUID(), VersionStages: [PENDING_STAGE] }),
        );
        try {
          await this.client.send(
            new UpdateSecretVersionStageCommand({
              SecretId: secretId,
              VersionStage: 'AWSCURRENT',
              MoveToVersionId: put.VersionId,
              RemoveFromVersionId: expectedVersion,
            }),
          );
        } catch (error) {
          // A refused move is a conflict only if AWSCURRENT really left the version read (the API
          // reference names no dedicated error for it); otherwise the write failed.
          const name = (error as { name?: string }).name;
          if (name !== 'InvalidParameterException' && name !== 'InvalidRequestException') throw error;
          const now = await this.client.send(new GetSecretValueCommand({ SecretId: secretId, VersionStage: 'AWSCURRENT' }));
          if (now.VersionId === expectedVersion) throw error;
          return { written: false };
        }
        this.provider.clearCache();
        return { written: true, version: put.VersionId };
      },
    };
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
      value = await this.provider.get(secretId, { maxAge: this.maxAgeSeconds, forceFetch, sdkOptions: { VersionStage: 'AWSCURRENT' } });
    } catch (error) {
      const awsName = (error as { name?: string; cause?: { name?: string } }).cause?.name ?? (error as { name?: string }).name;
      throw new ConfigError(
        'SECRET_UNREADABLE',
        `Cannot read secret ${secretId} from Secrets Manager (${awsName ?? 'unknown error'})`,
        {
          secretId,
        },
        { cause: error },
      );
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

/** The secret's JSON for credentials (the generation tag is implied by the fields, docs/design.md §9). */
export function jstSecretValue(credentials: JstCredentials): Record<string, unknown> {
  const { generation: _generation, ...fields } = credentials;
  return fields;
}
