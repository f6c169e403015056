import { useTestDatabase } from '../../support/mysql';

describe('test harness: MySQL', () => {
  const db = useTestDatabase('harness');

  it('gives each test file its own empty database on a real server', async () => {
    const [rows] = await db().pool.query('SELECT DATABASE() AS name, VERSION() AS version');
    const [row] = rows as Array<{ name: string; version: string }>;
    expect(row?.name).toBe(db().database);
    expect(row?.version).toMatch(/^\d+\.\d+/);
    const [tables] = await db().pool.query('SHOW TABLES');
    expect(tables).toHaveLength(0);
  });

  it('round-trips a parameterised multi-row upsert', async () => {
    const pool = db().pool;
    await pool.query('CREATE TABLE kv (k VARCHAR(20) PRIMARY KEY, v INT NOT NULL)');
    await pool.query('INSERT INTO kv (k, v) VALUES ?', [[['a', 1], ['b', 2]]]);
    const [result] = await pool.query('INSERT INTO kv (k, v) VALUES ? ON DUPLICATE KEY UPDATE v = VALUES(v)', [
      [['a', 10], ['c', 3]],
    ]);
    expect((result as { affectedRows: number }).affectedRows).toBe(3); // 2 for the update, 1 for the insert
    const [rows] = await pool.query('SELECT k, v FROM kv ORDER BY k');
    expect(rows).toEqual([
      { k: 'a', v: 10 },
      { k: 'b', v: 2 },
      { k: 'c', v: 3 },
    ]);
  });
});
