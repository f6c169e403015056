import { randomBytes } from 'node:crypto';
import mysql from 'mysql2/promise';
import { createStoreSchema } from '../../../dev/fecmall/schema';
import { checkStoreAccess, grantStatements, requiredAccess } from '../../../scripts/ops/checks/store-access-check';
import { useTestDatabase } from '../../support/mysql';

describe.each(['core', 'bbc'] as const)('the store access check (%s flavour) on MariaDB', (flavour) => {
  const db = useTestDatabase(`access_${flavour}`);
  const user = `fecjst_ro_${randomBytes(3).toString('hex')}`;
  let restricted: mysql.Pool;
  beforeAll(async () => {
    await createStoreSchema(db().pool, flavour);
    await db().pool.query("INSERT INTO product_flat (name, spu, sku, qty, price) VALUES ('A', 'SPU-A', 'SKU-A', 5, 1.00)");
    // A store user as an administrator often creates it: it may read everything, write nothing.
    await db().pool.query(`CREATE USER '${user}'@'%' IDENTIFIED BY 'pw'`);
    await db().pool.query(`GRANT SELECT ON \`${db().database}\`.* TO '${user}'@'%'`);
    restricted = mysql.createPool({ ...db().connection, user, password: 'pw', connectionLimit: 1 });
  });
  afterAll(async () => {
    await restricted.end();
    const admin = await mysql.createConnection({ uri: db().serverUrl });
    await admin.query(`DROP USER IF EXISTS '${user}'@'%'`);
    await admin.end();
  });

  it('finds the flavour and nothing missing for a user with every privilege', async () => {
    const report = await checkStoreAccess(db().pool);
    expect(report.schema.flavour).toBe(flavour);
    expect(report.missing).toEqual([]);
  });

  it('names each UPDATE and INSERT a read-only user lacks, with the GRANT that fixes it, and changes no row', async () => {
    const report = await checkStoreAccess(restricted);
    expect(report.schema.flavour).toBe(flavour);
    const expected = requiredAccess({ flavour }).filter((a) => a.privilege !== 'SELECT');
    expect(report.missing).toEqual(expected);
    expect(grantStatements(report.missing, db().database, user)).toContain(
      `GRANT UPDATE, INSERT ON \`${db().database}\`.\`product_flat_qty\` TO '${user}'@'%';`,
    );
    const [rows] = await db().pool.query<mysql.RowDataPacket[]>('SELECT sku, qty FROM product_flat');
    expect(rows).toEqual([{ sku: 'SKU-A', qty: 5 }]);
  });

  it('sees a table-level UPDATE grant and still names the table that lacks one', async () => {
    await db().pool.query(`GRANT UPDATE ON \`${db().database}\`.\`product_flat\` TO '${user}'@'%'`);
    const report = await checkStoreAccess(restricted);
    expect(report.missing).not.toContainEqual(expect.objectContaining({ privilege: 'UPDATE', table: 'product_flat' }));
    expect(report.missing).toContainEqual(expect.objectContaining({ privilege: 'UPDATE', table: 'sales_flat_order' }));
  });

  it('refuses a database that is not a Fecmall store, naming the missing table', async () => {
    const other = `${db().database}_empty`;
    await db().pool.query(`CREATE DATABASE \`${other}\``);
    const pool = mysql.createPool({ ...db().connection, database: other, connectionLimit: 1 });
    try {
      await expect(checkStoreAccess(pool)).rejects.toMatchObject({ code: 'STORE_TABLE_MISSING', context: { table: 'sales_flat_order' } });
    } finally {
      await pool.end();
      await db().pool.query(`DROP DATABASE \`${other}\``);
    }
  });
});
