import type { Pool } from 'mysql2/promise';
import { detectStoreSchema, type StoreSchema } from '../../../shared/fecmall/store-schema';

/** A statement the jobs run against a table, and the privilege it needs. */
export interface TableAccess {
  privilege: 'SELECT' | 'INSERT' | 'UPDATE';
  table: string;
  /** Which job needs it, for the operator's message. */
  neededBy: string;
}

/** What the jobs read and write (shared/fecmall/*-repository.ts); bbc also logs each dispatch. */
export function requiredAccess(schema: Pick<StoreSchema, 'flavour'>): TableAccess[] {
  const access: TableAccess[] = [
    { privilege: 'SELECT', table: 'product_flat', neededBy: 'syncInventory' },
    { privilege: 'SELECT', table: 'product_flat_qty', neededBy: 'syncInventory' },
    { privilege: 'UPDATE', table: 'product_flat', neededBy: 'syncInventory' },
    { privilege: 'UPDATE', table: 'product_flat_qty', neededBy: 'syncInventory' },
    { privilege: 'INSERT', table: 'product_flat_qty', neededBy: 'syncInventory' },
    { privilege: 'SELECT', table: 'sales_flat_order', neededBy: 'pushOrders, syncShipping' },
    { privilege: 'SELECT', table: 'sales_flat_order_item', neededBy: 'pushOrders' },
    { privilege: 'UPDATE', table: 'sales_flat_order', neededBy: 'pushOrders, syncShipping' },
  ];
  if (schema.flavour === 'bbc') access.push({ privilege: 'INSERT', table: 'sales_order_process_log', neededBy: 'syncShipping' });
  return access;
}

/**
 * A statement that needs exactly `access.privilege` on `access.table` and touches no row: the server
 * checks the privilege before it looks at the (always false) condition. Names come from the fixed
 * list above, never from input.
 */
function probeStatement(access: TableAccess): string {
  switch (access.privilege) {
    case 'SELECT':
      return `SELECT 1 FROM \`${access.table}\` LIMIT 0`;
    case 'UPDATE':
      return `UPDATE \`${access.table}\` SET \`${probeColumn(access.table)}\` = NULL WHERE 1 = 0`;
    case 'INSERT':
      return insertProbe(access.table);
  }
}

/** The columns the jobs insert (the server checks NOT NULL columns even when no row is inserted). */
const INSERTED_COLUMNS: Record<string, readonly string[]> = {
  product_flat_qty: ['product_id', 'qty'],
  sales_order_process_log: ['order_id', 'increment_id', 'customer_id', 'bdmin_user_id', 'type', 'created_at', 'updated_at'],
};

function insertProbe(table: string): string {
  const columns = INSERTED_COLUMNS[table] ?? [];
  return `INSERT INTO \`${table}\` (${columns.map((c) => `\`${c}\``).join(', ')}) SELECT ${columns.map(() => 'NULL').join(', ')} FROM DUAL WHERE 1 = 0`;
}

/**
 * A column the UPDATE probe names; it reads no column, so a user with UPDATE or INSERT but not SELECT is
 * not mistaken for one without.
 */
function probeColumn(table: string): string {
  return table === 'sales_flat_order' ? 'order_status' : 'qty';
}

const ACCESS_DENIED = new Set(['ER_TABLEACCESS_DENIED_ERROR', 'ER_COLUMNACCESS_DENIED_ERROR', 'ER_DBACCESS_DENIED_ERROR']);

export interface StoreAccessReport {
  schema: StoreSchema;
  /** Privileges the database user lacks; empty when the jobs can do all they do. */
  missing: TableAccess[];
}

/**
 * Checks the store database as the jobs will use it: the Fecmall tables and flavour (the detection
 * the functions run at start, which throws a StoreError naming what is wrong), then each privilege
 * of requiredAccess by a statement that reads or writes no row, inside a transaction rolled back.
 */
export async function checkStoreAccess(pool: Pool): Promise<StoreAccessReport> {
  const schema = await detectStoreSchema(pool);
  const conn = await pool.getConnection();
  const missing: TableAccess[] = [];
  try {
    await conn.beginTransaction();
    for (const access of requiredAccess(schema)) {
      try {
        await conn.query(probeStatement(access));
      } catch (error) {
        if (!ACCESS_DENIED.has((error as { code?: string }).code ?? '')) throw error;
        missing.push(access);
      }
    }
  } finally {
    await conn.rollback().catch(() => undefined);
    conn.release();
  }
  return { schema, missing };
}

/** The GRANT an administrator runs to give the missing privileges (one line per table). */
export function grantStatements(missing: readonly TableAccess[], database: string, user: string): string[] {
  const byTable = new Map<string, Set<string>>();
  for (const access of missing) byTable.set(access.table, (byTable.get(access.table) ?? new Set()).add(access.privilege));
  return [...byTable].map(([table, privileges]) => `GRANT ${[...privileges].join(', ')} ON \`${database}\`.\`${table}\` TO '${user}'@'%';`);
}
