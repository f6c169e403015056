import { z } from 'zod';

const isoInstant = z.iso.datetime({ offset: true, message: 'must be an ISO-8601 date-time' });

/**
 * Legacy partner API credentials (open.erp321.com): `{ partnerId, partnerKey, token }` (docs/design.md §9),
 * plus the optional `tokenRefreshedAt` the token keeper writes after each `refresh.token`.
 */
export const legacyJstSecretSchema = z
  .object({
    partnerId: z.string().min(1, 'must be a non-empty string'),
    partnerKey: z.string().min(1, 'must be a non-empty string'),
    token: z.string().min(1, 'must be a non-empty string'),
    tokenRefreshedAt: isoInstant.optional(),
  })
  .strict();

/**
 * Open platform credentials (openapi.jushuitan.com): `{ appKey, appSecret, accessToken, refreshToken }`
 * (docs/design.md §9), plus the optional `expiresAt` of the access token the token keeper writes with each
 * token pair it obtains.
 */
export const openJstSecretSchema = z
  .object({
    appKey: z.string().min(1, 'must be a non-empty string'),
    appSecret: z.string().min(1, 'must be a non-empty string'),
    accessToken: z.string().min(1, 'must be a non-empty string'),
    refreshToken: z.string().min(1, 'must be a non-empty string'),
    expiresAt: isoInstant.optional(),
  })
  .strict();

export type LegacyJstCredentials = z.infer<typeof legacyJstSecretSchema>;
export type OpenJstCredentials = z.infer<typeof openJstSecretSchema>;

/** The ERP secret, tagged with the API generation chosen from the fields present (docs/design.md §9). */
export type JstCredentials = ({ generation: 'legacy' } & LegacyJstCredentials) | ({ generation: 'open' } & OpenJstCredentials);

/** The database secret in the RDS format. */
export const dbSecretSchema = z
  .object({
    host: z.string().min(1, 'must be a non-empty string'),
    port: z.coerce.number().int().min(1).max(65535).default(3306),
    username: z.string().min(1, 'must be a non-empty string'),
    password: z.string(),
    dbname: z.string().min(1, 'must be a non-empty string'),
    ssl: z.boolean().optional(),
  })
  // RDS-managed secrets carry extra keys such as `engine` and `dbInstanceIdentifier`.
  .passthrough();

export type DbCredentials = z.infer<typeof dbSecretSchema>;
