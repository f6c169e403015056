import { FecjstError } from '../../errors';
import type { UploadResult } from '../../jst/client';
import type { ErpUploadOrder } from './map-order';

export interface UploadPort {
  uploadOrders(orders: readonly ErpUploadOrder[]): Promise<UploadResult[]>;
}

/** One order's outcome; `callLevel` when the ERP refused every call that contained it. */
export interface IsolatedResult extends UploadResult {
  callLevel?: boolean;
}

/**
 * Error codes of an upload call refused as a whole (after the transport's retries) for which the
 * cause may be one order of the batch: a final code such as 140, an internal error, a 5xx, an
 * unreadable reply. Authentication, network, rate-limit and wrong-URL failures concern the whole
 * ERP and stay run failures (docs/design.md §5).
 */
const ISOLATABLE_CODES: ReadonlySet<string> = new Set(['JST_REJECTED', 'JST_INTERNAL', 'JST_HTTP_5XX', 'JST_NOT_JSON', 'JST_REPLY_INVALID']);

export function isIsolatable(error: unknown): boolean {
  const code = (error as { code?: unknown } | null)?.code;
  return typeof code === 'string' && ISOLATABLE_CODES.has(code);
}

/** The ERP refused this many upload calls in a row: it refuses everything, not one order. A run failure. */
export class ErpRefusesUploadsError extends FecjstError {
  constructor(calls: number, cause: unknown) {
    super(
      'ERP_REFUSES_UPLOADS',
      `the ERP refused ${calls} upload calls in a row (last: ${describeCallError(cause)}); not one order's fault: the run stops`,
      { calls },
      { cause },
    );
  }
}

function describeCallError(error: unknown): string {
  const e = error as { code?: unknown; jstCode?: unknown; message?: unknown };
  const code = typeof e.jstCode === 'number' ? `code ${e.jstCode}` : String(e.code ?? 'error');
  return `${code}: ${String(e.message ?? error)}`.slice(0, 240);
}

/**
 * Uploads a batch; when the ERP refuses the call as a whole, splits it in halves (uploaded together,
 * paced by the client's rate limiter) until the orders that cause the refusal stand alone, so every
 * other order of the batch goes through in the same run (docs/design.md §5). With one such order in a batch
 * of 50 this costs 2·⌈log2 50⌉ = 12 extra calls. A refusal of `maxConsecutiveRefusals` calls in a row,
 * with no call accepted in between, means the ERP refuses everything: ErpRefusesUploadsError.
 */
export class IsolatingUploader {
  calls = 0;
  splits = 0;
  private refusalsInARow = 0;
  private tripped: ErpRefusesUploadsError | undefined;

  constructor(
    private readonly erp: UploadPort,
    private readonly maxConsecutiveRefusals = 16,
  ) {}

  async upload(batch: readonly ErpUploadOrder[]): Promise<IsolatedResult[]> {
    if (batch.length === 0) return [];
    // Once the ERP is known to refuse everything, no further call is made (concurrent halves stop too).
    if (this.tripped) throw this.tripped;
    try {
      this.calls++;
      const results = await this.erp.uploadOrders(batch);
      this.refusalsInARow = 0;
      return results;
    } catch (error) {
      if (!isIsolatable(error)) throw error;
      if (this.tripped) throw this.tripped;
      if (++this.refusalsInARow >= this.maxConsecutiveRefusals) throw (this.tripped = new ErpRefusesUploadsError(this.refusalsInARow, error));
      if (batch.length === 1) {
        return [
          {
            soId: batch[0]!.so_id,
            oId: undefined,
            ok: false,
            callLevel: true,
            message: `the ERP refused the upload call whenever this order was in it (${describeCallError(error)})`,
          },
        ];
      }
      this.splits++;
      const middle = Math.ceil(batch.length / 2);
      const [left, right] = await Promise.all([this.upload(batch.slice(0, middle)), this.upload(batch.slice(middle))]);
      return [...left, ...right];
    }
  }
}
