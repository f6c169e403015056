import type { ErpCancellationRecord } from '../../shared/domain/erp-cancellation';
import { humanTime } from '../../shared/domain/human-time';
import { ErpCancellationLog } from '../../shared/state/erp-cancellations';
import { type OpsIo, type OpsTarget } from './ops-target';

/** What `status` shows of the ERP's cancellations (docs/design.md §15): counts and the latest increment ids. */
export interface ErpCancellationsOverview {
  total: number;
  applied: number;
  refused: number;
  /** Verified and kept, not applied (ERP_CANCEL_APPLY off when seen). */
  recordedOnly: number;
  alreadyCancelled: number;
  unknownOrder: number;
  /** The latest few, newest first (increment ids are not personal data). */
  latest: string[];
}

const LATEST = 5;

async function records(target: OpsTarget): Promise<ErpCancellationRecord[]> {
  const all = await new ErpCancellationLog(target.doc, target.table, await target.shopId()).list();
  return all.sort((a, b) => b.seenAt - a.seenAt || a.incrementId.localeCompare(b.incrementId));
}

export async function erpCancellationsOverview(target: OpsTarget): Promise<ErpCancellationsOverview> {
  const all = await records(target);
  const count = (test: (r: ErpCancellationRecord) => boolean) => all.filter(test).length;
  return {
    total: all.length,
    applied: count((r) => r.outcome === 'applied'),
    refused: count((r) => r.outcome === 'refused_shipped' || r.outcome === 'refused_status'),
    recordedOnly: count((r) => r.outcome === 'recorded'),
    alreadyCancelled: count((r) => r.outcome === 'already_cancelled'),
    unknownOrder: count((r) => r.outcome === 'unknown_order'),
    latest: all.slice(0, LATEST).map((r) => r.incrementId),
  };
}

/** The `status` line of ERP cancellations. */
export function erpCancellationsLine(o: ErpCancellationsOverview): string {
  if (o.total === 0) return '  ERP cancellations: none recorded';
  return `  ERP cancellations: ${o.total} recorded (${o.applied} applied, ${o.refused} refused, ${o.recordedOnly} not applied, ${o.alreadyCancelled} already cancelled in the store, ${o.unknownOrder} unknown to the store); latest ${o.latest.join(', ')} (npm run ops -- cancellations)`;
}

/** `cancellations [--limit N]`: the ERP's cancellations recorded for this shop, newest first. */
export async function cancellationsCommand(target: OpsTarget, io: OpsIo, limit = 50): Promise<ErpCancellationRecord[]> {
  const now = target.clock.now();
  const all = await records(target);
  if (all.length === 0) {
    io.out('No ERP cancellations recorded (syncShipping records the orders the ERP reports Cancelled).');
    return [];
  }
  io.out(`${all.length} ERP cancellation(s), newest first:`);
  for (const r of all.slice(0, limit)) {
    const when = r.appliedAt ? `applied ${humanTime(r.appliedAt, now)}` : r.refusedReason ? `refused: ${r.refusedReason}` : '';
    io.out(
      `  ${r.incrementId}  o_id ${r.oId}  ${r.outcome}  seen ${humanTime(r.seenAt, now)}${r.storeStatus ? `  store ${r.storeStatus}` : ''}${when ? `  ${when}` : ''}`,
    );
  }
  if (all.length > limit) io.out(`  … ${all.length - limit} more (--limit ${all.length})`);
  return all.slice(0, limit);
}
