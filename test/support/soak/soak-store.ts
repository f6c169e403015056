import type { Pool, RowDataPacket } from 'mysql2/promise';
import { skuOf } from '../../../dev/fecmall/generator';

/** Core-flavour statuses of a checkout: half unpaid, the rest paid in the three ready statuses. */
const CHECKOUT_STATUSES: Array<[status: string, weight: number]> = [
  ['payment_pending', 0.5],
  ['payment_confirmed', 0.35],
  ['processing', 0.1],
  ['holded', 0.05],
];

/** The shop side of the soak: shoppers checking out, and the store database dropping connections. */
export class SoakStore {
  checkouts = 0;
  connectionsKilled = 0;
  /** Increment id of the latest paid checkout (not pushed yet). */
  lastPaidOrder: string | undefined;

  constructor(
    private readonly pool: Pool,
    private readonly database: string,
    private readonly products: number,
    private readonly random: () => number,
  ) {}

  /** A shopper checks out: Fecmall deducts stock and creates the order, in one transaction. Returns false when out of stock. */
  async checkout(): Promise<boolean> {
    const product = 1 + Math.floor(this.random() * this.products);
    let roll = this.random();
    const status = CHECKOUT_STATUSES.find(([, weight]) => (roll -= weight) < 0)?.[0] ?? 'payment_pending';
    const conn = await this.pool.getConnection();
    try {
      await conn.beginTransaction();
      const [deducted] = await conn.query('UPDATE product_flat_qty SET qty = qty - 1 WHERE product_id = ? AND qty >= 1', [String(product)]);
      if ((deducted as { affectedRows: number }).affectedRows === 0) {
        await conn.rollback();
        return false;
      }
      const n = ++this.checkouts;
      const now = Math.floor(Date.now() / 1000);
      const [res] = await conn.query(
        `INSERT INTO sales_flat_order (increment_id, order_status, created_at, updated_at, order_currency_code, order_to_base_rate, grand_total, base_grand_total, subtotal, base_subtotal,
          subtotal_with_discount, base_subtotal_with_discount, shipping_total, base_shipping_total, customer_email, customer_firstname, customer_lastname, customer_address_country,
          customer_address_state, customer_address_city, customer_address_street1, payment_method, txn_id)
         VALUES (?, ?, ?, ?, 'CNY', 6.9, '20.00', '2.90', '20.00', '2.90', '0.00', '0.00', '0.00', '0.00', ?, '王', '五', 'CN', 'GD', '广州市', '天河路 1 号', 'alipay_standard', ?)`,
        [`SOAK${n}`, status, now, now, `soak${n}@example.com`, `T${n}`],
      );
      await conn.query(
        "INSERT INTO sales_flat_order_item (order_id, product_id, sku, name, qty, price, base_price, row_total, base_row_total) VALUES (?, ?, ?, 'soak', 1, '20.00', '2.90', '20.00', '2.90')",
        [(res as { insertId: number }).insertId, String(product), skuOf(product)],
      );
      await conn.commit();
      if (status !== 'payment_pending') this.lastPaidOrder = `SOAK${n}`;
      return true;
    } finally {
      conn.release();
    }
  }

  /** Ids of the connections open on the store database now (taken before a job starts: the test's own). */
  async connectionIds(): Promise<Set<number>> {
    const [rows] = await this.pool.query<RowDataPacket[]>('SELECT id FROM information_schema.PROCESSLIST WHERE db = ?', [this.database]);
    return new Set(rows.map((r) => Number(r.id)));
  }

  /** Kills the connections a running job opened: every connection on the database but `spare` (the test's own). */
  async killJobConnections(spare: ReadonlySet<number>): Promise<void> {
    const [rows] = await this.pool.query<RowDataPacket[]>('SELECT id FROM information_schema.PROCESSLIST WHERE db = ? AND id <> CONNECTION_ID()', [
      this.database,
    ]);
    for (const r of rows) {
      if (spare.has(Number(r.id))) continue;
      await this.pool
        .query('KILL ?', [r.id])
        .then(() => this.connectionsKilled++)
        .catch(() => undefined);
    }
  }

  async maxOrderId(): Promise<number> {
    const [rows] = await this.pool.query<RowDataPacket[]>('SELECT COALESCE(MAX(order_id), 0) AS id FROM sales_flat_order');
    return Number(rows[0]!.id);
  }
}
