import type { RowDataPacket } from 'mysql2/promise';
import mysql from 'mysql2/promise';
import { createStoreSchema } from '../../../dev/fecmall/schema';
import { seedStore, skuOf } from '../../../dev/fecmall/generator';
import { detectStoreSchema, type StoreSchema } from '../../../shared/fecmall/store-schema';
import { StockRepository } from '../../../shared/fecmall/stock-repository';
import { OrderRepository } from '../../../shared/fecmall/order-repository';
import { ShipmentRepository, joinTracking } from '../../../shared/fecmall/shipment-repository';
import { toUtf8mb3 } from '../../../shared/fecmall/utf8-text';
import { useTestDatabase } from '../../support/mysql';

const NOW = 1_795_000_000;

describe.each(['core', 'bbc'] as const)('store data layer (%s flavour) on MariaDB', (flavour) => {
  const db = useTestDatabase(`store_${flavour}`);
  let schema: StoreSchema;
  beforeAll(async () => {
    await createStoreSchema(db().pool, flavour);
    await seedStore(db().pool, { products: 300, orders: 400, flavour, nowUnix: NOW, days: 60 });
    schema = await detectStoreSchema(db().pool);
  });

  it('detects the flavour and the optional columns', () => {
    expect(schema).toEqual({ flavour, hasDispatchedAt: flavour === 'bbc', hasTrackingCompanyName: true, hasCustomerAddressArea: flavour === 'bbc' });
  });

  describe('stock', () => {
    it('lists SKUs in keyset pages ordered by sku', async () => {
      const repo = new StockRepository(db().pool);
      const first = await repo.listSkus(undefined, 100);
      const second = await repo.listSkus(first.at(-1)!.sku, 100);
      expect(first[0]!.sku).toBe(skuOf(1));
      expect(second[0]!.sku > first.at(-1)!.sku).toBe(true);
      expect(new Set([...first, ...second].map((s) => s.sku)).size).toBe(200);
    });

    it('writes only changes, inserts missing qty rows as strings, mirrors product_flat.qty, all in one transaction', async () => {
      const repo = new StockRepository(db().pool);
      await db().pool.query("DELETE FROM product_flat_qty WHERE product_id = '5'");
      const current = await repo.readStock([skuOf(5), skuOf(6), skuOf(7), 'NOT-IN-STORE']);
      expect(current.has('NOT-IN-STORE')).toBe(false);
      expect(current.get(skuOf(5))!.qty).toBeNull();
      const six = current.get(skuOf(6))!;
      const seven = current.get(skuOf(7))!;
      const result = await repo.writeStock([
        { sku: skuOf(5), productId: 5, expected: null, qty: 11 },
        { sku: skuOf(6), productId: 6, expected: six.qty, qty: (six.qty ?? 0) + 1 },
        { sku: skuOf(7), productId: 7, expected: seven.qty, qty: seven.qty ?? 0 },
      ]);
      expect(result).toEqual({ written: [skuOf(5), skuOf(6)], conflicts: [], unchanged: [skuOf(7)], mirrored: [] });
      const [rows] = await db().pool.query<RowDataPacket[]>(
        "SELECT q.product_id, q.qty, p.qty AS mirror FROM product_flat_qty q JOIN product_flat p ON CAST(p.id AS CHAR) = q.product_id WHERE q.product_id IN ('5','6')",
      );
      expect(rows.map((r) => [r.product_id, r.qty, r.mirror]).sort()).toEqual([
        ['5', 11, 11],
        ['6', (six.qty ?? 0) + 1, (six.qty ?? 0) + 1],
      ]);
    });

    it('never overwrites a checkout deduction that raced the write: it reports a conflict instead', async () => {
      const repo = new StockRepository(db().pool);
      const before = (await repo.readStock([skuOf(8)])).get(skuOf(8))!;
      await db().pool.query("UPDATE product_flat_qty SET qty = 50 WHERE product_id = '8'");
      const read = (await repo.readStock([skuOf(8)])).get(skuOf(8))!;
      expect(read.qty).toBe(50);
      // A checkout on another connection deducts 2 units between our read and our write (Stock::deduct).
      const checkout = await mysql.createConnection({ ...db().connection });
      await checkout.query("UPDATE product_flat_qty SET qty = qty - 2 WHERE product_id = '8' AND qty >= 2");
      await checkout.end();
      const result = await repo.writeStock([{ sku: skuOf(8), productId: 8, expected: read.qty, qty: 80 }]);
      expect(result.conflicts).toEqual([{ sku: skuOf(8), expected: 50, actual: 48 }]);
      expect((await repo.readStock([skuOf(8)])).get(skuOf(8))!.qty).toBe(48);
      expect(before.productId).toBe(8);
    });

    it('holds a checkout that starts during the write until the write commits, so it deducts from the new value', async () => {
      const repo = new StockRepository(db().pool);
      await db().pool.query("UPDATE product_flat_qty SET qty = 10 WHERE product_id = '9'");
      const checkout = await mysql.createConnection({ ...db().connection });
      const write = repo.writeStock([{ sku: skuOf(9), productId: 9, expected: 10, qty: 30 }]);
      const deduct = checkout.query("UPDATE product_flat_qty SET qty = qty - 1 WHERE product_id = '9' AND qty >= 1");
      const [written] = await Promise.all([write, deduct]);
      await checkout.end();
      const final = (await repo.readStock([skuOf(9)])).get(skuOf(9))!.qty;
      // Either order is safe: write then deduct (29), or deduct first and the write reports a conflict (9).
      if (written.written.length === 1) expect(final).toBe(29);
      else expect([written.conflicts[0]?.actual, final]).toEqual([9, 9]);
    });
  });

  describe('orders', () => {
    it('finds the first order inside the horizon by binary search over the primary key', async () => {
      const repo = new OrderRepository(db().pool, schema);
      const since = NOW - 30 * 86400;
      const start = await repo.horizonStartOrderId(since);
      const [rows] = await db().pool.query<RowDataPacket[]>('SELECT MIN(order_id) AS id FROM sales_flat_order WHERE created_at >= ?', [since]);
      expect(start).toBe(Number(rows[0]!.id));
      expect(await repo.horizonStartOrderId(NOW + 86400)).toBeUndefined();
    });

    it('finds an order paid long after it was created, though its updated_at never moved', async () => {
      const repo = new OrderRepository(db().pool, schema);
      const ready = flavour === 'bbc' ? 'order_processing' : 'payment_confirmed';
      const created = NOW - 20 * 86400;
      const [res] = await db().pool.query<RowDataPacket[]>('SELECT MIN(order_id) AS id FROM sales_flat_order WHERE created_at >= ?', [created]);
      const id = Number(res[0]!.id);
      await db().pool.query(
        `UPDATE sales_flat_order SET order_status = 'payment_pending', updated_at = created_at${flavour === 'bbc' ? ", order_operate_status = 'operate_normal'" : ''} WHERE order_id = ?`,
        [id],
      );
      await db().pool.query('UPDATE sales_flat_order SET order_status = ? WHERE order_id = ?', [ready, id]); // payment: no updated_at bump
      const start = (await repo.horizonStartOrderId(NOW - 30 * 86400))!;
      const found: string[] = [];
      for (let after = start - 1, done = false; !done;) {
        const page = await repo.readOrdersAfter(after, 50);
        found.push(...page.orders.filter((o) => o.lifecycle === 'ready').map((o) => String(o.orderId)));
        after = page.lastOrderId;
        done = page.done;
      }
      expect(found).toContain(String(id));
    });

    it('reads pages through the primary key (a range scan, never a full table scan)', async () => {
      const [plan] = await db().pool.query<RowDataPacket[]>(
        "EXPLAIN SELECT order_id FROM sales_flat_order WHERE order_id > 100 AND increment_id IS NOT NULL AND order_status IN ('payment_confirmed') ORDER BY order_id LIMIT 50",
      );
      expect(plan[0]).toMatchObject({ type: 'range', key: 'PRIMARY' });
    });

    it('returns orders with items, amounts as decimal strings, and a lifecycle per order', async () => {
      const repo = new OrderRepository(db().pool, schema);
      const page = await repo.readOrdersAfter(0, 20);
      const order = page.orders[0]!;
      expect(order.items.length).toBeGreaterThan(0);
      expect(order.grandTotal).toMatch(/^\d+\.\d{2}$/);
      expect(['ready', 'cancelled', 'shipped']).toContain(order.lifecycle);
      const byId = await repo.readOrdersByIncrementIds([order.incrementId]);
      expect(byId.map((o) => o.orderId)).toEqual([order.orderId]);
    });

    it('sums the units held by open orders per order and SKU', async () => {
      const repo = new OrderRepository(db().pool, schema);
      const held = await repo.unitsHeldByOpenOrders(0);
      expect(held.length).toBeGreaterThan(0);
      expect(held.every((h) => h.qty > 0 && h.sku.startsWith('SKU-'))).toBe(true);
    });
  });

  describe('shipments', () => {
    async function orderIn(statusSql: string): Promise<string> {
      const [rows] = await db().pool.query<RowDataPacket[]>(`SELECT increment_id FROM sales_flat_order WHERE ${statusSql} ORDER BY order_id DESC LIMIT 1`);
      return String(rows[0]!.increment_id);
    }

    it('ships only shippable orders, reports the others, and never moves an order backwards', async () => {
      const repo = new ShipmentRepository(db().pool, schema);
      const bbc = flavour === 'bbc';
      const shippable = await orderIn(
        bbc ? "order_status = 'order_processing' AND order_operate_status = 'operate_normal'" : "order_status = 'payment_confirmed'",
      );
      const shipped = await orderIn(bbc ? "order_status = 'order_completed'" : "order_status = 'completed'");
      const cancelled = await orderIn(bbc ? "order_operate_status = 'operate_canceled'" : "order_status = 'canceled'");
      const unpaid = await orderIn("order_status = 'payment_pending'");
      const ship = (incrementId: string) => ({
        incrementId,
        trackingNumbers: ['SF100', 'SF101'],
        carrierCode: 'SF',
        carrierName: '顺丰速运😀',
        shippedAt: NOW,
      });
      const results = await repo.apply([ship(shippable), ship(shipped), ship(cancelled), ship(unpaid), ship('NO-SUCH-ORDER')]);
      expect(results.map((r) => r.outcome)).toEqual(['applied', 'tracking_added', 'cancelled', 'not_shippable', 'unknown']);
      const [rows] = await db().pool.query<RowDataPacket[]>(
        'SELECT increment_id, order_status, tracking_number, tracking_company, tracking_company_name FROM sales_flat_order WHERE increment_id IN (?)',
        [[shippable, shipped]],
      );
      const byId = Object.fromEntries(rows.map((r) => [r.increment_id, r]));
      expect(byId[shippable]).toMatchObject({
        order_status: bbc ? 'order_dispatched' : 'dispatched',
        tracking_number: 'SF100,SF101',
        tracking_company: 'SF',
        tracking_company_name: '顺丰速运\uFFFD',
      });
      expect(byId[shipped]!.order_status).toBe(bbc ? 'order_completed' : 'completed');
      const again = await repo.apply([ship(shippable)]);
      expect(again[0]!.outcome).toBe('already_shipped');
      if (bbc) {
        const [logs] = await db().pool.query<RowDataPacket[]>('SELECT type FROM sales_order_process_log WHERE increment_id = ?', [shippable]);
        expect(logs.map((l) => l.type)).toEqual(['log_order_dispatch']);
      }
    });
  });
});

describe('store data layer: start-up checks', () => {
  const db = useTestDatabase('store_mongo');
  it('refuses a store whose products live in MongoDB, saying so', async () => {
    await createStoreSchema(db().pool, 'core', { productStore: 'mongodb' });
    await expect(detectStoreSchema(db().pool)).rejects.toMatchObject({ code: 'STORE_MONGODB_UNSUPPORTED' });
  });
});

describe('text helpers', () => {
  it('replaces 4-byte characters before utf8 (3-byte) columns', () => {
    expect(toUtf8mb3('ok 😀 中文 𠀀')).toBe('ok \uFFFD 中文 \uFFFD');
  });

  it('joins tracking numbers within 100 characters, and refuses (never cuts) what does not fit', () => {
    expect(joinTracking('A1', ['B2', 'A1'], true)).toBe('A1,B2');
    const long = Array.from({ length: 12 }, (_, i) => `SF${String(i).padStart(10, '0')}`);
    expect(joinTracking(null, long, false)).toBeUndefined();
    expect(joinTracking(null, ['X'.repeat(101)], false)).toBeUndefined();
    expect(joinTracking(null, ['X'.repeat(100)], false)).toBe('X'.repeat(100));
  });
});
