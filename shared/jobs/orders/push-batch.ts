import type { OrderRepository } from '../../fecmall/order-repository';
import type { GivenUpOrder, GivenUpOrders } from '../../state/given-up-orders';
import { nextRetryAt } from '../../domain/retry-backoff';
import type { LedgerEntry, OrderLedger } from '../../state/order-ledger';
import type { OutcomeRecorder } from '../outcome-recorder';
import type { Candidate } from './decide-order';
import type { IsolatedResult, IsolatingUploader } from './isolating-upload';
import { mapOrderToErp, type OrderMappingOptions } from './map-order';
import { payloadHash } from './payload-hash';
import type { PushCount } from './push-counts';

export interface BatchPorts {
  uploader: Pick<IsolatingUploader, 'upload'>;
  orders: Pick<OrderRepository, 'markHolded'>;
  ledger: Pick<OrderLedger, 'putMany'> & { givenUp: Pick<GivenUpOrders, 'add' | 'remove'> };
}

export interface BatchSettings {
  job: string;
  fence: number;
  now: () => number;
  dryRun: boolean;
  holdAfterPush: boolean;
  maxAttempts: number;
  mapping: OrderMappingOptions;
}

export interface LocalRejection {
  candidate: Candidate;
  reason: string;
}

/**
 * Sends one batch (isolating orders whose presence makes the ERP refuse the call), holds accepted
 * orders when asked, and records every outcome: the ledger (accepted hash, or reason, attempts and
 * backoff), the given-up list, counts and failures. Local rejections (never sent) are recorded the
 * same way, so they back off and are given up on like ERP rejections.
 */
export async function pushBatch(
  send: readonly Candidate[],
  local: readonly LocalRejection[],
  ports: BatchPorts,
  settings: BatchSettings,
  recorder: OutcomeRecorder<PushCount>,
): Promise<void> {
  if (settings.dryRun) {
    for (const c of send) {
      recorder.add(c.closing ? 'closed' : 'pushed');
      recorder.example('payloads', c.payload);
    }
    for (const r of local) {
      recorder.add('rejectedLocally');
      recorder.fail({ key: r.candidate.order.incrementId, reason: r.reason });
    }
    return;
  }
  const results = new Map<string, IsolatedResult>((await ports.uploader.upload(send.map((c) => c.payload))).map((r) => [r.soId, r]));
  const accepted = send.filter((c) => results.get(c.payload.so_id)?.ok);
  const held = settings.holdAfterPush
    ? await ports.orders.markHolded(accepted.filter((c) => !c.closing).map((c) => c.order.orderId))
    : new Map<number, number>();
  recorder.add('holded', accepted.filter((c) => held.has(c.order.orderId) && c.order.status !== 'holded').length);

  const at = settings.now();
  const entries: LedgerEntry[] = [];
  const givenUp: GivenUpOrder[] = [];
  const cleared: string[] = [];
  for (const c of accepted) {
    // A held order's updated_at moved: record the hash the next run will compute, so it is not re-sent.
    const heldAt = held.get(c.order.orderId);
    const hash = heldAt === undefined ? c.hash : payloadHash(mapOrderToErp({ ...c.order, updatedAt: heldAt }, 'ready', settings.mapping).payload);
    entries.push({
      incrementId: c.order.incrementId,
      acceptedHash: hash,
      oId: results.get(c.payload.so_id)?.oId ?? c.entry?.oId,
      state: c.closing ? 'cancelled' : 'accepted',
      attempts: 0,
      firstAcceptedAt: firstAcceptance(c.entry, at),
      updatedAt: at,
    });
    recorder.add(c.closing ? 'closed' : 'pushed');
    if (c.entry?.givenUpAt !== undefined) cleared.push(c.order.incrementId);
  }
  const rejections = [
    ...send
      .filter((c) => !results.get(c.payload.so_id)?.ok)
      .map((c) => ({ candidate: c, reason: rejectionReason(results.get(c.payload.so_id)), isLocal: false })),
    ...local.map((r) => ({ ...r, isLocal: true })),
  ];
  for (const { candidate: c, reason, isLocal } of rejections) {
    const attempts = (c.entry?.rejectedHash === c.hash ? c.entry.attempts : 0) + 1;
    const givesUp = attempts >= settings.maxAttempts;
    const { givenUpAt: _previous, ...rest } = c.entry ?? { incrementId: c.order.incrementId };
    entries.push({
      ...rest,
      incrementId: c.order.incrementId,
      state: 'rejected',
      rejectedHash: c.hash,
      attempts,
      nextRetryAt: nextRetryAt(attempts, at),
      lastError: reason,
      updatedAt: at,
      ...(givesUp ? { givenUpAt: at } : {}),
    });
    recorder.add(isLocal ? 'rejectedLocally' : 'rejected');
    if (results.get(c.payload.so_id)?.callLevel) recorder.add('isolated');
    if (givesUp) {
      recorder.add('givenUp');
      givenUp.push({ incrementId: c.order.incrementId, attempts, reason, givenUpAt: at });
      recorder.fail({
        key: c.order.incrementId,
        reason: `given up after ${attempts} attempts (ORDER_MAX_ATTEMPTS); retry by hand with {"orders":["${c.order.incrementId}"]}: ${reason}`,
      });
    } else {
      recorder.fail({ key: c.order.incrementId, reason: `${isLocal ? 'rejected before sending' : 'ERP rejected the order'} (attempt ${attempts}): ${reason}` });
    }
  }
  await ports.ledger.putMany(entries, settings.fence, settings.job);
  await ports.ledger.givenUp.add(givenUp, settings.fence, settings.job);
  await ports.ledger.givenUp.remove(cleared, settings.fence, settings.job);
}

function rejectionReason(result: IsolatedResult | undefined): string {
  return (result?.message || 'the ERP returned no result for this order').slice(0, 300);
}

/** When the ERP first accepted the order: kept from the entry, else now (or the entry's last write for old entries). */
function firstAcceptance(entry: LedgerEntry | undefined, at: number): number {
  if (entry?.firstAcceptedAt !== undefined) return entry.firstAcceptedAt;
  return entry?.acceptedHash !== undefined ? entry.updatedAt : at;
}
