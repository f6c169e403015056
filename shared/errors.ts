/**
 * Base class of every error fecjst raises on purpose. `code` is stable and machine-readable
 * (alarms, run summaries, tests match on it); `context` carries the facts an operator needs,
 * and must never hold a secret, a token or customer personal data.
 */
export class FecjstError extends Error {
  readonly code: string;
  readonly context: Readonly<Record<string, unknown>>;

  constructor(code: string, message: string, context: Record<string, unknown> = {}, options?: { cause?: unknown }) {
    super(message, options);
    this.name = new.target.name;
    this.code = code;
    this.context = context;
  }

  toJSON(): Record<string, unknown> {
    return { name: this.name, code: this.code, message: this.message, context: this.context };
  }
}

/** Message of any thrown value, for logs and summaries. */
export function errorMessage(error: unknown): string {
  if (error instanceof Error) return error.message;
  return String(error);
}
