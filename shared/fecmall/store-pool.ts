import mysql, { type Pool } from 'mysql2/promise';
import type { DbCredentials } from '../config/secret-shapes';

/**
 * One mysql2 pool per cold start. DECIMAL columns come back as strings (money is never a float),
 * timestamps in Fecmall are ints, so no date conversion is involved.
 */
export function createStorePool(credentials: DbCredentials, options: { connectionLimit?: number; connectTimeoutMs?: number } = {}): Pool {
  return mysql.createPool({
    host: credentials.host,
    port: credentials.port,
    user: credentials.username,
    password: credentials.password,
    database: credentials.dbname,
    ssl: credentials.ssl ? { rejectUnauthorized: true } : undefined,
    connectionLimit: options.connectionLimit ?? 4,
    connectTimeout: options.connectTimeoutMs ?? 10_000,
    charset: 'utf8mb4',
    supportBigNumbers: true,
    decimalNumbers: false,
    enableKeepAlive: true,
  });
}
