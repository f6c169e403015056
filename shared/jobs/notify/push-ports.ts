import type { JobName } from '../../domain/job-request';
import type { InboundPush, PushAuthentication } from '../../domain/erp-push';
import type { Clock, Logger, MetricsSink } from '../../domain/ports';

/** What receiveErpPush is given (docs/design.md §18); the real ones are built in wiring/notify-dependencies.ts. */
export interface PushReceiverPorts {
  authenticator: { authenticate(push: InboundPush): Promise<PushAuthentication> };
  replays: { firstSighting(digest: string, nowMs: number): Promise<boolean> };
  /** The hint store of a partition (`syncInventory`, `syncShipping`, `syncShipping#cancel`). */
  hints(partition: string): { add(keys: readonly string[], source: string, nowMs: number): Promise<number> };
  log: {
    accepted(nowMs: number): Promise<void>;
    refused(record: { at: number; reason: string; method: string; bytes: number; detail: string }): Promise<void>;
  };
  wake: { claim(job: string, nowMs: number): Promise<'claimed' | 'queued' | 'recent'> };
  /** Starts a job asynchronously (Lambda `Event` invoke) with the push-trigger event. */
  jobs: { start(job: JobName): Promise<void> };
  clock: Clock;
  logger: Logger;
  metrics: MetricsSink & { countWithDimension?(name: string, dimension: string, value: string, count?: number): void };
}

export interface PushReceiverSettings {
  /** Largest body accepted, bytes. */
  maxBodyBytes: number;
  /** A push whose ts is further than this from now is refused, seconds. */
  timestampWindowSeconds: number;
}
