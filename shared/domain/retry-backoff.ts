/** Backoff arithmetic for retried items (rejected orders, retry-set items): pure, so use cases and adapters share it. */

/** First wait after a rejection, and the longest wait between attempts. */
export const RETRY_BASE_MS = 5 * 60_000;
export const RETRY_CAP_MS = 12 * 3600_000;

/** Wait before the next attempt after `attempts` failures in a row: 5 min, 10, 20 … capped at 12 h. */
export function retryDelayMs(attempts: number): number {
  const exponent = Math.min(Math.max(0, attempts - 1), 30);
  return Math.min(RETRY_CAP_MS, RETRY_BASE_MS * 2 ** exponent);
}

/** When a rejected order may be tried again (epoch ms). */
export function nextRetryAt(attempts: number, nowMs: number): number {
  return nowMs + retryDelayMs(attempts);
}
