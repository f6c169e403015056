import { startRecordingProxy } from '../../support/recording-proxy';
import { deadlineAfterChecks, skuOf, useInventoryHarness, type InventoryHarness } from '../../support/inventory-harness';
import type { StockRepository } from '../../../shared/fecmall/stock-repository';

/**
 * syncInventory scenarios of issues #13, #16 and #20, each against MariaDB, the ERP sandbox over HTTP
 * and dynalite (cursors, lease fence, retry set), driving the use case with real adapters.
 */
const DAY = 86400_000;
const old = () => Date.now() - 3 * DAY;

function seedErp(h: InventoryHarness, n: number, counters: (i: number) => { qty: number; order_lock?: number }, modifiedMs = old()): void {
  for (let i = 1; i <= n; i++) h.sandbox.state.setStock(skuOf(i), { order_lock: 0, ...counters(i) }, 0, modifiedMs);
}

describe('first run: no cursor (#13 item 3)', () => {
  const h = useInventoryHarness({ products: 60 });

  it('starts with a full pass, then goes on incrementally from the moment the pass began', async () => {
    seedErp(h(), 60, (i) => ({ qty: 40 + i, order_lock: 1 }));
    const before = Date.now();
    const first = await h().run();
    for (const i of [1, 30, 60]) expect(await h().storeQty(skuOf(i))).toBe(39 + i);
    expect(first.outcome).toMatchObject({ complete: true, details: { fullPass: { done: 60, total: 60, complete: true } } });
    const incremental = (await h().cursors.read<number>('syncInventory', 'incremental'))!.position;
    expect(incremental).toBeGreaterThanOrEqual(before);
    expect(incremental).toBeLessThanOrEqual(Date.now());
    expect(await h().cursors.read('syncInventory', 'full')).toBeUndefined();
    expect((await h().cursors.read<{ startedAtMs: number }>('syncInventory', 'fullCompleted'))!.position.startedAtMs).toBe(incremental);
    expect(first.metrics.FullPassAgeHours).toBeLessThan(0.01);

    h().sandbox.state.setStock(skuOf(5), { qty: 7, order_lock: 0 });
    const second = await h().run();
    expect(second.outcome.details?.fullPass).toBeUndefined();
    expect(second.outcome.counts).toMatchObject({ erpRows: 1, updated: 1 });
    expect(await h().storeQty(skuOf(5))).toBe(7);
  });
});

describe('a full pass longer than one invocation (#13 item 4)', () => {
  const h = useInventoryHarness({ products: 1000 });

  it('is continued by the following scheduled runs, after their incremental window, until done', async () => {
    seedErp(h(), 1000, (i) => ({ qty: 1000 + i }));
    const first = await h().run({}, { deadline: deadlineAfterChecks(2) });
    expect(first.outcome.complete).toBe(false);
    const progress = first.outcome.details!.fullPass as { done: number; total: number; complete: boolean };
    expect(progress.total).toBe(1000);
    expect(progress.done).toBeGreaterThan(0);
    expect(progress.done).toBeLessThan(1000);
    expect(await h().storeQty(skuOf(1000))).not.toBe(2000);

    h().sandbox.state.setStock(skuOf(1), { qty: 3 });
    const second = await h().run();
    expect(second.outcome.complete).toBe(true);
    expect(second.outcome.details!.fullPass).toMatchObject({ done: 1000, total: 1000, complete: true });
    expect(await h().storeQty(skuOf(1000))).toBe(2000);
    expect(await h().storeQty(skuOf(1))).toBe(3);
    expect(second.metrics.FullPassAgeHours).toBeLessThan(0.01);

    const third = await h().run();
    expect(third.outcome.details?.fullPass).toBeUndefined();
    expect(third.metrics.FullPassAgeHours).toBeLessThan(0.01);
  });
});

describe('failed SKUs (#13 item 5)', () => {
  const h = useInventoryHarness({ products: 20 });

  it('go into the retry set and are retried by SKU query after their backoff, then cleared', async () => {
    seedErp(h(), 20, () => ({ qty: 10 }));
    h().sandbox.state.setStock(skuOf(3), { qty: -1 }, 0, old());
    const first = await h().run();
    expect(first.outcome.failures.map((f) => f.key)).toEqual([skuOf(3)]);
    expect(first.outcome.counts.retrySetSize).toBe(1);

    // The ERP row is fixed with an old modified time: no window will see it, only the retry.
    h().sandbox.state.setStock(skuOf(3), { qty: 6 }, 0, old());
    const early = await h().run();
    expect(early.outcome.counts.retried).toBe(0);
    expect(await h().storeQty(skuOf(3))).not.toBe(6);

    const due = await h().run({}, { clockOffsetMs: 6 * 60_000 });
    expect(due.outcome.counts).toMatchObject({ retried: 1, retrySetSize: 0, failed: 0 });
    expect(await h().storeQty(skuOf(3))).toBe(6);
  });

  it('are given up on after the last attempt, counted in ItemsAbandoned once', async () => {
    const env = { INVENTORY_RETRY_MAX_ATTEMPTS: '2' };
    h().sandbox.state.setStock(skuOf(4), { qty: -2 }, 0, old());
    const first = await h().run({ trigger: 'manual', skus: [skuOf(4)] }, { env });
    expect(first.outcome.counts).toMatchObject({ failed: 1, retrySetSize: 1 });
    expect(first.metrics.ItemsAbandoned).toBe(0);

    const second = await h().run({}, { env, clockOffsetMs: 7 * 60_000 });
    expect(second.outcome.counts).toMatchObject({ retried: 1, failed: 1, abandoned: 1, retrySetSize: 0, retrySetAbandoned: 1 });
    expect(second.outcome.details!.abandonedSkus).toEqual([skuOf(4)]);
    expect(second.metrics.ItemsAbandoned).toBe(1);

    const third = await h().run({ trigger: 'manual', skus: [skuOf(4)] }, { env, clockOffsetMs: 8 * 60_000 });
    expect(third.outcome.counts).toMatchObject({ retried: 0, failed: 1, abandoned: 0, retrySetAbandoned: 1 });
    expect(third.metrics.ItemsAbandoned).toBe(0);
  });
});

describe('a checkout between the stock read and the write (#13 item 6)', () => {
  const h = useInventoryHarness({ products: 5 });

  async function checkout(sku: string, units: number): Promise<void> {
    const conn = await h().db.pool.getConnection();
    try {
      await conn.beginTransaction();
      const now = Math.floor(Date.now() / 1000);
      const [res] = await conn.query(
        "INSERT INTO sales_flat_order (increment_id, order_status, created_at, updated_at, order_currency_code, order_to_base_rate, grand_total, base_grand_total, subtotal, base_subtotal, payment_method) VALUES (?, 'payment_confirmed', ?, ?, 'CNY', 1, '10.00', '10.00', '10.00', '10.00', 'alipay_standard')",
        [`RACE-${sku}`, now, now],
      );
      const productId = String(Number(sku.slice(4)));
      await conn.query(
        "INSERT INTO sales_flat_order_item (order_id, product_id, sku, name, qty, price, base_price, row_total, base_row_total) VALUES (?, ?, ?, 'race', ?, '5.00', '5.00', '10.00', '10.00')",
        [(res as { insertId: number }).insertId, productId, sku, units],
      );
      await conn.query('UPDATE product_flat_qty SET qty = qty - ? WHERE product_id = ? AND qty >= ?', [units, productId, units]);
      await conn.commit();
    } finally {
      conn.release();
    }
  }

  it('recomputes the target from fresh stock and held units on the compare-and-set retry: the store never ends above the formula', async () => {
    seedErp(h(), 5, () => ({ qty: 10 }));
    await h().setStoreQty(skuOf(1), 4);
    let raced = false;
    const racingStock = (real: StockRepository) => ({
      listSkus: real.listSkus.bind(real),
      countSkus: real.countSkus.bind(real),
      writeStock: real.writeStock.bind(real),
      readStock: async (skus: readonly string[]) => {
        const read = await real.readStock(skus);
        if (!raced && skus.includes(skuOf(1))) {
          raced = true;
          await checkout(skuOf(1), 2);
        }
        return read;
      },
    });
    const { outcome } = await h().run({ trigger: 'manual', skus: [skuOf(1)] }, { stock: racingStock });
    expect(raced).toBe(true);
    expect(outcome.counts.conflictsRetried).toBe(1);
    expect(await h().storeQty(skuOf(1))).toBe(8);
  });
});

describe('ERP values the store cannot hold, and duplicated rows (#13 item 7)', () => {
  const h = useInventoryHarness({ products: 6 });

  it('a qty beyond the store column is an item failure naming the SKU, on every run; the other SKUs are written', async () => {
    seedErp(h(), 6, () => ({ qty: 10 }));
    h().sandbox.state.setStock(skuOf(2), { qty: 3_000_000_000 }, 0, old());
    for (let run = 0; run < 2; run++) {
      const { outcome } = await h().run({ mode: 'full', trigger: 'manual' });
      expect(outcome.complete).toBe(true);
      expect(outcome.failures).toEqual([{ key: skuOf(2), reason: expect.stringMatching(/3000000000 is beyond .*2147483647/) }]);
    }
    expect(await h().storeQty(skuOf(1))).toBe(10);
    expect(await h().storeQty(skuOf(6))).toBe(10);
  });

  it('two rows for one SKU in one page: the row with the latest modified is applied', async () => {
    h().sandbox.state.setStock(skuOf(5), { qty: 17 });
    const proxy = await startRecordingProxy(h().sandbox.url, (json) => {
      const data = (json as { data?: { inventorys?: Array<Record<string, unknown>> } }).data;
      const row = data?.inventorys?.find((r) => r.sku_id === skuOf(5));
      if (row) data!.inventorys!.push({ ...row, qty: 999, modified: '2020-01-01 00:00:00' });
      return json;
    });
    try {
      const { outcome } = await h().run({ trigger: 'manual', skus: [skuOf(5)] }, { erpUrl: proxy.url });
      expect(outcome.counts).toMatchObject({ duplicateRows: 1, failed: 0 });
      expect(await h().storeQty(skuOf(5))).toBe(17);
    } finally {
      await proxy.close();
    }
  });
});

describe('stock reconcile (#16)', () => {
  const h = useInventoryHarness({ products: 30 });
  const env = { LOOKBACK_SECONDS: '0' };

  it('finds exactly the planted drift, tells the change the incremental runs missed apart, heals it; a second reconcile reports zero', async () => {
    seedErp(h(), 30, () => ({ qty: 50 }));
    const passStart = Date.now();
    await h().run({}, { env });
    await h().run({}, { env, clockOffsetMs: 120_000 });
    // A store edit behind the connector's back, and an ERP change inside a window already walked.
    await h().setStoreQty(skuOf(3), 47);
    h().sandbox.state.setStock(skuOf(9), { qty: 44 }, 0, passStart + 60_000);

    const dry = await h().run({ trigger: 'manual', mode: 'reconcile', dryRun: true }, { env, clockOffsetMs: 180_000 });
    expect(dry.outcome.details!.drift).toMatchObject({ count: 2, missed: 1 });
    expect(await h().storeQty(skuOf(3))).toBe(47);

    const reconcile = await h().run({ trigger: 'manual', mode: 'reconcile' }, { env, clockOffsetMs: 180_000 });
    expect(reconcile.outcome.details!.drift).toEqual({
      count: 2,
      sumAbsDiff: 9,
      missed: 1,
      examples: [
        { sku: skuOf(3), store: 47, target: 50, erpModified: expect.any(String), missed: false },
        { sku: skuOf(9), store: 50, target: 44, erpModified: expect.any(String), missed: true },
      ],
    });
    expect(reconcile.metrics).toMatchObject({ StockDrift: 2, StockDriftMissed: 1 });
    expect(await h().storeQty(skuOf(3))).toBe(50);
    expect(await h().storeQty(skuOf(9))).toBe(44);

    const again = await h().run({ trigger: 'manual', mode: 'reconcile' }, { env, clockOffsetMs: 240_000 });
    expect(again.outcome.details!.drift).toMatchObject({ count: 0, missed: 0 });
    expect(again.metrics).toMatchObject({ StockDrift: 0, StockDriftMissed: 0 });
  });
});

describe('combined SKUs (#20)', () => {
  const h = useInventoryHarness({ products: 10 });

  it('are counted and listed apart from SKUs unknown to the ERP, and never queried nor written', async () => {
    seedErp(h(), 8, () => ({ qty: 5 }));
    const before = await h().storeQty(skuOf(10));
    const proxy = await startRecordingProxy(h().sandbox.url);
    try {
      const { outcome } = await h().run({}, { erpUrl: proxy.url, env: { INVENTORY_COMBINED_SKUS: `${skuOf(9)}, SKU-00001*` } });
      expect(outcome.counts).toMatchObject({ combinedSkus: 2, storeSkusUnknownToErp: 0, updated: 8 });
      expect(outcome.details!.combinedSkus).toEqual([skuOf(9), skuOf(10)]);
      const asked = proxy.requests.filter((r) => r.path.includes('inventory')).flatMap((r) => String(JSON.parse(r.form.biz!).sku_ids ?? '').split(','));
      expect(asked).toContain(skuOf(8));
      expect(asked).not.toContain(skuOf(9));
      expect(asked).not.toContain(skuOf(10));
      expect(await h().storeQty(skuOf(10))).toBe(before);
    } finally {
      await proxy.close();
    }
  });
});

describe('STOCK_WAREHOUSE_ID (#20)', () => {
  const h = useInventoryHarness({ products: 2 });
  const inventoryBizzes = (requests: Array<{ path: string; form: Record<string, string> }>) =>
    requests.filter((r) => r.path.includes('inventory')).map((r) => JSON.parse(r.form.biz!) as Record<string, unknown>);

  it('0: the query carries no wms_co_id and the store gets the stock summed over all warehouses', async () => {
    h().sandbox.state.setStock(skuOf(1), { qty: 5 }, 0, old());
    h().sandbox.state.setStock(skuOf(1), { qty: 3 }, 7, old());
    const proxy = await startRecordingProxy(h().sandbox.url);
    try {
      await h().run({ trigger: 'manual', skus: [skuOf(1)] }, { erpUrl: proxy.url, env: { STOCK_WAREHOUSE_ID: '0' } });
      const bizzes = inventoryBizzes(proxy.requests);
      expect(bizzes.length).toBeGreaterThan(0);
      for (const biz of bizzes) expect(biz).not.toHaveProperty('wms_co_id');
      expect(await h().storeQty(skuOf(1))).toBe(8);
    } finally {
      await proxy.close();
    }
  });

  it('a warehouse id: the query names it and the store gets that warehouse alone', async () => {
    const proxy = await startRecordingProxy(h().sandbox.url);
    try {
      await h().run({ trigger: 'manual', skus: [skuOf(1)] }, { erpUrl: proxy.url, env: { STOCK_WAREHOUSE_ID: '7' } });
      for (const biz of inventoryBizzes(proxy.requests)) expect(biz.wms_co_id).toBe(7);
      expect(await h().storeQty(skuOf(1))).toBe(3);
    } finally {
      await proxy.close();
    }
  });
});
