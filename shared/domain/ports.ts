/**
 * The small ports every use case receives (docs/design.md §1), on the ground floor so that adapters and
 * use cases may name them (docs/architecture.md). Powertools' Logger and Metrics satisfy
 * them structurally; tests pass in-memory ones.
 */
export interface Logger {
  debug(message: string, extra?: Record<string, unknown>): void;
  info(message: string, extra?: Record<string, unknown>): void;
  warn(message: string, extra?: Record<string, unknown>): void;
  error(message: string, extra?: Record<string, unknown>): void;
}

export interface Clock {
  /** Milliseconds since the epoch. */
  now(): number;
}

export const systemClock: Clock = { now: () => Date.now() };

/** Counts and gauges published as CloudWatch metrics (EMF). Names come from metric-names.ts. */
export interface MetricsSink {
  count(name: string, value?: number): void;
  gauge(name: string, value: number, unit?: 'Count' | 'Seconds' | 'Milliseconds'): void;
}

/** Lambda soft deadline: `expired()` is checked between pages (docs/design.md §6). */
export interface Deadline {
  expired(): boolean;
  remainingMs(): number;
}

export const noDeadline: Deadline = { expired: () => false, remainingMs: () => Number.POSITIVE_INFINITY };

export const silentLogger: Logger = { debug: () => {}, info: () => {}, warn: () => {}, error: () => {} };
export const nullMetrics: MetricsSink = { count: () => {}, gauge: () => {} };
