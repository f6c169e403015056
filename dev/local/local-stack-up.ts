import { spawn } from 'node:child_process';
import { mkdirSync, openSync } from 'node:fs';
import { join } from 'node:path';
import { CreateSecretCommand, PutSecretValueCommand, ResourceExistsException, SecretsManagerClient } from '@aws-sdk/client-secrets-manager';
import { CreateTableCommand, DynamoDBClient, ResourceInUseException } from '@aws-sdk/client-dynamodb';
import mysql from 'mysql2/promise';
import { stateTableDefinition } from '../../shared/state/state-table';
import { humanTime } from '../../shared/domain/human-time';
import { seedStore } from '../fecmall/generator';
import { createStoreSchema } from '../fecmall/schema';
import { DEMO_CREDENTIALS, DEMO_SHOP_ID } from '../jst-sandbox/server';
import { freePort, waitFor } from './free-port';
import { isAlive, localDatabaseName, localStackDir, readLocalStack, useLocalStackEndpoints, writeLocalStack, type LocalStack } from './local-stack-file';
import { startMotoServer } from './moto-server';
import { resolveMysqlServer } from './mysql-server';

const root = join(__dirname, '..', '..');
const PRODUCTS = 200;
const ORDERS = 120;

/** Starts a detached child whose output goes to a log file in the stack directory; returns its PID. */
function startDetached(name: string, command: string, args: string[], env: NodeJS.ProcessEnv = {}): number {
  mkdirSync(localStackDir(), { recursive: true });
  const log = openSync(join(localStackDir(), `${name}.log`), 'a');
  const child = spawn(command, args, { cwd: root, env: { ...process.env, ...env }, stdio: ['ignore', log, log], detached: true });
  child.unref();
  if (!child.pid) throw new Error(`could not start ${name}`);
  return child.pid;
}

/** Whether every process the recorded stack owns still runs. */
export function stackIsUp(stack: LocalStack | undefined): stack is LocalStack {
  return (
    !!stack &&
    isAlive(stack.sandbox.pid) &&
    isAlive(stack.dynamodb.pid) &&
    isAlive(stack.secretsManager.pid) &&
    (stack.erpNotify === undefined || isAlive(stack.erpNotify.pid)) &&
    (stack.mysql.pid === undefined || isAlive(stack.mysql.pid))
  );
}

/**
 * `npm run local -- up`: the ERP sandbox, DynamoDB (dynalite) and Secrets Manager (moto_server)
 * emulators as detached processes, a MySQL (MYSQL_URL, else 127.0.0.1:3306, else a private MariaDB:
 * as the tests find it) with a seeded store database, the state table and both secrets. Reuses a stack
 * that is still up. Records every PID in `.local-stack/stack.json` for `down`.
 */
export async function localStackUp(log: (line: string) => void): Promise<LocalStack> {
  const existing = readLocalStack();
  if (stackIsUp(existing)) {
    log(`reusing the local stack started ${humanTime(existing.startedAt, Date.now())}`);
    useLocalStackEndpoints(existing);
    return existing;
  }
  const sandboxPort = await freePort();
  const sandboxPid = startDetached('sandbox', process.execPath, ['--import', 'tsx', join(__dirname, 'stack-sandbox.ts')], {
    PORT: String(sandboxPort),
    SEED_SKUS: String(PRODUCTS),
  });
  const sandboxUrl = `http://127.0.0.1:${sandboxPort}`;
  const dynamoPort = await freePort();
  const dynamoPid = startDetached('dynalite', process.execPath, [
    join(root, 'node_modules', 'dynalite', 'cli.js'),
    '--host',
    '127.0.0.1',
    '--port',
    String(dynamoPort),
    '--createTableMs',
    '0',
  ]);
  const dynamoEndpoint = `http://127.0.0.1:${dynamoPort}`;
  const moto = await startMotoServer();
  const server = await resolveMysqlServer(log);
  const stack: LocalStack = {
    stage: 'local',
    region: process.env.AWS_REGION ?? 'eu-west-1',
    sandbox: { url: sandboxUrl, pid: sandboxPid },
    dynamodb: { endpoint: dynamoEndpoint, pid: dynamoPid },
    secretsManager: { endpoint: moto.endpoint, pid: moto.pid },
    mysql: { url: server.url, source: server.source, pid: server.pid, database: localDatabaseName() },
    table: 'fecjst-local-state',
    jstSecretId: 'fecjst/local/jst',
    dbSecretId: 'fecjst/local/db',
    shopId: DEMO_SHOP_ID,
    startedAt: new Date().toISOString(),
  };
  writeLocalStack(stack);
  useLocalStackEndpoints(stack);
  await waitFor(async () => (await fetch(`${sandboxUrl}/__admin/stats`)).ok, 30_000, 'the ERP sandbox');
  await waitFor(async () => (await fetch(dynamoEndpoint, { method: 'POST' })).status > 0, 15_000, 'dynalite');
  log(
    `ERP sandbox ${sandboxUrl} (pid ${sandboxPid}); DynamoDB ${dynamoEndpoint} (pid ${dynamoPid}); Secrets Manager ${moto.endpoint} (pid ${moto.pid}); MySQL ${server.source}`,
  );

  const admin = await mysql.createConnection({ uri: server.url });
  try {
    await admin.query(`DROP DATABASE IF EXISTS \`${stack.mysql.database}\``);
    await admin.query(`CREATE DATABASE \`${stack.mysql.database}\` CHARACTER SET utf8mb4`);
  } finally {
    await admin.end();
  }
  const u = new URL(server.url);
  const db = {
    host: u.hostname,
    port: Number(u.port || 3306),
    username: decodeURIComponent(u.username || 'root'),
    password: decodeURIComponent(u.password),
    dbname: stack.mysql.database,
  };
  const pool = mysql.createPool({ host: db.host, port: db.port, user: db.username, password: db.password, database: db.dbname, connectionLimit: 2 });
  try {
    await createStoreSchema(pool, 'core', { dispatchedAt: true });
    await seedStore(pool, { products: PRODUCTS, orders: ORDERS, flavour: 'core' });
  } finally {
    await pool.end();
  }
  log(`store database ${stack.mysql.database}: ${PRODUCTS} products, ${ORDERS} orders; ERP stock for ${Math.floor(PRODUCTS * 0.95)} SKUs`);

  const ddb = new DynamoDBClient({});
  await ddb.send(new CreateTableCommand(stateTableDefinition(stack.table))).catch((error: unknown) => {
    if (!(error instanceof ResourceInUseException)) throw error;
  });
  ddb.destroy();
  const secrets = new SecretsManagerClient({});
  for (const [name, value] of [
    [stack.jstSecretId, DEMO_CREDENTIALS.open],
    [stack.dbSecretId, db],
  ] as const) {
    await secrets.send(new CreateSecretCommand({ Name: name, SecretString: JSON.stringify(value) })).catch(async (error: unknown) => {
      if (!(error instanceof ResourceExistsException)) throw error;
      await secrets.send(new PutSecretValueCommand({ SecretId: name, SecretString: JSON.stringify(value) }));
    });
  }
  secrets.destroy();
  log(`state table ${stack.table}; secrets ${stack.jstSecretId}, ${stack.dbSecretId}; ERP shop ${stack.shopId}`);

  // erpNotify behind a local Function URL, and the sandbox pushing to it (open platform: the local
  // stack's ERP secret holds open-platform credentials).
  const notifyPort = await freePort();
  const notifyPid = startDetached('erp-notify', process.execPath, ['--import', 'tsx', join(__dirname, 'stack-erp-notify.ts')], { PORT: String(notifyPort) });
  stack.erpNotify = { url: `http://127.0.0.1:${notifyPort}/`, pid: notifyPid };
  writeLocalStack(stack);
  await waitFor(async () => (await fetch(`${stack.erpNotify!.url}__health`)).ok, 30_000, 'erpNotify');
  for (const [route, body] of [
    ['push/target', { url: stack.erpNotify.url }],
    ['push/behaviour', { generation: 'open' }],
  ] as const) {
    const res = await fetch(`${sandboxUrl}/__admin/${route}`, { method: 'POST', body: JSON.stringify(body) });
    if (!res.ok) throw new Error(`the ERP sandbox refused ${route}: ${await res.text()}`);
  }
  log(`erpNotify ${stack.erpNotify.url} (pid ${notifyPid}); the ERP sandbox pushes there (open platform)`);
  return stack;
}
