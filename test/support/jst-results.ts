import { JstApiError } from '../../shared/jst/jst-errors';

/** Every row of a paged ERP query, in order. */
export async function collectRows<T>(pages: AsyncIterable<{ rows: T[] }>): Promise<T[]> {
  const all: T[] = [];
  for await (const page of pages) all.push(...page.rows);
  return all;
}

/** The JstApiError a call failed with (any other outcome fails the test). */
export async function failureOf(promise: Promise<unknown>): Promise<JstApiError> {
  const outcome = await promise.then(
    () => undefined,
    (e: unknown) => e,
  );
  if (!(outcome instanceof JstApiError)) throw new Error(`expected a JstApiError, got ${String(outcome)}`);
  return outcome;
}
