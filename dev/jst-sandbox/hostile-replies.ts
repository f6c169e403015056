import { ERP_MESSAGES, SandboxError } from './sandbox-error';
import { seededRandom } from './seeded-random';

/** Probabilities (0..1) per business call of two live behaviours of a busy ERP account. */
export interface HostileReplyConfig {
  /**
   * The ERP acted (an upload stored, a page served) and the reply was lost: the connection closes
   * before the answer, so the client sees a network error for a call that took effect.
   */
  lostReply?: number;
  /**
   * Other tools on the same account spent the call budget: the call is answered with the rate-limit
   * code (199 per second, 200 per minute; docs/erp-api.md §2.7) without reaching the endpoint.
   */
  foreignRateLimit?: number;
}

/** Seeded draws of the hostile replies (the soak sets them per round; none by default). */
export class HostileReplies {
  private config: HostileReplyConfig = {};
  private random = seededRandom(7);
  readonly injected = { lostReply: 0, foreignRateLimit: 0 };

  set(config: HostileReplyConfig, seed?: number): void {
    this.config = { ...config };
    if (seed !== undefined) this.random = seededRandom(seed);
  }

  /** Throws the rate-limit error another tool's calls would cause (before the endpoint acts). */
  checkForeignRateLimit(generation: 'legacy' | 'open'): void {
    if (!this.draw(this.config.foreignRateLimit)) return;
    this.injected.foreignRateLimit++;
    // Legacy documents only code 200 (docs/erp-api.md §1.5).
    throw generation === 'open' && this.random() < 0.5 ? new SandboxError(199, ERP_MESSAGES.perSecond) : new SandboxError(200, ERP_MESSAGES.perMinute);
  }

  /** Whether the reply of a call that already took effect is lost now. */
  drawLostReply(): boolean {
    if (!this.draw(this.config.lostReply)) return false;
    this.injected.lostReply++;
    return true;
  }

  private draw(p: number | undefined): boolean {
    return p !== undefined && p > 0 && this.random() < p;
  }
}
