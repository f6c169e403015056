import { z } from 'zod';
import { FecjstError } from '../errors';

/** Configuration (environment, secrets, event) that an operator must fix before the job can run. */
export class ConfigError extends FecjstError {
  constructor(code: string, message: string, context: Record<string, unknown> = {}, options?: { cause?: unknown }) {
    super(code, message, context, options);
  }
}

/**
 * Turns zod issues into one readable sentence naming every offending field, e.g.
 * `JST_SHOP_ID: expected a positive integer; STATE_TABLE: required`.
 * Only paths and zod's messages are printed, never the offending values (they may be secrets).
 */
export function describeZodIssues(error: z.ZodError): string {
  return error.issues
    .map((issue) => {
      const path = issue.path.length > 0 ? issue.path.join('.') : '(root)';
      return `${path}: ${issue.message}`;
    })
    .join('; ');
}
