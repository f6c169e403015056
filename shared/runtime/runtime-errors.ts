import { errorMessage, FecjstError } from '../errors';
import { maskSensitiveText } from './redact';

/** Names of the dependencies a raw (untyped) error can be traced to, for operator-readable messages. */
export interface DependencyNames {
  /** DB_SECRET_ID: the store database's credentials. */
  dbSecretId?: string;
  /** STATE_TABLE. */
  stateTable?: string;
}

/**
 * A run-level failure of a job whose cause was not one of fecjst's typed errors (a driver error, a
 * bug). Re-thrown so Lambda records an Error and the alarm fires; the message is masked, because
 * Lambda itself prints a handler's error, and names the failing dependency when the cause shows it
 * (a mysql2 error: the store database and its secret; an AWS SDK error: the state table).
 */
export class RunFailedError extends FecjstError {
  constructor(job: string, cause: unknown, names: DependencyNames = {}) {
    const code = (cause as { code?: unknown })?.code;
    const dependency = failingDependency(cause, names);
    const prefix = dependency ? `${dependency.description}: ` : '';
    super(
      'RUN_FAILED',
      `${job}: run failed: ${prefix}${maskSensitiveText(errorMessage(cause))}`,
      {
        job,
        causeName: (cause as Error)?.name,
        causeCode: typeof code === 'string' ? code : undefined,
        dependency: dependency?.kind,
      },
      { cause },
    );
  }
}

/** The state table could not be used (unreachable, missing, access denied). */
export class StateTableError extends FecjstError {
  constructor(table: string, action: string, cause: unknown) {
    super(
      'STATE_TABLE_UNAVAILABLE',
      `state table ${table} (STATE_TABLE): could not ${action}: ${maskSensitiveText(errorMessage(cause))}`,
      {
        table,
        causeName: (cause as Error)?.name,
      },
      { cause },
    );
  }
}

/** The typed error to re-throw: fecjst's own errors as they are, anything else wrapped. */
export function toRunFailure(job: string, error: unknown, names: DependencyNames = {}): FecjstError {
  return error instanceof FecjstError ? error : new RunFailedError(job, error, names);
}

function failingDependency(cause: unknown, names: DependencyNames): { kind: string; description: string } | undefined {
  if (typeof cause !== 'object' || cause === null) return undefined;
  const c = cause as { code?: unknown; fatal?: unknown; sqlState?: unknown; $metadata?: unknown };
  const code = typeof c.code === 'string' ? c.code : '';
  if (typeof c.fatal === 'boolean' || typeof c.sqlState === 'string' || code.startsWith('ER_') || code.startsWith('PROTOCOL_')) {
    return { kind: 'store-database', description: `store database (credentials in secret ${names.dbSecretId ?? 'DB_SECRET_ID'})` };
  }
  if (c.$metadata !== undefined) return { kind: 'aws', description: `AWS service (state table ${names.stateTable ?? 'STATE_TABLE'} or Secrets Manager)` };
  return undefined;
}
