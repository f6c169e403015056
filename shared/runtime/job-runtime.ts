import type { Logger as PowertoolsLogger } from '@aws-lambda-powertools/logger';
import type { Metrics } from '@aws-lambda-powertools/metrics';
import type { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { loadEnvironment, type Environment } from '../config/environment';
import { CursorStore } from '../state/cursor-store';
import { LeaseStore } from '../state/lease';
import { RunHistory } from '../state/run-history';
import { createStateDocumentClient } from '../state/state-table';
import type { JobDefinition } from './job-definition';
import type { JobName } from './job-request';
import type { Clock, Logger, MetricsSink } from './ports';
import { systemClock } from './ports';
import { createPowertools, PowertoolsMetricsSink, RedactingLogger } from './powertools-adapters';

/** The state-table adapters of one cold start. */
export interface StateServices {
  doc: DynamoDBDocumentClient;
  leases: LeaseStore;
  cursors: CursorStore;
  history: RunHistory;
}

/**
 * What the middlewares of one function share across invocations (one instance per cold start): the
 * definition, clock, Powertools instances and the lazily parsed environment and state adapters.
 * Per-invocation facts live in `request.internal` (see run-request.ts).
 */
export class JobRuntime<Deps> {
  readonly job: JobName;
  readonly clock: Clock;
  readonly powertools: { logger: PowertoolsLogger; metrics: Metrics };
  readonly logger: Logger;
  readonly metrics: MetricsSink;
  private env: Environment | undefined;
  private stateServices: StateServices | undefined;

  constructor(readonly definition: JobDefinition<Deps>) {
    this.job = definition.job;
    this.clock = definition.clock ?? systemClock;
    this.powertools = createPowertools(this.job, this.processEnv().LOG_LEVEL);
    this.logger = new RedactingLogger(this.powertools.logger);
    this.metrics = new PowertoolsMetricsSink(this.powertools.metrics);
  }

  processEnv(): NodeJS.ProcessEnv {
    return this.definition.environment ?? process.env;
  }

  /** The validated environment, parsed once (a ConfigError naming each bad variable otherwise). */
  environment(): Environment {
    this.env ??= loadEnvironment(this.processEnv());
    return this.env;
  }

  /** The state adapters, built once (needs a valid environment: throws its ConfigError otherwise). */
  state(): StateServices {
    if (!this.stateServices) {
      const env = this.environment();
      const doc = createStateDocumentClient();
      this.stateServices = {
        doc,
        leases: new LeaseStore(doc, env.STATE_TABLE),
        cursors: new CursorStore(doc, env.STATE_TABLE),
        history: new RunHistory(doc, env.STATE_TABLE, env.RUN_HISTORY_DAYS),
      };
    }
    return this.stateServices;
  }

  /** The state adapters if they were built (failure paths must not build them). */
  stateIfBuilt(): StateServices | undefined {
    return this.stateServices;
  }

  get isLocal(): boolean {
    return this.processEnv().IS_LOCAL === 'true';
  }
}
