import { randomBytes } from 'node:crypto';
import mysql from 'mysql2/promise';

export interface TestDatabase {
  /** Server URL without a database. */
  serverUrl: string;
  /** Name of this test file's own database. */
  database: string;
  /** A pool on this database (multipleStatements on, for fixtures). */
  pool: mysql.Pool;
  /** Connection settings for code under test that builds its own pool. */
  connection: { host: string; port: number; user: string; password: string; database: string };
}

export function testServerUrl(): string {
  const url = process.env.FECJST_TEST_MYSQL_URL;
  if (!url) throw new Error('FECJST_TEST_MYSQL_URL is not set: run the tests through `npm test` (jest globalSetup)');
  return url;
}

/** Creates a fresh, uniquely named database on the test server. */
export async function createTestDatabase(prefix = 't'): Promise<TestDatabase> {
  const serverUrl = testServerUrl();
  const database = `fecjst_${prefix}_${Date.now().toString(36)}_${randomBytes(3).toString('hex')}`;
  const admin = await mysql.createConnection({ uri: serverUrl });
  await admin.query(`CREATE DATABASE \`${database}\` CHARACTER SET utf8mb4 COLLATE utf8mb4_unicode_ci`);
  await admin.end();
  const u = new URL(serverUrl);
  const connection = {
    host: u.hostname,
    port: Number(u.port || 3306),
    user: decodeURIComponent(u.username || 'root'),
    password: decodeURIComponent(u.password || ''),
    database,
  };
  const pool = mysql.createPool({ ...connection, multipleStatements: true, connectionLimit: 4 });
  return { serverUrl, database, pool, connection };
}

export async function dropTestDatabase(db: TestDatabase): Promise<void> {
  await db.pool.end();
  const admin = await mysql.createConnection({ uri: db.serverUrl });
  await admin.query(`DROP DATABASE IF EXISTS \`${db.database}\``);
  await admin.end();
}

/**
 * Jest helper: a fresh database for this test file, dropped afterwards.
 * Use the returned getter inside tests (`db().pool`).
 */
export function useTestDatabase(prefix = 't'): () => TestDatabase {
  let db: TestDatabase | undefined;
  beforeAll(async () => {
    db = await createTestDatabase(prefix);
  });
  afterAll(async () => {
    if (db) await dropTestDatabase(db);
  });
  return () => {
    if (!db) throw new Error('test database not ready (use it inside a test or hook)');
    return db;
  };
}
