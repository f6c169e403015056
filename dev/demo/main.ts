/**
 * `npm run demo [-- --api legacy|open]`: the three jobs end to end on embedded defaults, with no AWS or
 * ERP account, on either ERP API generation (default: the open platform).
 * Starts the ERP sandbox, finds or starts a MySQL (as the tests do), dynalite and moto_server for
 * Secrets Manager, seeds a demo store and ERP, runs each job through its Lambda handler, prints what
 * happened, then shows the ERP's pushes (erpNotify on a local Function URL: a stock change and a
 * shipment reach the store within seconds, and by the poll with pushes off), and stops everything it
 * started.
 */
import { randomUUID } from 'node:crypto';
import { CreateSecretCommand, GetSecretValueCommand, SecretsManagerClient } from '@aws-sdk/client-secrets-manager';
import { CreateTableCommand, DynamoDBClient } from '@aws-sdk/client-dynamodb';
import mysql from 'mysql2/promise';
import { createStoreSchema } from '../fecmall/schema';
import { seedStore, skuOf } from '../fecmall/generator';
import { DEMO_SHOP_ID, startJstSandbox } from '../jst-sandbox/server';
import { startDynalite } from '../local/dynalite-server';
import { findMotoServer, startMotoServer } from '../local/moto-server';
import { resolveMysqlServer } from '../local/mysql-server';
import { stateTableDefinition } from '../../shared/state/state-table';
import type { RunSummary } from '../../shared/runtime/run-summary';
import { startErpNotifyServer, type FunctionUrlHandler } from '../local/erp-notify-server';
import { jobOfFunction } from '../local/job-of-function';
import type { Pool } from 'mysql2/promise';
import type { JstSandbox } from '../jst-sandbox/server';
import { runReportLines, tokenRecordLine } from './run-report';

const PRODUCTS = 2000;
const ORDERS = 1500;
const cleanups: Array<() => Promise<unknown>> = [];
const step = (text: string) => console.log(`\n▶ ${text}`);
const info = (text: string) => console.log(`  ${text}`);

type Handler = (event: unknown, context: unknown) => Promise<RunSummary>;

/** `--api legacy`, `--api=open`; anything else stops the demo with the accepted values. */
function apiGeneration(argv: readonly string[]): 'open' | 'legacy' {
  const i = argv.findIndex((a) => a === '--api' || a.startsWith('--api='));
  if (i < 0) return 'open';
  const value = argv[i]!.includes('=') ? argv[i]!.slice('--api='.length) : argv[i + 1];
  if (value === 'open' || value === 'legacy') return value;
  throw new Error(`--api takes legacy or open, got ${value ?? 'nothing'}`);
}

function context(name: string) {
  const started = Date.now();
  return { awsRequestId: `demo-${name}-${randomUUID().slice(0, 8)}`, functionName: name, getRemainingTimeInMillis: () => 300_000 - (Date.now() - started) };
}

async function main(): Promise<void> {
  const t0 = Date.now();
  const api = apiGeneration(process.argv.slice(2));
  process.env.AWS_REGION ??= 'eu-west-1';
  process.env.AWS_ACCESS_KEY_ID ??= 'demo';
  process.env.AWS_SECRET_ACCESS_KEY ??= 'demo';
  process.env.LOG_LEVEL ??= 'WARN';
  // The run summaries are printed below; the EMF metric lines they mirror would only add noise here.
  process.env.POWERTOOLS_METRICS_DISABLED ??= 'true';

  step('Starting local services');
  const sandbox = await startJstSandbox({ rateLimit: { perSecond: 50, perMinute: 3000 }, latencyMs: 5 });
  cleanups.push(() => sandbox.close());
  info(`ERP sandbox (${api === 'open' ? 'open platform API' : 'legacy partner API, addressed by its host'}) on ${sandbox.url}, shop ${DEMO_SHOP_ID}`);
  const server = await resolveMysqlServer(info);
  cleanups.push(() => server.stop());
  info(`MySQL: ${server.source}`);
  const dynamo = await startDynalite();
  cleanups.push(() => dynamo.stop());
  process.env.AWS_ENDPOINT_URL_DYNAMODB = dynamo.endpoint;
  info(`DynamoDB: dynalite on ${dynamo.endpoint}`);
  if (!findMotoServer()) throw new Error('moto_server is not installed: the demo keeps its secrets in it (Python package moto[server]).');
  const moto = await startMotoServer();
  cleanups.push(() => moto.stop());
  process.env.AWS_ENDPOINT_URL_SECRETS_MANAGER = moto.endpoint;
  info(`Secrets Manager: moto_server on ${moto.endpoint}`);

  step(`Seeding a demo store (${PRODUCTS} products, ${ORDERS} orders) and the ERP`);
  const database = `fecjst_demo_${Date.now().toString(36)}`;
  const admin = await mysql.createConnection({ uri: server.url });
  await admin.query(`CREATE DATABASE \`${database}\` CHARACTER SET utf8mb4`);
  cleanups.push(async () => {
    await admin.query(`DROP DATABASE IF EXISTS \`${database}\``);
    await admin.end();
  });
  const u = new URL(server.url);
  const connection = {
    host: u.hostname,
    port: Number(u.port || 3306),
    user: decodeURIComponent(u.username || 'root'),
    password: decodeURIComponent(u.password),
    database,
  };
  const pool = mysql.createPool({ ...connection, connectionLimit: 2 });
  cleanups.push(() => pool.end());
  await createStoreSchema(pool, 'core', { dispatchedAt: true });
  const seeded = await seedStore(pool, { products: PRODUCTS, orders: ORDERS, flavour: 'core' });
  for (let i = 1; i <= PRODUCTS * 0.95; i++) sandbox.state.setStock(skuOf(i), { qty: (i * 37) % 300, order_lock: i % 4 }, 0, Date.now() - 3_600_000);
  info(`store database ${database}; ERP stock for ${Math.floor(PRODUCTS * 0.95)} SKUs (the last 5% exist only in the store)`);

  const table = `fecjst-demo-${randomUUID().slice(0, 8)}`;
  const ddb = new DynamoDBClient({});
  await ddb.send(new CreateTableCommand(stateTableDefinition(table)));
  ddb.destroy();
  const secrets = new SecretsManagerClient({});
  await secrets.send(new CreateSecretCommand({ Name: 'fecjst/demo/jst', SecretString: JSON.stringify(sandbox.credentials[api]) }));
  await secrets.send(
    new CreateSecretCommand({
      Name: 'fecjst/demo/db',
      SecretString: JSON.stringify({
        host: connection.host,
        port: connection.port,
        username: connection.user,
        password: connection.password,
        dbname: database,
      }),
    }),
  );
  Object.assign(process.env, {
    STATE_TABLE: table,
    JST_SECRET_ID: 'fecjst/demo/jst',
    DB_SECRET_ID: 'fecjst/demo/db',
    JST_SHOP_ID: String(DEMO_SHOP_ID),
    JST_BASE_URL: sandbox.url,
    JST_RATE_PER_SECOND: '40',
    JST_RATE_PER_MINUTE: '2400',
    JST_BUDGET_PER_SECOND: '40',
    JST_BUDGET_PER_MINUTE: '2400',
    SETTLE_LAG_SECONDS: '0',
  });

  const { handler: syncInventory } = (await import('../../functions/sync-inventory/handler')) as unknown as { handler: Handler };
  const { handler: pushOrders } = (await import('../../functions/push-orders/handler')) as unknown as { handler: Handler };
  const { handler: syncShipping } = (await import('../../functions/sync-shipping/handler')) as unknown as { handler: Handler };
  const scheduled = (detail: Record<string, unknown> = {}) => ({ id: randomUUID(), source: 'aws.events', 'detail-type': 'Scheduled Event', detail });

  step('syncInventory (full mode, as the daily 03:00 schedule runs it)');
  report(await syncInventory({ ...scheduled({ mode: 'full' }), source: 'aws.scheduler' }, context('syncInventory')));

  step('pushOrders (scheduled): every paid order in the 30-day horizon into the ERP');
  const pushed = await pushOrders(scheduled(), context('pushOrders'));
  report(pushed);
  info(`the ERP now holds ${sandbox.state.orders.size} orders from shop ${DEMO_SHOP_ID}`);

  step('pushOrders again: nothing changed, so nothing is sent');
  report(await pushOrders(scheduled(), context('pushOrders')));

  step('The warehouse ships half of the uploaded orders (one in two packages)');
  const uploaded = [...sandbox.state.orders.values()].slice(0, Math.ceil(sandbox.state.orders.size / 2));
  uploaded.forEach((o, i) =>
    sandbox.state.ship(
      DEMO_SHOP_ID,
      o.so_id,
      i === 0
        ? [
            { lc_id: 'SF', l_id: `SF${1000 + i}`, logistics_company: '顺丰速运' },
            { lc_id: 'SF', l_id: `SF${9000 + i}`, logistics_company: '顺丰速运' },
          ]
        : [{ lc_id: 'ZTO', l_id: `ZT${1000 + i}`, logistics_company: '中通快递' }],
    ),
  );
  info(`${uploaded.length} orders shipped in the ERP`);

  step(api === 'open' ? 'The ERP access token expires (code 100)' : 'The ERP legacy token expires (code 170)');
  if (api === 'open') sandbox.expireAccessToken();
  else sandbox.expireLegacyToken();
  const refreshesBefore = sandbox.stats.tokenRefreshes;

  step('syncShipping (scheduled): tracking numbers back onto the store orders');
  report(await syncShipping(scheduled(), context('syncShipping')));
  const stored = JSON.parse(
    (await secrets.send(new GetSecretValueCommand({ SecretId: 'fecjst/demo/jst', VersionStage: 'AWSCURRENT' }))).SecretString ?? '{}',
  ) as Record<string, unknown>;
  info(
    `token renewed by the run (${sandbox.stats.tokenRefreshes - refreshesBefore} ${api === 'open' ? 'refresh' : 'refresh.token'} call), recorded in the ERP secret: ${tokenRecordLine(api, stored, Date.now())}`,
  );
  secrets.destroy();
  const [rows] = await pool.query('SELECT order_status, COUNT(*) AS n FROM sales_flat_order GROUP BY order_status ORDER BY n DESC');
  info(`store orders by status now: ${(rows as Array<{ order_status: string; n: number }>).map((r) => `${r.order_status} ${r.n}`).join(', ')}`);

  step('syncInventory (incremental, every 2 minutes): only what changed in the ERP');
  for (let i = 1; i <= 20; i++) sandbox.state.setStock(skuOf(i), { qty: 500 + i });
  report(await syncInventory(scheduled(), context('syncInventory')));

  await pushesDemo({ sandbox, pool, api, handlers: { syncInventory, syncShipping }, scheduled });

  console.log(
    `\n✔ Demo finished in ${((Date.now() - t0) / 1000).toFixed(1)} s: ${seeded.skus.length} SKUs, ${seeded.incrementIds.length} orders, ${sandbox.stats.calls} ERP calls, ${sandbox.stats.rateLimited} rate-limit rejections.`,
  );
  console.log('  Next: README.md "Deploy and run by hand"; `npm run sandbox` to poke at the ERP sandbox; `npm test` for the test suite.');
}

/**
 * The ERP's pushes (docs/design.md §18): erpNotify behind a local Function URL, the sandbox pushing to
 * it; a stock change and a shipment reach the store within seconds through a push (erpNotify records
 * a hint and starts the job), then the same with pushes switched off, by the poll.
 */
async function pushesDemo(d: {
  sandbox: JstSandbox;
  pool: Pool;
  api: 'open' | 'legacy';
  handlers: { syncInventory: Handler; syncShipping: Handler };
  scheduled: () => unknown;
}): Promise<void> {
  const { sandbox, pool } = d;
  Object.assign(process.env, { SYNC_INVENTORY_FUNCTION: 'demo-syncInventory', SYNC_SHIPPING_FUNCTION: 'demo-syncShipping' });
  const { handler } = (await import('../../functions/erp-notify/handler')) as unknown as { handler: FunctionUrlHandler };
  const runs: Array<Promise<unknown>> = [];
  const notify = await startErpNotifyServer({
    handler,
    // Lambda's asynchronous invoke, in this process: the job's handler, not awaited by erpNotify.
    invoke: ({ functionName, event }) => {
      const job = jobOfFunction(functionName);
      if (job !== 'syncInventory' && job !== 'syncShipping') return;
      runs.push(d.handlers[job](event, context(job)).catch(() => undefined));
    },
  });
  cleanups.push(() => notify.close());
  process.env.AWS_ENDPOINT_URL_LAMBDA = notify.lambdaEndpoint;
  sandbox.pushes.setTarget(notify.url);
  sandbox.pushes.setBehaviour({ generation: d.api });

  const storeQty = async (sku: string) => {
    const [rows] = await pool.query('SELECT q.qty FROM product_flat p JOIN product_flat_qty q ON q.product_id = p.id WHERE p.sku = ?', [sku]);
    return (rows as Array<{ qty: number }>)[0]?.qty;
  };
  const storeTracking = async (incrementId: string) => {
    const [rows] = await pool.query('SELECT tracking_number FROM sales_flat_order WHERE increment_id = ?', [incrementId]);
    return (rows as Array<{ tracking_number: string | null }>)[0]?.tracking_number ?? null;
  };
  const waitFor = async (what: () => Promise<boolean>, timeoutMs: number): Promise<number | undefined> => {
    const started = Date.now();
    while (Date.now() - started < timeoutMs) {
      if (await what()) return Date.now() - started;
      await new Promise((r) => setTimeout(r, 50));
    }
    return undefined;
  };
  const unshipped = [...sandbox.state.orders.values()].filter((o) => o.status === 'WaitConfirm');
  const change = async (sku: string, qty: number, order: (typeof unshipped)[number] | undefined, trackingNumber: string) => {
    const before = await storeQty(sku);
    sandbox.state.setStock(sku, { qty });
    if (order) sandbox.state.ship(DEMO_SHOP_ID, order.so_id, [{ lc_id: 'SF', l_id: trackingNumber, logistics_company: '顺丰速运' }]);
    return before;
  };

  step(`Pushes on: the ERP calls erpNotify (${d.api === 'open' ? 'open-platform twin' : 'legacy signature'}) on ${notify.url}`);
  const sku = skuOf(30);
  const order = unshipped[0];
  const before = await change(sku, 555, order, 'SFPUSH1');
  const stockMs = await waitFor(async () => (await storeQty(sku)) !== before, 20_000);
  const shipMs = order ? await waitFor(async () => (await storeTracking(order.so_id)) === 'SFPUSH1', 20_000) : undefined;
  await Promise.all(runs);
  info(
    `pushes sent: ${sandbox.pushes
      .sent()
      .map((p) => `${p.method} → ${JSON.stringify(p.reply)}`)
      .join('; ')}`,
  );
  info(
    `stock of ${sku}: ${before} → ${await storeQty(sku)} in the store ${stockMs === undefined ? 'NOT within 20 s' : `${(stockMs / 1000).toFixed(1)} s after the ERP change`}`,
  );
  if (order)
    info(
      `order ${order.so_id}: tracking SFPUSH1 in the store ${shipMs === undefined ? 'NOT within 20 s' : `${(shipMs / 1000).toFixed(1)} s after the ERP shipped it`}`,
    );

  step('Pushes off (the ERP never sends them): the same arrives by the poll');
  sandbox.pushes.setBehaviour({ generation: d.api, dropped: 1 });
  const sku2 = skuOf(31);
  const order2 = unshipped[1];
  const before2 = await change(sku2, 444, order2, 'SFPOLL1');
  await new Promise((r) => setTimeout(r, 1000));
  info(
    `after 1 s without a push: stock of ${sku2} still ${await storeQty(sku2)}, order ${order2?.so_id ?? '-'} tracking ${order2 ? ((await storeTracking(order2.so_id)) ?? 'none') : '-'}`,
  );
  info('the next scheduled polls run (every 1–2 minutes when deployed):');
  report(await d.handlers.syncInventory(d.scheduled(), context('syncInventory')));
  report(await d.handlers.syncShipping(d.scheduled(), context('syncShipping')));
  info(
    `stock of ${sku2}: ${before2} → ${await storeQty(sku2)}; order ${order2?.so_id ?? '-'} tracking ${order2 ? ((await storeTracking(order2.so_id)) ?? 'none') : '-'}`,
  );
  sandbox.pushes.setTarget(undefined);
}

function report(summary: RunSummary): void {
  for (const line of runReportLines(summary, Date.now())) info(line);
}

async function cleanup(): Promise<void> {
  for (const stop of cleanups.reverse()) await stop().catch(() => undefined);
}

main()
  .then(cleanup)
  .then(() => process.exit(0))
  .catch(async (error: unknown) => {
    console.error(`\n✖ Demo failed: ${(error as Error).message}`);
    await cleanup();
    process.exit(1);
  });
