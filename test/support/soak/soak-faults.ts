import { skuOf } from '../../../dev/fecmall/generator';
import type { FaultConfig, JstSandbox } from '../../../dev/jst-sandbox/server';
import type { HostileReplyConfig } from '../../../dev/jst-sandbox/hostile-replies';

/** What one round does to the ERP and the store besides its faults config. */
export interface RoundPlan {
  faults: FaultConfig;
  hostile: HostileReplyConfig;
  expireToken: boolean;
  dropTokenReply: boolean;
  /** Many SKUs modified in one second (more than a page of the inventory query). */
  denseSecond: boolean;
  /** Kill the job's store connections this many ms into the run (undefined: no kill). */
  killDbAfterMs: number | undefined;
  /** Every upload call holding this order is refused as a whole this round (the uploader isolates it). */
  poisonOrder: boolean;
  /** The Lambda is close to its timeout: the soft deadline passes this many ms into the run (undefined: no cut). */
  deadlineCutAfterMs: number | undefined;
}

/** Per call, the live ERP: errors, slow and lost replies, rejections, rows changing between pages, other tools' calls. */
const FAULTS: FaultConfig = {
  http5xx: 0.05,
  html: 0.03,
  internalError: 0.05,
  disconnect: 0.02,
  malformed: 0.02,
  slow: 0.04,
  slowMs: 300,
  rejectOrder: 0.1,
  omitList: 0.02,
  churn: { probability: 0.3, rows: 2 },
};
const HOSTILE: HostileReplyConfig = { lostReply: 0.04, foreignRateLimit: 0.03 };

/** Draws each round's plan from the soak's seeded PRNG and counts what was injected, by kind. */
export class SoakFaults {
  readonly injected: Record<string, number> = {};

  constructor(
    private readonly random: () => number,
    private readonly products: number,
  ) {}

  plan(): RoundPlan {
    const r = this.random;
    return {
      faults: FAULTS,
      hostile: HOSTILE,
      expireToken: r() < 0.08,
      dropTokenReply: r() < 0.05,
      denseSecond: r() < 0.06,
      killDbAfterMs: r() < 0.15 ? Math.floor(r() * 30) : undefined,
      poisonOrder: r() < 0.08,
      deadlineCutAfterMs: r() < 0.2 ? 5 + Math.floor(r() * 400) : undefined,
    };
  }

  /** Sets the round's ERP behaviour; returns the time the round started (to count its calls). */
  apply(sandbox: JstSandbox, plan: RoundPlan, round: number, poisonSoId: string | undefined): number {
    const poison = plan.poisonOrder && poisonSoId !== undefined;
    // `rejectCallsWithSoIds`: the sandbox's upload rules (code 140 for any call holding that so_id).
    // A stocktake round's ERP stays busy: it touches a row after every multi-page read (issue #26).
    const churn = plan.denseSecond ? { churn: { endpoint: 'inventory' as const, afterRead: true, rows: 1 } } : {};
    sandbox.setFaults({ ...plan.faults, ...churn, ...(poison ? { rejectCallsWithSoIds: [poisonSoId] } : {}) } as FaultConfig, 1000 + round);
    if (poison) this.add('wholeCallRejectedOrder');
    sandbox.hostile.set(plan.hostile, 5000 + round);
    if (plan.expireToken) {
      sandbox.expireAccessToken();
      this.add('accessTokenExpired');
    }
    if (plan.dropTokenReply) {
      sandbox.dropTokenReplies(1);
      this.add('tokenReplyLostArmed');
    }
    if (plan.denseSecond) {
      const second = Math.floor(Date.now() / 1000) * 1000;
      for (let i = 1; i <= this.products; i++) sandbox.state.setStock(skuOf(i), { qty: 100 + Math.floor(this.random() * 150) }, 0, second);
      this.add('denseSecondRows', this.products);
    }
    if (plan.deadlineCutAfterMs !== undefined) this.add('deadlineCut');
    return Date.now();
  }

  /** Counts the round's injected call faults and error codes from the sandbox's call log. */
  countCalls(sandbox: JstSandbox, sinceMs: number): void {
    for (const call of sandbox.calls()) {
      if (call.at < sinceMs) continue;
      if (typeof call.code === 'string') this.add(call.code);
      else if (call.code === 100) this.add('tokenExpiredReplies');
      else if (call.code === 199 || call.code === 200) this.add('rateLimited');
    }
  }

  add(kind: string, n = 1): void {
    this.injected[kind] = (this.injected[kind] ?? 0) + n;
  }
}
