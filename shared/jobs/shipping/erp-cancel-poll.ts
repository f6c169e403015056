import { MAX_RANGE_MS } from '../../domain/erp-range';
import type { JstClient } from '../../jst/client';
import type { QueriedOrder } from '../../jst/reply-schemas';
import type { RunContext } from '../run-context';
import { sweepWindow, type SweepStats } from '../window-sweep';
import { ERP_CANCELLED_STATUS } from './cancelled-in-erp';

type Ctx = Pick<RunContext, 'request' | 'env' | 'cursors' | 'clock' | 'deadline'>;

/** The syncShipping cursor position of the poll: epoch ms up to which the ERP's cancelled orders were listed. */
export const ERP_CANCEL_POSITION = 'erpCancellations';
/** Legacy's order page maximum (docs/erp-api.md §3d), used for both generations. */
const ORDER_PAGE_SIZE = 50;
/** A poll stops collecting (and commits no further) once this many candidates wait to be verified. */
export const MAX_POLLED_CANDIDATES = 200;

export interface ErpCancelPoll {
  /** Whether the poll ran this time (it runs at most every ERP_CANCEL_POLL_MINUTES). */
  ran: boolean;
  /** so_ids the ERP listed as cancelled in the window (to be verified by so_id). */
  soIds: string[];
  pages: number;
  window?: { fromMs: number; toMs: number };
  /** Moves the position to what was read; call only after every candidate was verified and recorded. */
  commit(): Promise<void>;
}

/**
 * Finds ERP cancellations no push announced (docs/design.md §15): the order query over the modified
 * window since the last poll (lookback included), asking for status Cancelled only, walked with the
 * same loss-free sweep as the incremental windows (docs/design.md §3). Runs at most every
 * ERP_CANCEL_POLL_MINUTES, so an idle poll costs one ERP call per interval, none in between.
 */
export async function pollErpCancellations(erp: Pick<JstClient, 'orderPage'>, ctx: Ctx): Promise<ErpCancelPoll> {
  const none: ErpCancelPoll = { ran: false, soIds: [], pages: 0, commit: async () => {} };
  const intervalMs = ctx.env.ERP_CANCEL_POLL_MINUTES * 60_000;
  if (intervalMs === 0) return none;
  const position = await ctx.cursors.read<number>(ERP_CANCEL_POSITION);
  const untilMs = ctx.clock.now() - ctx.env.SETTLE_LAG_SECONDS * 1000;
  if (position !== undefined && untilMs - position < intervalMs) return none;
  const fromMs = position !== undefined ? position - ctx.env.LOOKBACK_SECONDS * 1000 : untilMs - ctx.env.SHIPPING_INITIAL_LOOKBACK_HOURS * 3600_000;
  const soIds = new Set<string>();
  let lostRow = false;
  let reached = fromMs;
  const stats: SweepStats = { pages: 0, narrowed: 0, verifiedSeconds: 0 };
  const result = await sweepWindow<QueriedOrder>(
    {
      readPage: (modified, pageIndex) =>
        erp.orderPage({ modified, status: ERP_CANCELLED_STATUS, shopId: ctx.env.JST_SHOP_ID, pageSize: ORDER_PAGE_SIZE }, pageIndex),
      keyOf: (row) => String(row.o_id),
      modifiedOf: (row) => row.modified,
      pageSize: ORDER_PAGE_SIZE,
    },
    {
      apply: async (page) => {
        for (const row of page.rows) if (row.status === ERP_CANCELLED_STATUS && row.shop_id === ctx.env.JST_SHOP_ID) soIds.add(row.so_id);
        // A row that does not have the documented shape is verified by so_id like the others; one
        // without a so_id cannot be, so the position is not moved past it.
        for (const bad of page.invalid) if (bad.key) soIds.add(bad.key);
        if (page.invalid.some((bad) => !bad.key)) lostRow = true;
      },
      expired: () => lostRow || soIds.size >= MAX_POLLED_CANDIDATES || ctx.deadline.expired(),
      onComplete: async (doneMs) => {
        if (!lostRow) reached = Math.min(doneMs, untilMs);
      },
    },
    { fromMs, toMs: untilMs },
    MAX_RANGE_MS,
    stats,
  );
  const target = result.complete && !lostRow ? untilMs : reached;
  const commits = !ctx.request.dryRun && target > (position ?? Number.NEGATIVE_INFINITY);
  return {
    ran: true,
    soIds: [...soIds],
    pages: stats.pages,
    window: { fromMs, toMs: untilMs },
    commit: async () => {
      if (commits) await ctx.cursors.advance(ERP_CANCEL_POSITION, target);
    },
  };
}
