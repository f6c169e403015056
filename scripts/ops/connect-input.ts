import { readFileSync } from 'node:fs';
import { z } from 'zod';
import { dbSecretSchema, legacyJstSecretSchema, type DbCredentials } from '../../shared/config/secret-shapes';
import { FecjstError } from '../../shared/errors';
import { describeZodIssues } from '../../shared/config/config-error';

/** The connect input is missing, not JSON, or not the documented shape; names the fields, never a value. */
export class ConnectInputError extends FecjstError {
  constructor(message: string, context: Record<string, unknown> = {}) {
    super('CONNECT_INPUT_INVALID', message, context);
  }
}

const nonEmpty = z.string().min(1, 'must be a non-empty string');

/** Open platform: app key and secret; the token pair too, or neither (connect then asks getInitToken). */
const openInputSchema = z
  .object({ appKey: nonEmpty, appSecret: nonEmpty, accessToken: nonEmpty.optional(), refreshToken: nonEmpty.optional() })
  .strict()
  .refine((v) => (v.accessToken === undefined) === (v.refreshToken === undefined), {
    message: 'give accessToken and refreshToken together, or neither (getInitToken then issues them)',
  });

const legacyInputSchema = legacyJstSecretSchema.omit({ tokenRefreshedAt: true });

export type JstInput = z.infer<typeof openInputSchema> | z.infer<typeof legacyInputSchema>;

/** What `ops connect` takes: the ERP credentials (either generation) and the store database's. */
export interface ConnectInput {
  jst: JstInput;
  db: DbCredentials;
}

/** Validates a connect input (from a file or the prompts): `{ "jst": {…}, "db": {…} }`. */
export function parseConnectInput(value: unknown, source: string): ConnectInput {
  if (typeof value !== 'object' || value === null || Array.isArray(value))
    throw new ConnectInputError(`${source}: expected a JSON object { "jst": {…}, "db": {…} }`);
  const { jst, db, ...rest } = value as Record<string, unknown>;
  const unknownKeys = Object.keys(rest);
  if (unknownKeys.length > 0) throw new ConnectInputError(`${source}: unknown field(s) ${unknownKeys.join(', ')} (expected jst and db)`);
  if (typeof jst !== 'object' || jst === null)
    throw new ConnectInputError(`${source}: jst is missing (open platform: appKey, appSecret; legacy: partnerId, partnerKey, token)`);
  const schema = 'partnerId' in jst ? legacyInputSchema : openInputSchema;
  const parsedJst = schema.safeParse(jst);
  if (!parsedJst.success) throw new ConnectInputError(`${source}: jst is invalid: ${describeZodIssues(parsedJst.error)}`);
  const parsedDb = dbSecretSchema.safeParse(db);
  if (!parsedDb.success) throw new ConnectInputError(`${source}: db is invalid: ${describeZodIssues(parsedDb.error)}`);
  return { jst: parsedJst.data, db: parsedDb.data };
}

/** Reads `--from-file F`; the file's content never appears in a message. */
export function readConnectFile(path: string): ConnectInput {
  let text: string;
  try {
    text = readFileSync(path, 'utf8');
  } catch (error) {
    throw new ConnectInputError(`cannot read ${path}: ${(error as { code?: string }).code ?? 'error'}`);
  }
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch {
    throw new ConnectInputError(`${path} is not valid JSON`);
  }
  return parseConnectInput(value, path);
}

/** Asks for each field on the terminal: secrets with hidden input, the rest visibly. */
export async function promptConnectInput(ask: (q: string) => Promise<string>, askSecret: (q: string) => Promise<string>): Promise<ConnectInput> {
  const generation = (await ask('ERP API generation, open or legacy [open]: ')) || 'open';
  let jst: Record<string, string>;
  if (generation === 'legacy')
    jst = { partnerId: await ask('partner id: '), partnerKey: await askSecret('partner key (hidden): '), token: await askSecret('token (hidden): ') };
  else {
    jst = { appKey: await ask('app key: '), appSecret: await askSecret('app secret (hidden): ') };
    const accessToken = await askSecret('access token (hidden; empty: a self-developed app gets a new pair with getInitToken): ');
    if (accessToken) Object.assign(jst, { accessToken, refreshToken: await askSecret('refresh token (hidden): ') });
  }
  const db = {
    host: await ask('store database host: '),
    port: (await ask('port [3306]: ')) || '3306',
    username: await ask('user: '),
    password: await askSecret('password (hidden): '),
    dbname: await ask('database name: '),
  };
  return parseConnectInput({ jst, db }, 'the prompts');
}
