import { errorMessage, FecjstError } from '../errors';
import { maskSensitiveText } from './redact';

/**
 * A run-level failure of a job whose cause was not one of fecjst's typed errors (a driver error, a
 * bug). Re-thrown so Lambda records an Error and the alarm fires; the message is masked, because
 * Lambda itself prints a handler's error.
 */
export class RunFailedError extends FecjstError {
  constructor(job: string, cause: unknown) {
    const code = (cause as { code?: unknown })?.code;
    super('RUN_FAILED', `${job}: run failed: ${maskSensitiveText(errorMessage(cause))}`, { job, causeName: (cause as Error)?.name, causeCode: typeof code === 'string' ? code : undefined }, { cause });
  }
}

/** The typed error to re-throw: fecjst's own errors as they are, anything else wrapped. */
export function toRunFailure(job: string, error: unknown): FecjstError {
  return error instanceof FecjstError ? error : new RunFailedError(job, error);
}
