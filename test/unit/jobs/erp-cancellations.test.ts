import { loadEnvironment } from '../../../shared/config/environment';
import { formatBeijing } from '../../../shared/domain/beijing-time';
import type { ErpCancellationRecord } from '../../../shared/domain/erp-cancellation';
import { silentLogger, type MetricsSink } from '../../../shared/domain/ports';
import type { JobRequest } from '../../../shared/domain/job-request';
import type { StoreCancelResult } from '../../../shared/fecmall/order-cancel-repository';
import { decideStoreCancel } from '../../../shared/fecmall/store-cancel-decision';
import type { OrderQuery, Page } from '../../../shared/jst/client';
import type { QueriedOrder } from '../../../shared/jst/reply-schemas';
import type { PushHint } from '../../../shared/state/push-hints';
import { handleErpCancellations } from '../../../shared/jobs/shipping/erp-cancellations';
import { syncShipping } from '../../../shared/jobs/shipping/sync-shipping';
import { MemoryRetrySet } from '../../../dev/fakes/memory-retry-set';
import { FecjstError } from '../../../shared/errors';
import type { LogisticsOrder } from '../../../shared/jst/reply-schemas';
import type { ShipmentToApply } from '../../../shared/fecmall/shipment-repository';
import { ERP_CANCEL_POSITION } from '../../../shared/jobs/shipping/erp-cancel-poll';

/** The ERP-cancellation step's decisions over in-memory ports (the real adapters: test/e2e/erp-cancellations-*.e2e.test.ts). */
const NOW = Date.UTC(2026, 11, 1, 12);
const SHOP = 10001;
const baseEnv = { STATE_TABLE: 't', JST_SECRET_ID: 'j', DB_SECRET_ID: 'd', JST_SHOP_ID: String(SHOP), SETTLE_LAG_SECONDS: '0' };

type ErpRow = { so_id: string; status: QueriedOrder['status']; modifiedMs?: number; shop_id?: number; malformed?: boolean };

function world(options: { erp?: ErpRow[]; store?: Record<string, string>; hints?: string[]; env?: Record<string, string> } = {}) {
  const env = loadEnvironment({ ...baseEnv, ...options.env });
  const erp = [...(options.erp ?? [])];
  const storeStatus = new Map(Object.entries(options.store ?? {}));
  const calls = { bySoId: [] as string[][], pages: [] as OrderQuery[], cancelled: [] as string[] };
  let hintSeq = 0;
  const hints = new Map<string, PushHint>();
  const addHint = (key: string) => hints.set(key, { key, hintId: `h${++hintSeq}`, firstHintAt: NOW, lastHintAt: NOW, count: 1, source: 'cancel.order' });
  for (const key of options.hints ?? []) addHint(key);
  const log = new Map<string, ErpCancellationRecord>();
  const counted: Record<string, number> = {};
  const metrics: MetricsSink = { count: (name, value = 1) => void (counted[name] = (counted[name] ?? 0) + value), gauge: () => {} };
  const positions = new Map<string, unknown>();

  const toRow = (r: ErpRow, i: number): QueriedOrder =>
    ({
      o_id: 500 + i,
      so_id: r.so_id,
      shop_id: r.shop_id ?? SHOP,
      status: r.status,
      pay_amount: '10.00',
      modified: formatBeijing(r.modifiedMs ?? NOW - 60_000),
      items: [],
    }) as QueriedOrder;
  const page = (rows: ErpRow[], pageIndex: number): Page<QueriedOrder> => ({
    pageIndex,
    rows: rows.filter((r) => !r.malformed).map((r) => toRow(r, erp.indexOf(r))),
    invalid: rows.filter((r) => r.malformed).map((r, index) => ({ index, key: r.so_id, problem: 'status: expected one of …' })),
    hasNext: false,
  });
  const decide = (id: string, write: boolean): StoreCancelResult => {
    const status = storeStatus.get(id);
    const d = decideStoreCancel({ flavour: 'core' }, status === undefined ? undefined : { status, operateStatus: null });
    if (write && d.outcome === 'applied') {
      storeStatus.set(id, 'canceled');
      calls.cancelled.push(id);
    }
    return { incrementId: id, outcome: d.outcome, ...(status !== undefined ? { status } : {}), ...(d.reason ? { reason: d.reason } : {}) };
  };
  const ports = {
    erp: {
      queryOrders: (q: OrderQuery) => {
        calls.bySoId.push([...q.soIds!]);
        return (async function* () {
          yield page(
            erp.filter((r) => q.soIds!.includes(r.so_id)),
            1,
          );
        })();
      },
      orderPage: async (q: OrderQuery, pageIndex: number) => {
        calls.pages.push(q);
        const at = (r: ErpRow) => r.modifiedMs ?? NOW - 60_000;
        return page(
          erp.filter((r) => at(r) >= q.modified!.fromMs && at(r) <= q.modified!.toMs && (!q.status || r.status === q.status)),
          pageIndex,
        );
      },
    },
    hints: {
      take: async (limit: number) => [...hints.values()].slice(0, limit).map((h) => ({ ...h })),
      clear: async (taken: readonly PushHint[]) => {
        const cleared: string[] = [];
        const renamed: string[] = [];
        for (const h of taken) {
          if (hints.get(h.key)?.hintId === h.hintId) {
            hints.delete(h.key);
            cleared.push(h.key);
          } else renamed.push(h.key);
        }
        return { cleared, renamed };
      },
    },
    log: {
      getMany: async (ids: readonly string[]) => new Map(ids.filter((id) => log.has(id)).map((id) => [id, { ...log.get(id)! }])),
      putMany: async (records: readonly ErpCancellationRecord[]) => {
        for (const r of records) log.set(r.incrementId, { ...r });
        return records.map((r) => r.incrementId);
      },
    },
    store: {
      plan: async (ids: readonly string[]) => ids.map((id) => decide(id, false)),
      cancel: async (ids: readonly string[]) => ids.map((id) => decide(id, true)),
    },
  };
  const run = (request: Partial<JobRequest> = {}, now = NOW) =>
    handleErpCancellations(ports, {
      request: { trigger: 'schedule', dryRun: false, mode: 'incremental', ...request },
      env,
      fence: 1,
      clock: { now: () => now },
      logger: silentLogger,
      metrics,
      deadline: { expired: () => false, remainingMs: () => 1e9 },
      cursors: { read: async <T>(n: string) => positions.get(n) as T | undefined, advance: async (n: string, p: unknown) => void positions.set(n, p) },
    });
  return { run, ports, env, erp, storeStatus, hints, addHint, log, counted, calls, positions };
}

describe('ERP cancellations: which store orders count as cancelled by the ERP, and what is done with them', () => {
  it('records a cancel.order hint the ERP confirms, without touching the store by default, and clears the hint', async () => {
    const w = world({ erp: [{ so_id: 'S1', status: 'Cancelled' }], store: { S1: 'payment_confirmed' }, hints: ['S1'] });
    const step = await w.run();
    expect(w.calls.bySoId).toEqual([['S1']]);
    expect(w.log.get('S1')).toMatchObject({ incrementId: 'S1', oId: 500, erpStatus: 'Cancelled', outcome: 'recorded', applied: false, seenAt: NOW });
    expect(w.storeStatus.get('S1')).toBe('payment_confirmed');
    expect(w.hints.size).toBe(0);
    expect(step.counts).toMatchObject({ erpCancelHints: 1, erpCancelRecorded: 1, erpCancelApplied: 0, erpCancelNew: 1 });
    expect(w.counted).toMatchObject({ ErpCancellations: 1, ErpCancellationsApplied: 0 });
  });

  it('applies it with ERP_CANCEL_APPLY on, and refuses an order already dispatched, recording the reason', async () => {
    const w = world({
      env: { ERP_CANCEL_APPLY: 'true' },
      erp: [
        { so_id: 'S1', status: 'Cancelled' },
        { so_id: 'S2', status: 'Cancelled' },
      ],
      store: { S1: 'holded', S2: 'dispatched' },
      hints: ['S1', 'S2'],
    });
    const step = await w.run();
    expect(w.storeStatus.get('S1')).toBe('canceled');
    expect(w.storeStatus.get('S2')).toBe('dispatched');
    expect(w.log.get('S1')).toMatchObject({ outcome: 'applied', applied: true, appliedAt: NOW });
    expect(w.log.get('S2')).toMatchObject({ outcome: 'refused_shipped', applied: false, storeStatus: 'dispatched' });
    expect(w.log.get('S2')!.refusedReason).toMatch(/never cancelled after dispatch/);
    expect(step.counts).toMatchObject({ erpCancelApplied: 1, erpCancelRefused: 1 });
    expect(w.counted).toMatchObject({ ErpCancellations: 2, ErpCancellationsApplied: 1 });
  });

  it('changes nothing for a forged or wrong hint (the ERP reports another status, or does not know the order), and clears it', async () => {
    const w = world({
      env: { ERP_CANCEL_APPLY: 'true' },
      erp: [{ so_id: 'S1', status: 'WaitConfirm' }],
      store: { S1: 'payment_confirmed', S9: 'payment_confirmed' },
      hints: ['S1', 'S9'],
    });
    const step = await w.run();
    expect(w.log.size).toBe(0);
    expect(w.storeStatus.get('S1')).toBe('payment_confirmed');
    expect(w.calls.cancelled).toEqual([]);
    expect(w.hints.size).toBe(0);
    expect(step.counts).toMatchObject({ erpCancelHints: 2, erpCancelHintsNotCancelled: 2, erpCancelRecorded: 0 });
  });

  it('does not count an order cancelled only in another shop', async () => {
    const w = world({ erp: [{ so_id: 'S1', status: 'Cancelled', shop_id: 99 }], store: { S1: 'payment_confirmed' }, hints: ['S1'] });
    await w.run();
    expect(w.log.size).toBe(0);
  });

  it('keeps a hint whose ERP row could not be read, to be judged by a later run', async () => {
    const w = world({ erp: [{ so_id: 'S1', status: 'Cancelled', malformed: true }], store: { S1: 'payment_confirmed' }, hints: ['S1'] });
    const step = await w.run();
    expect(w.log.size).toBe(0);
    expect([...w.hints.keys()]).toEqual(['S1']);
    expect(step.counts).toMatchObject({ erpCancelUnreadable: 1, erpCancelHintsKept: 1 });
  });

  it('keeps a hint named again while the run worked (its hintId changed)', async () => {
    const w = world({ erp: [{ so_id: 'S1', status: 'Cancelled' }], store: { S1: 'payment_confirmed' }, hints: ['S1'] });
    const put = w.log;
    const original = put.set.bind(put);
    put.set = (k, v) => (w.addHint('S1'), original(k, v));
    const step = await w.run();
    expect([...w.hints.keys()]).toEqual(['S1']);
    expect(step.counts.erpCancelHintsKept).toBe(1);
  });

  it('finds a cancellation no push announced by polling the ERP for cancelled orders, then verifies it by so_id', async () => {
    const w = world({
      erp: [
        { so_id: 'S5', status: 'Cancelled' },
        { so_id: 'S6', status: 'Sent' },
      ],
      store: { S5: 'payment_confirmed' },
    });
    const step = await w.run();
    expect(w.calls.pages.map((q) => q.status)).toEqual(['Cancelled']);
    expect(w.calls.bySoId).toEqual([['S5']]);
    expect(w.log.get('S5')).toMatchObject({ outcome: 'recorded' });
    expect(step.counts).toMatchObject({ erpCancelPolled: 1, erpCancelRecorded: 1 });
    expect(w.positions.get(ERP_CANCEL_POSITION)).toBe(NOW);
  });

  it('polls at most every ERP_CANCEL_POLL_MINUTES: a run in between makes no ERP call', async () => {
    const w = world({ env: { ERP_CANCEL_POLL_MINUTES: '10' } });
    await w.run();
    expect(w.calls.pages).toHaveLength(1);
    await w.run({}, NOW + 9 * 60_000);
    expect(w.calls.pages).toHaveLength(1);
    expect(w.calls.bySoId).toHaveLength(0);
    await w.run({}, NOW + 10 * 60_000);
    expect(w.calls.pages).toHaveLength(2);
    // the next window starts a lookback before the last position
    expect(w.calls.pages[1]!.modified!.fromMs).toBe(NOW - 600_000);
  });

  it('is idempotent: a second sighting of a recorded cancellation writes and counts nothing', async () => {
    const w = world({
      env: { ERP_CANCEL_APPLY: 'true', ERP_CANCEL_POLL_MINUTES: '1' },
      erp: [{ so_id: 'S1', status: 'Cancelled' }],
      store: { S1: 'processing' },
    });
    await w.run();
    expect(w.storeStatus.get('S1')).toBe('canceled');
    const first = { ...w.log.get('S1')! };
    w.addHint('S1');
    const step = await w.run({}, NOW + 60_000);
    expect(w.log.get('S1')).toEqual(first);
    expect(w.calls.cancelled).toEqual(['S1']);
    expect(step.counts).toMatchObject({ erpCancelNew: 0, erpCancelApplied: 0, erpCancelAlreadyInStore: 0 });
    expect(w.counted).toMatchObject({ ErpCancellations: 1, ErpCancellationsApplied: 1 });
    expect(w.hints.size).toBe(0);
  });

  it('applies a cancellation recorded while the switch was off once the ERP names it again with the switch on', async () => {
    const off = world({ erp: [{ so_id: 'S1', status: 'Cancelled' }], store: { S1: 'payment_confirmed' }, hints: ['S1'] });
    await off.run();
    expect(off.log.get('S1')!.outcome).toBe('recorded');
    const on = world({ env: { ERP_CANCEL_APPLY: 'true', ERP_CANCEL_POLL_MINUTES: '0' }, erp: off.erp, store: { S1: 'payment_confirmed' }, hints: ['S1'] });
    on.log.set('S1', off.log.get('S1')!);
    const step = await on.run({}, NOW + 60_000);
    expect(on.log.get('S1')).toMatchObject({ outcome: 'applied', seenAt: NOW, appliedAt: NOW + 60_000 });
    expect(step.counts).toMatchObject({ erpCancelNew: 0, erpCancelApplied: 1 });
  });

  it('writes nothing on a dry run (no record, no store change, hints and poll position kept)', async () => {
    const w = world({ env: { ERP_CANCEL_APPLY: 'true' }, erp: [{ so_id: 'S1', status: 'Cancelled' }], store: { S1: 'payment_confirmed' }, hints: ['S1'] });
    const step = await w.run({ dryRun: true, trigger: 'manual' });
    expect(step.examples).toEqual([{ incrementId: 'S1', outcome: 'recorded' }]);
    expect(w.log.size).toBe(0);
    expect(w.storeStatus.get('S1')).toBe('payment_confirmed');
    expect(w.hints.size).toBe(1);
    expect(w.positions.has(ERP_CANCEL_POSITION)).toBe(false);
  });
});

describe('ERP cancellations inside syncShipping', () => {
  /** syncShipping over in-memory ports, with the cancellation step's ERP calls failing with `code`. */
  async function shippingRun(code: string) {
    const w = world({ hints: ['S1'] });
    const failing = () => {
      throw new FecjstError(code, 'ERP order query failed', {});
    };
    const shipped: ShipmentToApply[] = [];
    const logistics: LogisticsOrder = {
      o_id: 1,
      so_id: 'T1',
      shop_id: SHOP,
      l_id: 'SF1',
      lc_id: 'SF',
      logistics_company: '顺丰速运',
      send_date: formatBeijing(NOW - 60_000),
      modified: formatBeijing(NOW - 60_000),
    };
    const outcome = await syncShipping(
      {
        erp: {
          logisticsPages: () => (async function* () {})(),
          logisticsPage: async (_q: unknown, pageIndex: number) => ({ pageIndex, rows: [logistics], invalid: [], hasNext: false }),
        },
        shipments: {
          apply: async (list: readonly ShipmentToApply[]) => list.map((s) => (shipped.push(s), { incrementId: s.incrementId, outcome: 'applied' as const })),
          plan: async () => [],
        },
        retries: new MemoryRetrySet(3),
        erpCancellations: { ...w.ports, erp: { queryOrders: failing, orderPage: async () => failing() } },
      },
      {
        request: { trigger: 'schedule', dryRun: false, mode: 'incremental' },
        env: w.env,
        fence: 1,
        clock: { now: () => NOW },
        logger: silentLogger,
        metrics: { count: () => {}, gauge: () => {} },
        deadline: { expired: () => false, remainingMs: () => 1e9 },
        cursors: { read: async () => undefined, advance: async () => {} },
      },
    );
    return { outcome, shipped, w };
  }

  it('a failing ERP order query does not hold the shipments back: reported as a failure, hints kept for the next run', async () => {
    const { outcome, shipped, w } = await shippingRun('JST_NETWORK');
    expect(shipped.map((s) => s.incrementId)).toEqual(['T1']);
    expect(outcome.counts).toMatchObject({ applied: 1, erpCancelFailed: 1 });
    expect(outcome.failures).toEqual([{ key: 'erpCancellations', reason: expect.stringMatching(/not checked this run \(JST_NETWORK\)/) }]);
    expect([...w.hints.keys()]).toEqual(['S1']);
  });

  it('a credential failure still stops the run', async () => {
    await expect(shippingRun('JST_AUTH')).rejects.toMatchObject({ code: 'JST_AUTH' });
  });
});

describe("Fecmall's cancel semantics (decideStoreCancel)", () => {
  it.each([
    ['payment_pending', 'applied'],
    ['payment_confirmed', 'applied'],
    ['holded', 'applied'],
    ['processing', 'applied'],
    ['dispatched', 'refused_shipped'],
    ['received', 'refused_shipped'],
    ['completed', 'refused_shipped'],
    ['canceled', 'already_cancelled'],
    ['payment_canceled', 'already_cancelled'],
    ['refunded', 'already_cancelled'],
    ['some_custom_status', 'refused_status'],
  ])('core %s → %s', (status, outcome) => {
    expect(decideStoreCancel({ flavour: 'core' }, { status, operateStatus: null }).outcome).toBe(outcome);
  });

  it.each([
    ['order_processing', 'operate_normal', 'applied'],
    ['payment_confirmed', 'operate_waiting_canceled', 'applied'],
    ['order_dispatched', 'operate_normal', 'refused_shipped'],
    ['order_completed', 'operate_normal', 'refused_shipped'],
    ['order_processing', 'operate_canceled', 'already_cancelled'],
  ])('bbc %s/%s → %s', (status, operateStatus, outcome) => {
    expect(decideStoreCancel({ flavour: 'bbc' }, { status, operateStatus }).outcome).toBe(outcome);
  });

  it('an order the store does not have is unknown', () => {
    expect(decideStoreCancel({ flavour: 'core' }, undefined).outcome).toBe('unknown_order');
  });
});
