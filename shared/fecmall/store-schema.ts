import type { Pool, RowDataPacket } from 'mysql2/promise';
import { StoreError } from './store-errors';

/** What this store's database looks like (docs/store-schema.md §7.1): detected once at start-up. */
export interface StoreSchema {
  /** `core`: one status column. `bbc`: the multi-vendor add-on with `order_operate_status`. */
  flavour: 'core' | 'bbc';
  hasDispatchedAt: boolean;
  hasTrackingCompanyName: boolean;
  hasCustomerAddressArea: boolean;
}

export async function detectStoreSchema(pool: Pool): Promise<StoreSchema> {
  const [columns] = await pool.query<RowDataPacket[]>(
    `SELECT TABLE_NAME AS t, COLUMN_NAME AS c FROM information_schema.COLUMNS
      WHERE TABLE_SCHEMA = DATABASE() AND TABLE_NAME IN ('sales_flat_order', 'product_flat', 'product_flat_qty', 'sales_flat_order_item')`,
  );
  const has = (table: string, column?: string) => columns.some((r) => r.t === table && (column === undefined || r.c === column));
  for (const table of ['sales_flat_order', 'sales_flat_order_item', 'product_flat_qty']) {
    if (!has(table))
      throw new StoreError('STORE_TABLE_MISSING', `The store database has no ${table} table: is DB_SECRET_ID pointing at the Fecmall database?`, { table });
  }
  const [config] = await pool.query<RowDataPacket[]>("SELECT value FROM store_base_config WHERE `key` = 'service_db'").catch(() => [[] as RowDataPacket[]]);
  const serviceDb = String(config[0]?.value ?? '');
  if (/category_and_product";s:\d+:"mongodb"/.test(serviceDb)) {
    throw new StoreError(
      'STORE_MONGODB_UNSUPPORTED',
      'This Fecmall store keeps its products in MongoDB (store_base_config service_db = mongodb); fecjst supports the MySQL product store only',
    );
  }
  if (!has('product_flat'))
    throw new StoreError('STORE_TABLE_MISSING', 'The store database has no product_flat table (MySQL product store)', { table: 'product_flat' });
  return {
    flavour: has('sales_flat_order', 'order_operate_status') ? 'bbc' : 'core',
    hasDispatchedAt: has('sales_flat_order', 'dispatched_at'),
    hasTrackingCompanyName: has('sales_flat_order', 'tracking_company_name'),
    hasCustomerAddressArea: has('sales_flat_order', 'customer_address_area'),
  };
}
