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
  /** Inventory/logistics page replies with code 0 and paging fields but no list (a malformed reply). */
  omitList?: number;
  /** A stale copy (older `modified`) of the page's first row is added to the page. */
  duplicateRow?: number;
  /** Logistics: a row of another shop is added to the page. */
  foreignShopRow?: number;
  /** Logistics: the first row's `send_date` is not a date. */
  badSendDate?: number;
  /** Rows change between pages (see ChurnConfig). */
  churn?: ChurnConfig;
}

/**
 * "After serving page N of a modified-range query, modify K of the rows just served": their
 * `modified` becomes now, so they leave the queried range and every later row moves up a place —
 * what makes page-number paging over a live window skip rows (issue #13).
 */
export interface ChurnConfig {
  /** Which query (default both). */
  endpoint?: 'inventory' | 'logistics';
  /** Pages with this index or higher trigger it (default 1). */
  afterPage?: number;
  /** Rows modified per triggering page (default 1). */
  rows?: number;
  /** How many pages trigger it in all (default unlimited). */
  times?: number;
  /** Chance that a page triggers it (default 1). */
  probability?: number;
  /**
   * Instead of rows of the page just served: after the LAST page of an answer of several pages (a whole
   * read of a dense second, issue #26), modify K rows of its first page — a busy ERP touching a row after
   * every multi-page read, so no two reads of that second ever serve the same rows.
   */
  afterRead?: boolean;
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

  /** Pages that triggered churn since the last set(). */
  churned = 0;

  set(config: FaultConfig, seed?: number): void {
    this.config = { ...config };
    this.churned = 0;
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

  /** Whether this page reply is tampered with in the given way. */
  drawTamper(kind: 'omitList' | 'duplicateRow' | 'foreignShopRow' | 'badSendDate'): boolean {
    return this.chance(this.config[kind]);
  }

  /**
   * How many rows to modify now (0: none) after serving page `pageIndex` of `endpoint`: rows of that page,
   * or — with `afterRead` — rows of the answer's first page once its last page (`lastOfSeveral`) was served.
   */
  drawChurn(endpoint: 'inventory' | 'logistics', pageIndex: number, lastOfSeveral = false): number {
    const churn = this.config.churn;
    if (!churn || (churn.endpoint && churn.endpoint !== endpoint)) return 0;
    if (churn.afterRead ? !lastOfSeveral : pageIndex < (churn.afterPage ?? 1)) return 0;
    if ((churn.times ?? Number.POSITIVE_INFINITY) <= this.churned) return 0;
    if (churn.probability !== undefined && !(this.random() < churn.probability)) return 0;
    this.churned++;
    return churn.rows ?? 1;
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
