import { seededRandom } from './seeded-random';
import type { UploadRules } from './upload-rules';

/** Probabilities (0..1) of each injected fault, per business call. */
export interface FaultConfig extends UploadRules {
  /** HTTP 502 with an HTML body. */
  http5xx?: number;
  /** Code 150 (internal error) with HTTP 200. */
  internalError?: number;
  /** An HTML maintenance page with HTTP 200. */
  html?: number;
  /** The connection is closed without a reply (a network error for the client). */
  disconnect?: number;
  /** A reply with code 0 whose payload does not have the documented shape. */
  malformed?: number;
  /** A slow reply, delayed by `slowMs` (default 2000). */
  slow?: number;
  slowMs?: number;
  /** One order of an upload is rejected (issuccess: false). */
  rejectOrder?: number;
}

export type InjectedFault = 'http5xx' | 'internalError' | 'html' | 'disconnect' | 'malformed';

/** Draws faults from a seeded PRNG, so a run with the same seed and calls replays the same faults. */
export class FaultInjector {
  private config: FaultConfig = {};
  private random: () => number;
  injected = 0;

  constructor(config: FaultConfig = {}, seed = 42) {
    this.config = config;
    this.random = seededRandom(seed);
  }

  set(config: FaultConfig, seed?: number): void {
    this.config = { ...config };
    if (seed !== undefined) this.random = seededRandom(seed);
  }

  get current(): FaultConfig {
    return { ...this.config };
  }

  /** The fault that replaces this call's reply, if any. */
  drawCallFault(): InjectedFault | undefined {
    for (const fault of ['http5xx', 'html', 'disconnect', 'internalError', 'malformed'] as const) {
      if (this.chance(this.config[fault])) return fault;
    }
    return undefined;
  }

  /** Milliseconds to delay this reply (0 when not slow). */
  drawDelayMs(): number {
    return this.chance(this.config.slow) ? (this.config.slowMs ?? 2000) : 0;
  }

  drawOrderRejection(): boolean {
    return this.chance(this.config.rejectOrder);
  }

  /** A number from the same seeded sequence (for tokens and other sandbox randomness). */
  next(): number {
    return this.random();
  }

  private chance(p: number | undefined): boolean {
    if (!p || !(this.random() < p)) return false;
    this.injected++;
    return true;
  }
}
