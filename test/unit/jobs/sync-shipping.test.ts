import { MemoryRetrySet } from '../../../dev/fakes/memory-retry-set';
import { loadEnvironment } from '../../../shared/config/environment';
import { formatBeijing } from '../../../shared/domain/beijing-time';
import { nullMetrics, silentLogger, type MetricsSink } from '../../../shared/domain/ports';
import type { ShipmentOutcome, ShipmentResult, ShipmentToApply } from '../../../shared/fecmall/shipment-repository';
import type { Page } from '../../../shared/jst/client';
import type { LogisticsOrder } from '../../../shared/jst/reply-schemas';
import { syncShipping } from '../../../shared/jobs/shipping/sync-shipping';
import type { JobRequest } from '../../../shared/domain/job-request';

/** syncShipping's decisions over in-memory ports: what it applies, retries, clears, abandons and counts. */
const NOW = Date.UTC(2026, 11, 1, 12);
const env = loadEnvironment({
  STATE_TABLE: 't',
  JST_SECRET_ID: 'j',
  DB_SECRET_ID: 'd',
  JST_SHOP_ID: '10001',
  SETTLE_LAG_SECONDS: '0',
  SHIPPING_RETRY_MAX_ATTEMPTS: '3',
});

function row(soId: string, extra: Partial<LogisticsOrder> = {}): LogisticsOrder {
  return {
    o_id: Number(soId.replace(/\D/g, '')) || 1,
    so_id: soId,
    shop_id: 10001,
    l_id: `L-${soId}`,
    lc_id: 'SF',
    logistics_company: '顺丰速运',
    send_date: formatBeijing(NOW - 3600_000),
    modified: formatBeijing(NOW - 3600_000),
    ...extra,
  };
}

/** The ERP (rows by so_id; the window walk sees `inWindow`) and the store (an outcome per order). */
function world(rows: LogisticsOrder[], outcomes: Record<string, ShipmentOutcome>, inWindow: LogisticsOrder[] = []) {
  const askedBySoId: string[][] = [];
  const applied: ShipmentToApply[] = [];
  const counted: Record<string, number> = {};
  const metrics: MetricsSink = { count: (name, value = 1) => void (counted[name] = (counted[name] ?? 0) + value), gauge: () => {} };
  const retries = new MemoryRetrySet(3);
  const result = (s: ShipmentToApply): ShipmentResult => ({
    incrementId: s.incrementId,
    outcome: outcomes[s.incrementId] ?? 'unknown',
    status: 'payment_pending',
  });
  const ports = {
    erp: {
      logisticsPages: (q: { soIds?: readonly string[] }) => {
        askedBySoId.push([...q.soIds!]);
        const page: Page<LogisticsOrder> = { pageIndex: 1, rows: rows.filter((r) => q.soIds!.includes(r.so_id)), invalid: [], hasNext: false };
        return (async function* () {
          yield page;
        })();
      },
      logisticsPage: async (q: { modified?: { fromMs: number; toMs: number } }, pageIndex: number): Promise<Page<LogisticsOrder>> => {
        const at = (r: LogisticsOrder) => Date.parse(`${r.modified!.replace(' ', 'T')}+08:00`);
        return { pageIndex, rows: inWindow.filter((r) => at(r) >= q.modified!.fromMs && at(r) <= q.modified!.toMs), invalid: [], hasNext: false };
      },
    },
    shipments: {
      apply: async (list: readonly ShipmentToApply[]) => list.map((s) => (applied.push(s), result(s))),
      plan: async (list: readonly ShipmentToApply[]) => list.map(result),
    },
    retries,
  };
  // The job's cursors persist from run to run, as in the state table.
  const positions = new Map<string, unknown>();
  const run = (request: Partial<JobRequest> = {}, now = NOW) => {
    return syncShipping(ports, {
      request: { trigger: 'schedule', dryRun: false, mode: 'incremental', ...request },
      env,
      fence: 1,
      clock: { now: () => now },
      logger: silentLogger,
      metrics: request.dryRun ? nullMetrics : metrics,
      deadline: { expired: () => false, remainingMs: () => 1e9 },
      cursors: { read: async <T>(n: string) => positions.get(n) as T | undefined, advance: async (n: string, p: unknown) => void positions.set(n, p) },
    });
  };
  return { ports, retries, run, askedBySoId, applied, counted };
}

describe('syncShipping decisions (in-memory ports)', () => {
  it('applies shipments of a manual list, counts and lists orders unknown to the store, and leaves the retry set alone', async () => {
    const w = world([row('A1'), row('A2'), row('A3', { l_id: '' })], { A1: 'applied', A2: 'unknown' });
    const outcome = await w.run({ trigger: 'manual', orders: ['A1', 'A2', 'A3'] });
    expect(outcome).toMatchObject({
      complete: true,
      cursor: { before: null, after: null },
      counts: { applied: 1, unknown: 1, withoutTracking: 1, retrySetPending: 0 },
    });
    expect(w.applied.map((s) => [s.incrementId, s.trackingNumbers, s.carrierName])).toEqual([
      ['A1', ['L-A1'], '顺丰速运'],
      ['A2', ['L-A2'], '顺丰速运'],
    ]);
    expect(outcome.details?.skippedOrders).toEqual([{ incrementId: 'A2', outcome: 'unknown', status: 'payment_pending' }]);
    expect(w.counted).toMatchObject({ ShipmentsApplied: 1, ShipmentsSkipped: 1, ItemsAbandoned: 0 });
  });

  it('keeps a shipment an order cannot take yet in the retry set, asks for it by its ERP so_id when due, and clears it once applied', async () => {
    // ERP order M1 merges store orders M1 and S9 (raw_so_id): S9 is still payment_pending.
    const merged = row('M1', { items: [{ raw_so_id: 'S9' }] } as Partial<LogisticsOrder>);
    const w = world([merged], { M1: 'applied', S9: 'not_shippable' }, [merged]);
    const first = await w.run();
    expect(first.failures).toEqual([{ key: 'S9', reason: expect.stringMatching(/payment_pending cannot take a shipment yet/) }]);
    expect(first.counts).toMatchObject({ applied: 1, not_shippable: 1, retrySetPending: 1 });
    expect(w.retries.items.get('S9')).toMatchObject({ attempts: 1, context: { soId: 'M1' }, abandoned: false });

    // Not due yet: not asked for again.
    await w.run({}, NOW + 60_000);
    expect(w.askedBySoId).toEqual([]);

    // Due (5 min backoff) and now shippable: asked for by the ERP so_id, applied, cleared.
    w.ports.shipments.apply = async (list) =>
      list.map((s) => ({ incrementId: s.incrementId, outcome: s.incrementId === 'S9' ? 'applied' : 'already_shipped' }) as ShipmentResult);
    const later = await w.run({}, NOW + 6 * 60_000);
    expect(w.askedBySoId[0]).toEqual(['M1']);
    expect(later.counts).toMatchObject({ retried: 1, retrySetPending: 0, retrySetAbandoned: 0 });
    expect(w.retries.items.size).toBe(0);
  });

  it('abandons an item after SHIPPING_RETRY_MAX_ATTEMPTS and counts it once in ItemsAbandoned', async () => {
    const w = world([row('P1')], { P1: 'not_shippable' }, [row('P1')]);
    let now = NOW;
    for (let i = 0; i < 3; i++) {
      await w.run({}, now);
      now += 13 * 3600_000; // past any backoff
    }
    expect(w.retries.items.get('P1')).toMatchObject({ attempts: 3, abandoned: true });
    expect(w.counted.ItemsAbandoned).toBe(1);
    const after = await w.run({}, now);
    expect(after.counts).toMatchObject({ retrySetAbandoned: 1, retrySetPending: 0, abandoned: 0 });
    expect(w.counted.ItemsAbandoned).toBe(1);
  });

  it('never cuts a tracking number that does not fit: an item failure kept for retry', async () => {
    const w = world([row('T1')], { T1: 'tracking_too_long' }, [row('T1')]);
    const outcome = await w.run();
    expect(outcome.failures).toEqual([{ key: 'T1', reason: expect.stringMatching(/do not fit the store's 100-character column/) }]);
    expect(w.retries.items.get('T1')).toMatchObject({ attempts: 1 });
  });

  it('refuses rows of another shop (no retry) and keeps rows with an unreadable send_date for retry', async () => {
    const w = world([], {}, [row('X1', { shop_id: 20002 }), row('X2', { send_date: '2026-13-45 99:00:00' })]);
    const outcome = await w.run();
    expect(outcome.counts).toMatchObject({ rowsRejected: 2, applied: 0 });
    expect(w.applied).toEqual([]);
    expect([...w.retries.items.keys()]).toEqual(['X2']);
  });

  it('a dry run plans, writes nothing and does not touch the retry set', async () => {
    const w = world([], { D1: 'applied', D2: 'not_shippable' }, [row('D1'), row('D2')]);
    const outcome = await w.run({ dryRun: true });
    expect(outcome.details?.plannedShipments).toEqual([
      { incrementId: 'D1', outcome: 'applied', status: 'payment_pending' },
      { incrementId: 'D2', outcome: 'not_shippable', status: 'payment_pending' },
    ]);
    expect(w.applied).toEqual([]);
    expect(w.retries.items.size).toBe(0);
  });
});
