import type { OrderRepository, StoreOrder } from '../../fecmall/order-repository';
import { formatBeijingSeconds } from '../../domain/beijing-time';
import type { JstClient } from '../../jst/client';
import type { QueriedOrder } from '../../jst/reply-schemas';
import { chunkList } from '../../domain/chunk-list';
import type { RunContext } from '../run-context';
import { MetricNames } from '../../domain/metric-names';
import type { ItemFailure, RunOutcome } from '../../domain/run-outcome';
import { nextRetryAt } from '../../domain/retry-backoff';
import type { LedgerEntry, OrderLedger } from '../../state/order-ledger';
import { mapOrderToErp, type ErpUploadOrder } from '../orders/map-order';
import { payloadHash } from '../orders/payload-hash';
import { IDENTITY_SKU_MAPPING, type SkuMappingSource } from '../../domain/sku-mapping';
import { orderDrift, type OrderDrift } from './order-drift';
import { beginPass, checkpoint, finishPass, MAX_DRIFT_EXAMPLES } from './reconcile-pass';

export interface ReconcileOrdersPorts {
  erp: Pick<JstClient, 'queryOrders' | 'uploadOrders'>;
  orders: Pick<OrderRepository, 'databaseNow' | 'horizonStartOrderId' | 'readOrdersAfter'>;
  ledger: Pick<OrderLedger, 'getMany' | 'putMany'>;
  /** pushOrders' SKU mapping (docs/design.md §19): the payload compared and re-pushed is pushOrders' own. */
  skuMap?: SkuMappingSource;
}

type Ctx = Pick<RunContext, 'job' | 'request' | 'env' | 'cursors' | 'clock' | 'logger' | 'metrics' | 'deadline' | 'fence' | 'lease'>;

/** Orders read per page; checked 20 at a time (the order query's so_ids limit, docs/erp-api.md §3d). */
const PAGE = 200;
const SO_IDS_PER_QUERY = 20;
/** A run stopped without warning (crash, timeout) repeats at most this many pages. */
const PAGES_PER_CHECKPOINT = 5;

interface Check {
  order: StoreOrder;
  payload: ErpUploadOrder;
  hash: string;
  entry: LedgerEntry;
  /** Ready or cancelled in the store: pushOrders' own mapping applies, so it may be re-pushed. */
  pushable: boolean;
}

export interface DriftExample {
  incrementId: string;
  drift: OrderDrift['kind'];
  problems: string[];
  healed: boolean;
}

/**
 * pushOrders in reconcile mode (issue #16): every order in the horizon that the ledger says the ERP
 * accepted, and whose current payload is the one accepted (otherwise pushOrders is about to send it),
 * is looked up with the ERP's order query and compared (shop, status, amount: order-drift.ts).
 * Missing or different orders are uploaded again with pushOrders' mapping and the ledger updated
 * (not on a dry run); a shipped store order is reported but never re-uploaded (it would be
 * re-opened). Stops at the deadline; the `reconcile` cursor keeps the pass's position.
 */
export async function reconcileOrders(ports: ReconcileOrdersPorts, ctx: Ctx): Promise<RunOutcome> {
  const skus = ports.skuMap ? await ports.skuMap.mapping() : IDENTITY_SKU_MAPPING;
  const counts = {
    scanned: 0,
    checked: 0,
    notAccepted: 0,
    pendingPush: 0,
    missingInErp: 0,
    differentInErp: 0,
    repushed: 0,
    repushRejected: 0,
    notRepushedShipped: 0,
    invalidErpRows: 0,
  };
  const failures: ItemFailure[] = [];
  const examples: DriftExample[] = [];
  const pending: Check[] = [];
  const dbNow = await ports.orders.databaseNow();
  const since = dbNow - ctx.env.ORDER_HORIZON_DAYS * 86400;
  const window = { from: new Date(since * 1000).toISOString(), to: new Date(dbNow * 1000).toISOString() };
  const pass = await beginPass(ctx, async () => ({
    afterOrderId: Math.max(0, ((await ports.orders.horizonStartOrderId(since)) ?? Number.MAX_SAFE_INTEGER) - 1),
  }));
  if (pass.upToDate) return pass.outcome;

  const checkPage = async (orders: StoreOrder[]): Promise<void> => {
    counts.scanned += orders.length;
    const ledger = await ports.ledger.getMany(orders.map((o) => o.incrementId));
    const checks: Check[] = [];
    for (const order of orders) {
      const entry = ledger.get(order.incrementId);
      if (!entry?.acceptedHash || (entry.state !== 'accepted' && entry.state !== 'cancelled')) {
        counts.notAccepted++;
        continue;
      }
      const closing = order.lifecycle === 'cancelled';
      const pushable = order.lifecycle === 'ready' || closing;
      const { payload } = mapOrderToErp(order, closing ? 'cancelled' : 'ready', {
        shopId: ctx.env.JST_SHOP_ID,
        currency: ctx.env.ORDER_CURRENCY,
        formatTime: formatBeijingSeconds,
        skus,
      });
      const hash = payloadHash(payload);
      if (pushable && hash !== entry.acceptedHash) {
        counts.pendingPush++;
        continue;
      }
      checks.push({ order, payload, hash, entry, pushable });
    }
    counts.checked += checks.length;
    const drifted: Array<{ check: Check; drift: OrderDrift }> = [];
    await Promise.all(
      chunkList(checks, SO_IDS_PER_QUERY).map(async (batch) => {
        const rows: QueriedOrder[] = [];
        const invalid = new Set<string>();
        let invalidWithoutKey = false;
        for await (const page of ports.erp.queryOrders({ soIds: batch.map((c) => c.payload.so_id), shopId: ctx.env.JST_SHOP_ID })) {
          rows.push(...page.rows);
          for (const bad of page.invalid) {
            counts.invalidErpRows++;
            if (bad.key) invalid.add(bad.key);
            else invalidWithoutKey = true;
            failures.push({ key: bad.key ?? '(no so_id)', reason: `ERP order query row does not have the documented shape: ${bad.problem}` });
          }
        }
        for (const check of batch) {
          // An order whose ERP row could not be read is not judged (reported as a failure above);
          // a row without a readable so_id could be anyone's, so then the batch is not judged.
          if (invalidWithoutKey || invalid.has(check.payload.so_id)) continue;
          const drift = orderDrift(
            { soId: check.payload.so_id, shopId: ctx.env.JST_SHOP_ID, payAmount: check.payload.pay_amount, shopStatus: check.payload.shop_status },
            rows,
          );
          if (drift) drifted.push({ check, drift });
        }
      }),
    );
    for (const { check, drift } of drifted) {
      if (drift.kind === 'missing') counts.missingInErp++;
      else counts.differentInErp++;
      if (!check.pushable) counts.notRepushedShipped++;
    }
    if (!ctx.request.dryRun) pending.push(...drifted.filter((d) => d.check.pushable).map((d) => d.check));
    for (const { check, drift } of drifted) {
      if (examples.length >= MAX_DRIFT_EXAMPLES) break;
      examples.push({
        incrementId: check.order.incrementId,
        drift: drift.kind,
        problems: check.pushable ? drift.problems : [...drift.problems, 'shipped in the store: not re-uploaded'],
        healed: false,
      });
    }
  };

  /** Re-uploads the drifted orders found so far, in full batches where possible. */
  const flush = async (): Promise<void> => {
    const healed = await repush(pending.splice(0));
    for (const example of examples) if (healed.has(example.incrementId)) example.healed = true;
  };

  /** Uploads the current payloads again and records the ERP's answer in the ledger, as pushOrders does. */
  const repush = async (checks: Check[]): Promise<Set<string>> => {
    const healed = new Set<string>();
    for (const batch of chunkList(checks, ctx.env.ORDER_PUSH_BATCH_SIZE)) {
      const results = await ports.erp.uploadOrders(batch.map((c) => c.payload));
      const bySoId = new Map(results.map((r) => [r.soId, r]));
      const at = ctx.clock.now();
      const entries: LedgerEntry[] = batch.map((c) => {
        const result = bySoId.get(c.payload.so_id);
        const base = { incrementId: c.order.incrementId, oId: result?.oId ?? c.entry.oId, updatedAt: at };
        if (result?.ok) {
          counts.repushed++;
          healed.add(c.order.incrementId);
          // Its units enter the ERP's order_lock now (it was missing or different there): errs low, never high.
          return {
            ...base,
            acceptedHash: c.hash,
            state: c.payload.shop_status === 'TRADE_CLOSED' ? 'cancelled' : 'accepted',
            attempts: 0,
            firstAcceptedAt: at,
          };
        }
        // Not accepted: the ledger forgets the accepted hash, so pushOrders retries it with backoff.
        const reason = (result?.message || 'the ERP returned no result for this order').slice(0, 300);
        counts.repushRejected++;
        failures.push({ key: c.order.incrementId, reason: `re-upload after drift rejected: ${reason}` });
        return { ...base, state: 'rejected', rejectedHash: c.hash, attempts: 1, nextRetryAt: nextRetryAt(1, at), lastError: reason };
      });
      // Fenced on the lease this run holds: its own (`pushOrders#reconcile`) when run by the handler.
      await ports.ledger.putMany(entries, ctx.fence, ctx.lease ?? ctx.job);
    }
    return healed;
  };

  // The cursor moves past a page only once its drifted orders were re-uploaded: re-uploads are
  // gathered over pages into full batches, then the position is committed.
  let afterOrderId = pass.progress.afterOrderId;
  let after: unknown = pass.before;
  let complete = true;
  let uncommittedPages = 0;
  for (;;) {
    if (ctx.deadline.expired()) {
      complete = false;
      break;
    }
    const page = await ports.orders.readOrdersAfter(afterOrderId, PAGE);
    await checkPage(page.orders);
    afterOrderId = page.lastOrderId;
    if (page.done) break;
    if (++uncommittedPages >= PAGES_PER_CHECKPOINT || pending.length >= ctx.env.ORDER_PUSH_BATCH_SIZE) {
      await flush();
      after = await checkpoint(ctx, pass.startedAt, { afterOrderId });
      uncommittedPages = 0;
    }
  }
  await flush();
  if (complete) after = await finishPass(ctx);
  else if (uncommittedPages > 0) after = await checkpoint(ctx, pass.startedAt, { afterOrderId });

  ctx.metrics.count(MetricNames.ordersMissingInErp, counts.missingInErp);
  ctx.metrics.count(MetricNames.ordersDifferentInErp, counts.differentInErp);
  if (counts.missingInErp + counts.differentInErp > 0)
    ctx.logger.warn('orders out of step with the ERP', { missing: counts.missingInErp, different: counts.differentInErp, examples });
  return {
    window,
    complete,
    counts,
    failures,
    cursor: { before: pass.before, after: ctx.request.dryRun ? pass.before : after },
    details: { driftExamples: examples },
  };
}
