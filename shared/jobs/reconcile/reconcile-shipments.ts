import type { ShipmentRepository, ShipmentResult } from '../../fecmall/shipment-repository';
import type { JstClient, Page } from '../../jst/client';
import type { LogisticsOrder } from '../../jst/reply-schemas';
import type { RunContext } from '../run-context';
import { MetricNames } from '../../domain/metric-names';
import type { ItemFailure, RunOutcome } from '../../domain/run-outcome';
import { toShipments } from '../shipping/logistics-rows';
import { sweepWindow, type SweepStats } from '../window-sweep';
import { beginPass, checkpoint, finishPass, MAX_DRIFT_EXAMPLES } from './reconcile-pass';

export interface ReconcileShipmentsPorts {
  erp: Pick<JstClient, 'logisticsPage'>;
  shipments: Pick<ShipmentRepository, 'apply' | 'plan'>;
}

type Ctx = Pick<RunContext, 'request' | 'env' | 'cursors' | 'clock' | 'logger' | 'metrics' | 'deadline'>;

/** The pass's fixed window, how far it got (epoch ms) and the sweep's next range width. */
interface ShipmentsPass {
  fromMs: number;
  toMs: number;
  reachedMs: number;
  widthMs?: number;
}

/** The logistics query's largest page (docs/erp-api.md §3c). */
const LOGISTICS_PAGE_SIZE = 50;
/** The first range tried; the sweep sizes the next ones by the rows it finds. */
const START_WIDTH_MS = 86_400_000;

/** Outcomes of a planned shipment that mean the store lacks what the ERP shipped. */
const MISSING: ReadonlySet<ShipmentResult['outcome']> = new Set(['applied', 'tracking_added']);

/**
 * syncShipping in reconcile mode (issue #16): reads the ERP's logistics query over the whole order
 * horizon with the loss-free window sweep of the incremental walk (docs/design.md §3), and checks that each shipped order carries its tracking
 * numbers and dispatched status in the store; the missing ones are applied with the shipment
 * repository (not on a dry run). The window ends at the incremental cursor, so only what the
 * incremental runs should already have applied counts as drift. Stops at the deadline; the
 * `reconcile` cursor keeps the pass's position.
 */
export async function reconcileShipments(ports: ReconcileShipmentsPorts, ctx: Ctx): Promise<RunOutcome> {
  const counts: Record<string, number> = {
    erpRows: 0,
    withoutTracking: 0,
    shipmentsChecked: 0,
    inStep: 0,
    missingInStore: 0,
    applied: 0,
    tracking_added: 0,
    not_applied: 0,
    unknown: 0,
    cancelled: 0,
    not_shippable: 0,
  };
  const failures: ItemFailure[] = [];
  const examples: Array<{ incrementId: string; drift: string; status?: string; healed: boolean }> = [];
  const pass = await beginPass<ShipmentsPass>(ctx, async () => {
    const incremental = await ctx.cursors.read<number>('incremental');
    const toMs = Math.min(ctx.clock.now() - ctx.env.SETTLE_LAG_SECONDS * 1000, incremental ?? Number.POSITIVE_INFINITY);
    const fromMs = toMs - ctx.env.ORDER_HORIZON_DAYS * 86_400_000;
    return { fromMs, toMs, reachedMs: fromMs };
  });
  if (pass.upToDate) return pass.outcome;
  const { fromMs, toMs } = pass.progress;

  const checkPage = async (page: Page<LogisticsOrder>): Promise<void> => {
    counts.erpRows! += page.rows.length + page.invalid.length;
    for (const bad of page.invalid)
      failures.push({ key: bad.key ?? '(no so_id)', reason: `ERP logistics row does not have the documented shape: ${bad.problem}` });
    const mapped = toShipments(page.rows, { shopId: ctx.env.JST_SHOP_ID, carrierMap: ctx.env.CARRIER_MAP, nowMs: ctx.clock.now() });
    counts.withoutTracking! += mapped.withoutTracking;
    for (const f of mapped.failures) failures.push({ key: f.key, reason: f.reason });
    const shipments = mapped.shipments;
    if (shipments.length === 0) return;
    counts.shipmentsChecked! += shipments.length;
    const planned = await ports.shipments.plan(shipments);
    const missing = shipments.filter((_, i) => MISSING.has(planned[i]!.outcome));
    for (const p of planned) {
      if (MISSING.has(p.outcome)) counts.missingInStore!++;
      else if (p.outcome === 'already_shipped') counts.inStep!++;
      else counts[p.outcome] = (counts[p.outcome] ?? 0) + 1;
    }
    const applied = ctx.request.dryRun || missing.length === 0 ? [] : await ports.shipments.apply(missing);
    const healed = new Set<string>();
    for (const r of applied) {
      if (MISSING.has(r.outcome)) {
        counts[r.outcome] = (counts[r.outcome] ?? 0) + 1;
        healed.add(r.incrementId);
      } else {
        counts.not_applied!++;
        failures.push({
          key: r.incrementId,
          reason: `shipment missing in the store could not be applied (${r.outcome}, status ${r.status ?? '(none)'}); syncShipping retries what it cannot apply`,
        });
      }
    }
    for (const p of planned) {
      if (!MISSING.has(p.outcome) || examples.length >= MAX_DRIFT_EXAMPLES) continue;
      examples.push({
        incrementId: p.incrementId,
        drift: p.outcome === 'applied' ? 'not dispatched in the store' : 'tracking number missing in the store',
        status: p.status,
        healed: healed.has(p.incrementId),
      });
    }
  };

  let after: unknown = pass.before;
  const stats: SweepStats = { pages: 0, narrowed: 0, verifiedSeconds: 0 };
  const query = { dateType: 0 as const, shopId: ctx.env.JST_SHOP_ID, pageSize: LOGISTICS_PAGE_SIZE };
  const swept = await sweepWindow(
    {
      readPage: (modified, pageIndex) => ports.erp.logisticsPage({ ...query, modified }, pageIndex),
      keyOf: (row) => String(row.o_id),
      modifiedOf: (row) => row.modified,
      pageSize: LOGISTICS_PAGE_SIZE,
    },
    {
      apply: checkPage,
      onComplete: async (doneMs, widthMs) => void (after = await checkpoint(ctx, pass.startedAt, { fromMs, toMs, reachedMs: Math.min(doneMs, toMs), widthMs })),
      expired: () => ctx.deadline.expired(),
    },
    { fromMs: pass.progress.reachedMs, toMs },
    pass.progress.widthMs ?? START_WIDTH_MS,
    stats,
  );
  const complete = swept.complete;
  if (complete) after = await finishPass(ctx);
  Object.assign(counts, { erpPages: stats.pages, rangesNarrowed: stats.narrowed });

  ctx.metrics.count(MetricNames.shipmentsMissingInStore, counts.missingInStore!);
  if (counts.missingInStore! > 0) ctx.logger.warn('shipments missing in the store', { missing: counts.missingInStore, examples });
  return {
    window: { from: new Date(fromMs).toISOString(), to: new Date(toMs).toISOString() },
    complete,
    counts,
    failures,
    cursor: { before: pass.before, after: ctx.request.dryRun ? pass.before : after },
    details: { driftExamples: examples },
  };
}
