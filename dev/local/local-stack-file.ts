import { createHash } from 'node:crypto';
import { existsSync, mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';

/** Where the local stack keeps its record (FECJST_LOCAL_DIR, default `<repo>/.local-stack`). */
export function localStackDir(): string {
  return process.env.FECJST_LOCAL_DIR ?? join(__dirname, '..', '..', '.local-stack');
}

/** What `npm run local -- up` started or found, and the processes it owns (stopped by PID at `down`). */
export interface LocalStack {
  stage: 'local';
  region: string;
  sandbox: { url: string; pid: number };
  dynamodb: { endpoint: string; pid: number };
  secretsManager: { endpoint: string; pid: number };
  mysql: { url: string; source: string; pid?: number; database: string };
  /** erpNotify behind a local Function URL (stack-erp-notify.ts), the sandbox's push target. */
  erpNotify?: { url: string; pid: number };
  table: string;
  jstSecretId: string;
  dbSecretId: string;
  shopId: number;
  startedAt: string;
}

const file = () => join(localStackDir(), 'stack.json');

export function readLocalStack(): LocalStack | undefined {
  if (!existsSync(file())) return undefined;
  return JSON.parse(readFileSync(file(), 'utf8')) as LocalStack;
}

export function writeLocalStack(stack: LocalStack): void {
  mkdirSync(localStackDir(), { recursive: true });
  writeFileSync(file(), JSON.stringify(stack, null, 2));
}

export function forgetLocalStack(): void {
  rmSync(localStackDir(), { recursive: true, force: true });
}

/** The local stack's database name (one per stack directory, so tests do not meet a user's stack). */
export function localDatabaseName(): string {
  const dir = localStackDir();
  if (dir === join(__dirname, '..', '..', '.local-stack')) return 'fecjst_local';
  return `fecjst_local_${createHash('sha256').update(dir).digest('hex').slice(0, 8)}`;
}

export function isAlive(pid: number | undefined): boolean {
  if (!pid) return false;
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
}

/** Points the AWS SDK of this process at the local stack's emulators (the standard variables only). */
export function useLocalStackEndpoints(stack: LocalStack): void {
  process.env.AWS_ENDPOINT_URL_DYNAMODB = stack.dynamodb.endpoint;
  process.env.AWS_ENDPOINT_URL_SECRETS_MANAGER = stack.secretsManager.endpoint;
  process.env.AWS_REGION = stack.region;
  process.env.AWS_ACCESS_KEY_ID ??= 'local';
  process.env.AWS_SECRET_ACCESS_KEY ??= 'local';
}
