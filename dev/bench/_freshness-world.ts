/**
 * Everything the freshness benchmark's functions use, real and local, for one mode: a store database
 * (core schema, seeded catalogue, no orders), the ERP sandbox in its own process at the account's
 * limits with latency and ERP stock for the catalogue, dynalite with a state table and a counting
 * proxy per function, both secrets in moto_server, and the three functions' worker processes.
 * The MySQL server and moto_server are shared by the modes (`startSharedServices`).
 */
import { randomBytes } from 'node:crypto';
import { CreateSecretCommand, SecretsManagerClient } from '@aws-sdk/client-secrets-manager';
import { CreateTableCommand, DynamoDBClient } from '@aws-sdk/client-dynamodb';
import mysql, { type Pool, type RowDataPacket } from 'mysql2/promise';
import { stateTableDefinition } from '../../shared/state/state-table';
import { seedStore } from '../fecmall/generator';
import { createStoreSchema } from '../fecmall/schema';
import { DEMO_CREDENTIALS, DEMO_SHOP_ID } from '../jst-sandbox/server';
import { startDynalite, type DynaliteServer } from '../local/dynalite-server';
import { startMotoServer, type MotoServer } from '../local/moto-server';
import { resolveMysqlServer, type MysqlServer } from '../local/mysql-server';
import { adminPost, sandboxProcess } from './_support';
import { startCountingDynamoProxy, type CountingDynamoProxy } from './_freshness-dynamo-proxy';
import { BENCH_FUNCTIONS, startFunctionProcess, type BenchFunction, type FunctionProcess } from './_freshness-functions';

export interface SharedServices {
  mysql: MysqlServer;
  moto: MotoServer;
  stop(): Promise<void>;
}

export async function startSharedServices(log: (line: string) => void): Promise<SharedServices> {
  const server = await resolveMysqlServer(log);
  let moto: MotoServer;
  try {
    moto = await startMotoServer();
  } catch (error) {
    await server.stop();
    throw error;
  }
  Object.assign(process.env, {
    AWS_ENDPOINT_URL_SECRETS_MANAGER: moto.endpoint,
    AWS_REGION: process.env.AWS_REGION ?? 'eu-west-1',
    AWS_ACCESS_KEY_ID: 'bench',
    AWS_SECRET_ACCESS_KEY: 'bench',
  });
  return { mysql: server, moto, stop: async () => void (await Promise.all([moto.stop(), server.stop()])) };
}

export interface WorldOptions {
  products: number;
  sandbox: { perSecond: number; perMinute: number; latencyMs: number };
  /** Variables every function gets on top of the contract ones (settle lag, …). */
  functionEnv: Record<string, string>;
}

export interface FreshnessWorld {
  pool: Pool;
  sandboxUrl: string;
  /** Every catalogue SKU with a product_flat_qty row, and its product id. */
  skus: Array<{ sku: string; productId: number }>;
  proxies: Record<BenchFunction, CountingDynamoProxy>;
  functions: Record<BenchFunction, FunctionProcess>;
  /** The environment the functions run with (for a further function, e.g. erpNotify). */
  functionEnv: Record<string, string>;
  dynamoEndpoint: string;
  stop(): Promise<void>;
}

/** serverless.yml's per-function ERP rates (params.default), used when JST_BUDGET=local. */
const FUNCTION_RATES: Record<BenchFunction, { perSecond: string; perMinute: string }> = {
  syncInventory: { perSecond: '2', perMinute: '50' },
  pushOrders: { perSecond: '2', perMinute: '30' },
  syncShipping: { perSecond: '1', perMinute: '20' },
};

export async function startFreshnessWorld(shared: SharedServices, options: WorldOptions, mode: string): Promise<FreshnessWorld> {
  const suffix = `${mode.replace(/\W/g, '_')}_${randomBytes(3).toString('hex')}`;
  const database = `fecjst_bench_freshness_${suffix}`;
  const admin = await mysql.createConnection({ uri: shared.mysql.url });
  await admin.query(`CREATE DATABASE \`${database}\` CHARACTER SET utf8mb4`);
  const u = new URL(shared.mysql.url);
  const db = {
    host: u.hostname,
    port: Number(u.port || 3306),
    username: decodeURIComponent(u.username || 'root'),
    password: decodeURIComponent(u.password),
    dbname: database,
  };
  const pool = mysql.createPool({ host: db.host, port: db.port, user: db.username, password: db.password, database, connectionLimit: 4 });
  await createStoreSchema(pool, 'core', { dispatchedAt: true });
  await seedStore(pool, { products: options.products, orders: 0, flavour: 'core' });
  const [rows] = await pool.query<RowDataPacket[]>('SELECT p.sku, p.id FROM product_flat p JOIN product_flat_qty q ON q.product_id = p.id ORDER BY p.id');
  const skus = rows.map((r) => ({ sku: String(r.sku), productId: Number(r.id) }));

  const sandbox = await sandboxProcess(options.sandbox);
  // ERP stock for the whole catalogue, modified an hour ago (the first full pass reads it).
  const hourAgo = Date.now() - 3_600_000;
  for (let i = 0; i < skus.length; i += 500)
    await adminPost(sandbox.url, '/__admin/stock', {
      rows: skus.slice(i, i + 500).map(({ sku }, k) => ({ sku_id: sku, qty: 50 + ((i + k) % 150), order_lock: 0, modifiedMs: hourAgo })),
    });

  const dynamo: DynaliteServer = await startDynalite();
  const table = `fecjst-bench-freshness-${suffix.replace(/_/g, '-')}`;
  const ddb = new DynamoDBClient({ endpoint: dynamo.endpoint });
  await ddb.send(new CreateTableCommand(stateTableDefinition(table)));
  ddb.destroy();
  const secrets = new SecretsManagerClient({});
  const jstSecretId = `fecjst/bench/${suffix}/jst`;
  const dbSecretId = `fecjst/bench/${suffix}/db`;
  await secrets.send(new CreateSecretCommand({ Name: jstSecretId, SecretString: JSON.stringify(DEMO_CREDENTIALS.open) }));
  await secrets.send(new CreateSecretCommand({ Name: dbSecretId, SecretString: JSON.stringify(db) }));
  secrets.destroy();

  const functionEnv: Record<string, string> = {
    STATE_TABLE: table,
    JST_SECRET_ID: jstSecretId,
    DB_SECRET_ID: dbSecretId,
    JST_SHOP_ID: String(DEMO_SHOP_ID),
    JST_BASE_URL: sandbox.url,
    LOG_LEVEL: 'ERROR',
    POWERTOOLS_METRICS_NAMESPACE: 'Fecjst',
    ...options.functionEnv,
  };
  const proxies = {} as Record<BenchFunction, CountingDynamoProxy>;
  const functions = {} as Record<BenchFunction, FunctionProcess>;
  const stopAll = async () => {
    for (const f of Object.values(functions)) f.stop();
    await Promise.all(Object.values(proxies).map((p) => p.close()));
    sandbox.stop();
    await dynamo.stop();
    await pool.end();
    await admin.query(`DROP DATABASE IF EXISTS \`${database}\``);
    await admin.end();
  };
  try {
    for (const fn of BENCH_FUNCTIONS) {
      proxies[fn] = await startCountingDynamoProxy(dynamo.endpoint);
      functions[fn] = await startFunctionProcess(
        fn,
        {
          ...functionEnv,
          POWERTOOLS_SERVICE_NAME: fn,
          JST_RATE_PER_SECOND: FUNCTION_RATES[fn].perSecond,
          JST_RATE_PER_MINUTE: FUNCTION_RATES[fn].perMinute,
        },
        proxies[fn],
      );
    }
  } catch (error) {
    await stopAll();
    throw error;
  }
  return { pool, sandboxUrl: sandbox.url, skus, proxies, functions, functionEnv, dynamoEndpoint: dynamo.endpoint, stop: stopAll };
}
