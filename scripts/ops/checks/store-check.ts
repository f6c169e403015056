import type { DbCredentials } from '../../../shared/config/secret-shapes';
import { createStorePool } from '../../../shared/fecmall/store-pool';
import { StoreError } from '../../../shared/fecmall/store-errors';
import { blocker, ok, type Finding } from './finding';
import { checkStoreAccess, grantStatements } from './store-access-check';

/**
 * The store half of a setup check: the database connects with these credentials, the Fecmall tables and
 * the flavour are there (the detection the functions run), and the user may SELECT, UPDATE and INSERT
 * what the jobs do (store-access-check.ts, row-free). Reads nothing but the schema; writes nothing.
 */
export async function checkStore(credentials: DbCredentials): Promise<Finding[]> {
  const pool = createStorePool(credentials, { connectionLimit: 1, connectTimeoutMs: 5000 });
  try {
    let report;
    try {
      await pool.query('SELECT 1');
    } catch (error) {
      return [
        blocker(
          'store.connect',
          `cannot connect to ${credentials.host}:${credentials.port}/${credentials.dbname} as ${credentials.username} (${(error as { code?: string }).code ?? (error as Error).message})`,
          connectFix(error),
        ),
      ];
    }
    const findings: Finding[] = [ok('store.connect', `connected to ${credentials.host}:${credentials.port}/${credentials.dbname} as ${credentials.username}`)];
    try {
      report = await checkStoreAccess(pool);
    } catch (error) {
      if (!(error instanceof StoreError)) throw error;
      findings.push(
        blocker(
          'store.schema',
          error.message,
          'point dbname at the Fecmall database (core or bbc); fecjst needs product_flat, product_flat_qty, sales_flat_order and sales_flat_order_item',
        ),
      );
      return findings;
    }
    findings.push(ok('store.schema', `Fecmall tables present, ${report.schema.flavour} flavour`));
    if (report.missing.length === 0) findings.push(ok('store.privileges', 'the user may SELECT, UPDATE and INSERT everything the jobs do'));
    else
      findings.push(
        blocker(
          'store.privileges',
          `the user lacks ${report.missing.map((m) => `${m.privilege} on ${m.table} (${m.neededBy})`).join(', ')}`,
          `as a database administrator run: ${grantStatements(report.missing, credentials.dbname, credentials.username).join(' ')}`,
        ),
      );
    return findings;
  } finally {
    await pool.end().catch(() => undefined);
  }
}

function connectFix(error: unknown): string {
  const code = (error as { code?: string }).code;
  if (code === 'ER_ACCESS_DENIED_ERROR') return 'username or password is wrong (or the user may not connect from this host)';
  if (code === 'ER_BAD_DB_ERROR') return 'dbname does not exist on this server';
  return 'check host and port, and that the database accepts connections from here (security group, bind-address)';
}
