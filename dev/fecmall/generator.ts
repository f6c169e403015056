import type { Pool } from 'mysql2/promise';
import { seededRandom } from '../jst-sandbox/seeded-random';
import type { SchemaFlavour } from './schema';

export interface SeedOptions {
  products: number;
  orders: number;
  flavour: SchemaFlavour;
  seed?: number;
  /** Orders are spread over the `days` before this (unix seconds). */
  nowUnix?: number;
  days?: number;
  /** Share of products without a product_flat_qty row (docs/store-schema.md §1.5). */
  missingQtyShare?: number;
}

export interface SeededStore {
  skus: string[];
  incrementIds: string[];
}

const CORE_MIX: Array<[string, number]> = [
  ['payment_pending', 15],
  ['payment_confirmed', 30],
  ['holded', 5],
  ['processing', 5],
  ['dispatched', 20],
  ['completed', 10],
  ['canceled', 10],
  ['payment_canceled', 5],
];
const BBC_MIX: Array<[string, string, number]> = [
  ['payment_pending', 'operate_normal', 15],
  ['payment_confirmed', 'operate_normal', 10],
  ['order_processing', 'operate_normal', 30],
  ['order_dispatched', 'operate_normal', 20],
  ['order_completed', 'operate_normal', 10],
  ['order_processing', 'operate_canceled', 10],
  ['payment_canceled', 'operate_normal', 5],
];
const CN_STATES = ['GD', 'BJ', 'SH', 'ZJ', 'JS', 'SC'];
const FOREIGN = [
  { country: 'US', state: 'California', city: 'San Jose', zip: '95112', currency: 'USD', rate: '1.0000' },
  { country: 'DE', state: 'Berlin', city: 'Berlin', zip: '10115', currency: 'EUR', rate: '0.9200' },
];

export const skuOf = (i: number) => `SKU-${String(i).padStart(6, '0')}`;

/**
 * Fills a store schema with a deterministic, realistic data set: products (some without a qty row),
 * orders in every status with items, CN and foreign addresses, several currencies, numeric and
 * non-numeric increment ids, and orders paid long after creation whose updated_at did not move.
 */
export async function seedStore(pool: Pool, options: SeedOptions): Promise<SeededStore> {
  const random = seededRandom(options.seed ?? 1);
  const pick = <T>(list: readonly T[]) => list[Math.floor(random() * list.length)]!;
  const now = options.nowUnix ?? Math.floor(Date.now() / 1000);
  const days = options.days ?? 40;
  const bbc = options.flavour === 'bbc';
  const skus: string[] = [];

  const productRows: unknown[][] = [];
  const qtyRows: unknown[][] = [];
  for (let i = 1; i <= options.products; i++) {
    const sku = skuOf(i);
    skus.push(sku);
    const qty = Math.floor(random() * 200);
    const name = `a:2:{s:7:"name_en";s:${`Product ${i}`.length}:"Product ${i}";s:7:"name_zh";s:${Buffer.byteLength(`商品${i}`)}:"商品${i}";}`;
    productRows.push([
      i,
      now - days * 86400,
      now - days * 86400,
      name,
      `SPU-${Math.ceil(i / 3)}`,
      sku,
      1,
      qty,
      1,
      `p-${i}`,
      (10 + (i % 90)).toFixed(2),
      ...(bbc ? [1 + (i % 3)] : []),
    ]);
    if (random() >= (options.missingQtyShare ?? 0.05)) qtyRows.push([String(i), qty]);
  }
  const productCols = `id, created_at, updated_at, name, spu, sku, status, qty, is_in_stock, url_key, price${bbc ? ', bdmin_user_id' : ''}`;
  for (const batch of batches(productRows, 2000)) await pool.query(`INSERT INTO product_flat (${productCols}) VALUES ?`, [batch]);
  for (const batch of batches(qtyRows, 5000)) await pool.query('INSERT INTO product_flat_qty (product_id, qty) VALUES ?', [batch]);

  const incrementIds: string[] = [];
  const orderRows: unknown[][] = [];
  const itemRows: unknown[][] = [];
  const start = now - days * 86400;
  for (let n = 1; n <= options.orders; n++) {
    const createdAt = start + Math.floor((n / (options.orders + 1)) * days * 86400);
    const incrementId = n % 7 === 0 ? `A${(721323962609000 + n * 7919).toString().slice(0, 15)}` : String(1100000000 + n);
    incrementIds.push(incrementId);
    let status: string;
    let operate: string | null = null;
    if (bbc)
      [status, operate] = weighted(
        BBC_MIX.map(([s, o, w]) => [[s, o] as [string, string], w]),
        random,
      );
    else
      status = weighted(
        CORE_MIX.map(([s, w]) => [s, w]),
        random,
      );
    // Most orders keep updated_at = created_at even after payment (Alipay/WeChat do not bump it).
    const updatedAt = random() < 0.2 ? Math.min(now, createdAt + Math.floor(random() * 5 * 86400)) : createdAt;
    const foreign = random() < 0.3 ? pick(FOREIGN) : undefined;
    const currency = foreign?.currency ?? 'CNY';
    const rate = foreign?.rate ?? '6.9000';
    const itemCount = 1 + Math.floor(random() * 3);
    let subtotalCents = 0;
    for (let k = 0; k < itemCount; k++) {
      const productIndex = 1 + Math.floor(random() * Math.max(1, options.products));
      const qty = 1 + Math.floor(random() * 3);
      const priceCents = 1000 + (productIndex % 90) * 100;
      subtotalCents += priceCents * qty;
      itemRows.push([
        n,
        String(productIndex),
        skuOf(productIndex),
        `Product ${productIndex}`,
        qty,
        cents(priceCents),
        cents(Math.round(priceCents / Number(rate))),
        cents(priceCents * qty),
        cents(Math.round((priceCents * qty) / Number(rate))),
        createdAt,
        createdAt,
      ]);
    }
    const discountCents = n % 5 === 0 ? Math.floor(subtotalCents * 0.1) : 0;
    const shippingCents = n % 3 === 0 ? 0 : 1000;
    const grand = subtotalCents - discountCents + shippingCents;
    const toBase = (c: number) => cents(Math.round(c / Number(rate)));
    orderRows.push([
      n,
      incrementId,
      status,
      'shop.example.com',
      createdAt,
      updatedAt,
      itemCount,
      currency,
      rate,
      cents(grand),
      toBase(grand),
      cents(subtotalCents),
      toBase(subtotalCents),
      cents(discountCents),
      toBase(discountCents),
      n % 4 === 0 ? null : 1000 + (n % 500),
      `buyer${n}@example.com`,
      foreign ? 'John' : '张',
      foreign ? `Doe${n}` : `三${n}`,
      pick(['alipay_standard', 'wxpay_standard', 'paypal_standard', 'check_money']),
      'free_shipping',
      cents(shippingCents),
      toBase(shippingCents),
      `1380000${String(n % 10000).padStart(4, '0')}`,
      foreign?.country ?? 'CN',
      foreign?.state ?? pick(CN_STATES),
      foreign?.city ?? '深圳市',
      foreign?.zip ?? '518000',
      foreign ? `${n} Main Street` : `南山区科技园${n}号`,
      null,
      n % 11 === 0 ? 'Please &amp; thanks &lt;3' : null,
      status.startsWith('payment_pending') ? null : `TXN${n}`,
      ...(bbc ? [operate, 1 + (n % 3), `pay_no_${n}`] : []),
    ]);
  }
  const orderCols = `order_id, increment_id, order_status, store, created_at, updated_at, items_count, order_currency_code, order_to_base_rate, grand_total, base_grand_total,
    subtotal, base_subtotal, subtotal_with_discount, base_subtotal_with_discount, customer_id, customer_email, customer_firstname, customer_lastname,
    payment_method, shipping_method, shipping_total, base_shipping_total, customer_telephone, customer_address_country, customer_address_state,
    customer_address_city, customer_address_zip, customer_address_street1, customer_address_street2, order_remark, txn_id${bbc ? ', order_operate_status, bdmin_user_id, payment_no' : ''}`;
  for (const batch of batches(orderRows, 1000)) await pool.query(`INSERT INTO sales_flat_order (${orderCols}) VALUES ?`, [batch]);
  for (const batch of batches(itemRows, 2000)) {
    await pool.query(
      'INSERT INTO sales_flat_order_item (order_id, product_id, sku, name, qty, price, base_price, row_total, base_row_total, created_at, updated_at) VALUES ?',
      [batch],
    );
  }
  return { skus, incrementIds };
}

function cents(c: number): string {
  return (c / 100).toFixed(2);
}

function weighted<T>(options: Array<[T, number]>, random: () => number): T {
  const total = options.reduce((a, [, w]) => a + w, 0);
  let r = random() * total;
  for (const [value, w] of options) {
    r -= w;
    if (r < 0) return value;
  }
  return options.at(-1)![0];
}

function* batches<T>(rows: T[], size: number): Generator<T[]> {
  for (let i = 0; i < rows.length; i += size) yield rows.slice(i, i + size);
}
