/**
 * Store checkouts and payments for the freshness benchmark, in the shapes dev/fecmall/generator.ts
 * seeds (core schema): a checkout inserts the order as `payment_pending` with its items; the payment
 * moves it to `payment_confirmed` and sets `txn_id`, leaving `updated_at` alone as Alipay/WeChat
 * payments do (docs/store-schema.md §4). Parameterised statements only.
 */
import type { Pool, ResultSetHeader } from 'mysql2/promise';

export interface CheckoutItem {
  sku: string;
  productId: number;
  qty: number;
}

const cents = (c: number) => (c / 100).toFixed(2);

export async function insertCheckout(pool: Pool, incrementId: string, items: readonly CheckoutItem[], createdAt: number): Promise<number> {
  const lineCents = items.map((i) => (1000 + (i.productId % 90) * 100) * i.qty);
  const subtotal = lineCents.reduce((a, b) => a + b, 0);
  const grand = subtotal + 1000;
  const n = Number(incrementId.replace(/\D/g, '')) % 10_000;
  const [result] = await pool.query<ResultSetHeader>(
    `INSERT INTO sales_flat_order (increment_id, order_status, store, created_at, updated_at, items_count, order_currency_code, order_to_base_rate,
       grand_total, base_grand_total, subtotal, base_subtotal, subtotal_with_discount, base_subtotal_with_discount, customer_id, customer_email,
       customer_firstname, customer_lastname, payment_method, shipping_method, shipping_total, base_shipping_total, customer_telephone,
       customer_address_country, customer_address_state, customer_address_city, customer_address_zip, customer_address_street1)
     VALUES (?, 'payment_pending', 'shop.example.com', ?, ?, ?, 'CNY', '6.9000', ?, ?, ?, ?, '0.00', '0.00', ?, ?, '张', ?, 'alipay_standard',
       'free_shipping', '10.00', ?, ?, 'CN', 'GD', '深圳市', '518000', ?)`,
    [
      incrementId,
      createdAt,
      createdAt,
      items.length,
      cents(grand),
      cents(Math.round(grand / 6.9)),
      cents(subtotal),
      cents(Math.round(subtotal / 6.9)),
      1000 + n,
      `buyer${n}@example.com`,
      `三${n}`,
      cents(Math.round(1000 / 6.9)),
      `1380000${String(n).padStart(4, '0')}`,
      `南山区科技园${n}号`,
    ],
  );
  await pool.query(
    'INSERT INTO sales_flat_order_item (order_id, product_id, sku, name, qty, price, base_price, row_total, base_row_total, created_at, updated_at) VALUES ?',
    [
      items.map((item, k) => [
        result.insertId,
        String(item.productId),
        item.sku,
        `Product ${item.productId}`,
        item.qty,
        cents(lineCents[k]! / item.qty),
        cents(Math.round(lineCents[k]! / item.qty / 6.9)),
        cents(lineCents[k]!),
        cents(Math.round(lineCents[k]! / 6.9)),
        createdAt,
        createdAt,
      ]),
    ],
  );
  return result.insertId;
}

/** The payment: `payment_pending → payment_confirmed`, guarded (a second call changes nothing). */
export async function markPaid(pool: Pool, incrementId: string): Promise<boolean> {
  const [result] = await pool.query<ResultSetHeader>(
    "UPDATE sales_flat_order SET order_status = 'payment_confirmed', txn_id = ? WHERE increment_id = ? AND order_status = 'payment_pending'",
    [`TXN-${incrementId}`, incrementId],
  );
  return result.affectedRows === 1;
}
