import { Logger as PowertoolsLogger } from '@aws-lambda-powertools/logger';
import { Metrics, MetricUnit } from '@aws-lambda-powertools/metrics';
import type { Logger, MetricsSink } from '../domain/ports';
import { METRIC_NAMESPACE } from '../domain/metric-names';
import { redact, redactingJsonReplacer } from './redact';

type PowertoolsLogLevel = 'TRACE' | 'DEBUG' | 'INFO' | 'WARN' | 'ERROR' | 'SILENT' | 'CRITICAL';

/**
 * The Logger port over Powertools (JSON lines). Structured fields are redacted here, and every line
 * passes the redacting JSON replacer too (see createPowertools), so nothing sensitive gets through
 * either door.
 */
export class RedactingLogger implements Logger {
  constructor(readonly powertools: PowertoolsLogger) {}
  debug(message: string, extra?: Record<string, unknown>) {
    this.powertools.debug(message, redact(extra ?? {}) as Record<string, unknown>);
  }
  info(message: string, extra?: Record<string, unknown>) {
    this.powertools.info(message, redact(extra ?? {}) as Record<string, unknown>);
  }
  warn(message: string, extra?: Record<string, unknown>) {
    this.powertools.warn(message, redact(extra ?? {}) as Record<string, unknown>);
  }
  error(message: string, extra?: Record<string, unknown>) {
    this.powertools.error(message, redact(extra ?? {}) as Record<string, unknown>);
  }
}

/** The MetricsSink port over Powertools Metrics (EMF on stdout; namespace Fecjst, dimension service = job). */
export class PowertoolsMetricsSink implements MetricsSink {
  constructor(readonly powertools: Metrics) {}
  count(name: string, value = 1) {
    this.powertools.addMetric(name, MetricUnit.Count, value);
  }
  /** A count published on its own with one more dimension (e.g. PushesRefused by `reason`). */
  countWithDimension(name: string, dimension: string, value: string, count = 1) {
    const single = this.powertools.singleMetric();
    single.addDimension(dimension, value);
    single.addMetric(name, MetricUnit.Count, count);
  }
  gauge(name: string, value: number, unit: 'Count' | 'Seconds' | 'Milliseconds' = 'Count') {
    this.powertools.addMetric(name, unit === 'Seconds' ? MetricUnit.Seconds : unit === 'Milliseconds' ? MetricUnit.Milliseconds : MetricUnit.Count, value);
  }
}

/** Powertools Logger (service = job, redacting replacer) and Metrics (namespace Fecjst, service = job). */
export function createPowertools(job: string, logLevel: string | undefined): { logger: PowertoolsLogger; metrics: Metrics } {
  const level = (logLevel ?? process.env.LOG_LEVEL ?? 'INFO').trim().toUpperCase() as PowertoolsLogLevel;
  return {
    logger: new PowertoolsLogger({ serviceName: job, logLevel: level, jsonReplacerFn: redactingJsonReplacer }),
    metrics: new Metrics({ namespace: METRIC_NAMESPACE, serviceName: job }),
  };
}
