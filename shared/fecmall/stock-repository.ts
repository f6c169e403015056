import type { Pool, PoolConnection, RowDataPacket } from 'mysql2/promise';
import { inTransaction } from './store-transaction';

export interface StoreSku {
  sku: string;
  /** product_flat.id; product_flat_qty.product_id is this as a string. */
  productId: number;
}

export interface StoreStock extends StoreSku {
  /** product_flat_qty.qty, or null when the product has no qty row (counts as 0 in the store). */
  qty: number | null;
  /** product_flat.qty, the copy kept for sorting (undefined where an adapter keeps no copy). */
  mirrorQty?: number | null;
}

export interface StockChange {
  sku: string;
  productId: number;
  /** The value read before computing the change (null: no row). The write only happens if it is still so. */
  expected: number | null;
  qty: number;
}

export interface StockWriteResult {
  written: string[];
  /** The row changed between our read and our write (e.g. a checkout deducted): not written, retry. */
  conflicts: Array<{ sku: string; expected: number | null; actual: number | null }>;
  unchanged: string[];
  /** Of `unchanged`: SKUs whose product_flat.qty copy differed and was set to product_flat_qty's value. */
  mirrored: string[];
}

/**
 * Store stock (docs/store-schema.md §1): `product_flat_qty` is authoritative, `product_flat.qty` a copy
 * kept for sorting. SKUs map to rows through `product_flat.sku` (unique) → `id`.
 */
export class StockRepository {
  constructor(private readonly pool: Pool) {}

  /** SKUs in keyset pages ordered by sku (the unique index): pass the last sku of a page to get the next. */
  async listSkus(afterSku: string | undefined, limit: number): Promise<StoreSku[]> {
    const [rows] = await this.pool.query<RowDataPacket[]>(
      afterSku === undefined ? 'SELECT sku, id FROM product_flat ORDER BY sku LIMIT ?' : 'SELECT sku, id FROM product_flat WHERE sku > ? ORDER BY sku LIMIT ?',
      afterSku === undefined ? [limit] : [afterSku, limit],
    );
    return rows.map((r) => ({ sku: String(r.sku), productId: Number(r.id) }));
  }

  /** How many SKUs the store has (the size of a full pass). */
  async countSkus(): Promise<number> {
    const [rows] = await this.pool.query<RowDataPacket[]>('SELECT COUNT(*) AS n FROM product_flat');
    return Number(rows[0]?.n ?? 0);
  }

  /** Current stock of the given SKUs; SKUs the store does not have are absent from the map. */
  async readStock(skus: readonly string[]): Promise<Map<string, StoreStock>> {
    const result = new Map<string, StoreStock>();
    if (skus.length === 0) return result;
    // Two lookups instead of a join on CAST(p.id AS CHAR): the cast would carry the connection's
    // collation, which need not match product_flat_qty's (ER_CANT_AGGREGATE_2COLLATIONS); parameters do.
    const [products] = await this.pool.query<RowDataPacket[]>('SELECT sku, id, qty FROM product_flat WHERE sku IN (?)', [skus]);
    if (products.length === 0) return result;
    const [quantities] = await this.pool.query<RowDataPacket[]>('SELECT product_id, qty FROM product_flat_qty WHERE product_id IN (?)', [
      products.map((p) => String(p.id)),
    ]);
    const qtyById = new Map(quantities.map((q) => [String(q.product_id), Number(q.qty)]));
    for (const p of products)
      result.set(String(p.sku), {
        sku: String(p.sku),
        productId: Number(p.id),
        qty: qtyById.get(String(p.id)) ?? null,
        mirrorQty: p.qty === null ? null : Number(p.qty),
      });
    return result;
  }

  /**
   * Writes a batch of new quantities in one transaction, as a compare-and-set: rows are locked
   * (SELECT … FOR UPDATE), and a row whose value is no longer the one read is reported as a
   * conflict and left alone, so a checkout deduction is never overwritten. Missing qty rows are
   * inserted (product_id as a string); product_flat.qty is mirrored for every SKU of the batch — also
   * when product_flat_qty is already at the target but the copy is not (a store edit, an import, an
   * older connector) — and rows already at the target value in both tables are not written.
   */
  async writeStock(changes: readonly StockChange[]): Promise<StockWriteResult> {
    const result: StockWriteResult = { written: [], conflicts: [], unchanged: [], mirrored: [] };
    if (changes.length === 0) return result;
    return inTransaction(this.pool, async (conn) => {
      const current = await this.lockCurrent(
        conn,
        changes.map((c) => String(c.productId)),
      );
      const mirror = await this.readMirror(
        conn,
        changes.map((c) => c.productId),
      );
      const toWrite: StockChange[] = [];
      const toMirror: StockChange[] = [];
      for (const change of changes) {
        const actual = current.get(String(change.productId)) ?? null;
        if (actual !== change.expected) result.conflicts.push({ sku: change.sku, expected: change.expected, actual });
        else if (actual === change.qty) {
          result.unchanged.push(change.sku);
          if (mirror.get(change.productId) !== change.qty) {
            toMirror.push(change);
            result.mirrored.push(change.sku);
          }
        } else {
          toWrite.push(change);
          if (mirror.get(change.productId) !== change.qty) toMirror.push(change);
        }
      }
      if (toWrite.length > 0) {
        await conn.query('INSERT INTO product_flat_qty (product_id, qty) VALUES ? ON DUPLICATE KEY UPDATE qty = VALUES(qty)', [
          toWrite.map((c) => [String(c.productId), c.qty]),
        ]);
        result.written.push(...toWrite.map((c) => c.sku));
      }
      if (toMirror.length > 0) {
        const cases = toMirror.map(() => 'WHEN ? THEN ?').join(' ');
        await conn.query(`UPDATE product_flat SET qty = CASE id ${cases} END WHERE id IN (?)`, [
          ...toMirror.flatMap((c) => [c.productId, c.qty]),
          toMirror.map((c) => c.productId),
        ]);
      }
      return result;
    });
  }

  /** product_flat.qty of the given products (the copy; its type is numeric in every flavour). */
  private async readMirror(conn: PoolConnection, productIds: number[]): Promise<Map<number, number | null>> {
    const [rows] = await conn.query<RowDataPacket[]>('SELECT id, qty FROM product_flat WHERE id IN (?) FOR UPDATE', [productIds]);
    return new Map(rows.map((r) => [Number(r.id), r.qty === null ? null : Number(r.qty)]));
  }

  private async lockCurrent(conn: PoolConnection, productIds: string[]): Promise<Map<string, number>> {
    const [rows] = await conn.query<RowDataPacket[]>('SELECT product_id, qty FROM product_flat_qty WHERE product_id IN (?) FOR UPDATE', [productIds]);
    return new Map(rows.map((r) => [String(r.product_id), Number(r.qty)]));
  }
}
