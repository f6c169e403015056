/**
 * `npm run bench -- notify`: erpNotify's answer to the ERP, over HTTP, on the real handler with its
 * real adapters (dynalite, moto_server, the Lambda Invoke API of the local Function URL server): the
 * sandbox ERP sends BENCH_PUSHES (300) signed stock pushes of BENCH_SKUS_PER_PUSH (5) SKUs each, one
 * after another, then in bursts of BENCH_BURST (10) at once, then as many forged ones. Prints the
 * reply time (p50, p95, max, as the sender sees it), the DynamoDB requests per accepted and per
 * refused push (counted by a proxy in front of dynalite, by operation), and how many job starts a
 * burst caused. Local figures: a deployed function adds the network to DynamoDB (single-digit ms in
 * one region) and a cold start. Figures only, no assertion.
 */
import { randomBytes } from 'node:crypto';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { CreateSecretCommand, SecretsManagerClient } from '@aws-sdk/client-secrets-manager';
import { CreateTableCommand, DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { createErpNotifyHandler } from '../../shared/runtime/erp-notify-handler';
import { buildNotifyDependencies } from '../../shared/wiring/notify-dependencies';
import { stateTableDefinition } from '../../shared/state/state-table';
import { startJstSandbox } from '../jst-sandbox/server';
import { startDynalite } from '../local/dynalite-server';
import { startMotoServer } from '../local/moto-server';
import { startErpNotifyServer } from '../local/erp-notify-server';
import { printTable, runBench } from './_support';

const PUSHES = Number(process.env.BENCH_PUSHES ?? 300);
const SKUS = Number(process.env.BENCH_SKUS_PER_PUSH ?? 5);
const BURST = Number(process.env.BENCH_BURST ?? 10);

runBench(async () => {
  process.env.AWS_REGION ??= 'eu-west-1';
  process.env.AWS_ACCESS_KEY_ID ??= 'bench';
  process.env.AWS_SECRET_ACCESS_KEY ??= 'bench';
  process.env.POWERTOOLS_METRICS_DISABLED = 'true';
  const dynamo = await startDynalite();
  // A counting hop in front of dynalite: DynamoDB requests by operation (X-Amz-Target).
  const operations: Record<string, number> = {};
  const proxy = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      const op = String(req.headers['x-amz-target'] ?? '?')
        .split('.')
        .pop()!;
      operations[op] = (operations[op] ?? 0) + 1;
      const headers: Record<string, string> = {};
      for (const [k, v] of Object.entries(req.headers)) if (typeof v === 'string' && k !== 'host') headers[k] = v;
      void fetch(`${dynamo.endpoint}${req.url}`, { method: req.method, headers, body: Buffer.concat(chunks) }).then(async (up) => {
        res.writeHead(up.status, { 'content-type': up.headers.get('content-type') ?? 'application/x-amz-json-1.0' }).end(Buffer.from(await up.arrayBuffer()));
      });
    });
  });
  await new Promise<void>((r) => proxy.listen(0, '127.0.0.1', () => r()));
  process.env.AWS_ENDPOINT_URL_DYNAMODB = `http://127.0.0.1:${(proxy.address() as AddressInfo).port}`;
  const moto = await startMotoServer();
  process.env.AWS_ENDPOINT_URL_SECRETS_MANAGER = moto.endpoint;
  const sandbox = await startJstSandbox({ rateLimit: { perSecond: 1000, perMinute: 100_000 } });
  const table = `bench-notify-${randomBytes(3).toString('hex')}`;
  const ddb = new DynamoDBClient({});
  await ddb.send(new CreateTableCommand(stateTableDefinition(table)));
  ddb.destroy();
  const secrets = new SecretsManagerClient({});
  await secrets.send(new CreateSecretCommand({ Name: 'bench/jst', SecretString: JSON.stringify(sandbox.credentials.legacy) }));
  secrets.destroy();
  let starts = 0;
  const handler = createErpNotifyHandler({
    buildDependencies: buildNotifyDependencies,
    environment: {
      STATE_TABLE: table,
      JST_SECRET_ID: 'bench/jst',
      DB_SECRET_ID: 'unused',
      JST_SHOP_ID: '10001',
      SYNC_INVENTORY_FUNCTION: 'bench-syncInventory',
      SYNC_SHIPPING_FUNCTION: 'bench-syncShipping',
      LOG_LEVEL: 'SILENT',
    },
  });
  const notify = await startErpNotifyServer({ handler, invoke: () => void starts++ });
  process.env.AWS_ENDPOINT_URL_LAMBDA = notify.lambdaEndpoint;
  sandbox.pushes.setTarget(notify.url);

  let n = 0;
  const skus = () => Array.from({ length: SKUS }, () => `SKU-${++n}`);
  const timed = async (send: () => Promise<unknown>) => {
    const t = performance.now();
    await send();
    return performance.now() - t;
  };
  const phase = async (name: string, mode: 'normal' | 'forged', burst: number) => {
    for (const k of Object.keys(operations)) delete operations[k];
    sandbox.pushes.clear();
    starts = 0;
    const times: number[] = [];
    for (let i = 0; i < PUSHES; i += burst) {
      times.push(
        ...(await Promise.all(
          Array.from({ length: burst }, () => timed(() => sandbox.pushes.sendOnRequest({ method: 'inventory.upload', skus: skus(), mode }))),
        )),
      );
    }
    const sent = sandbox.pushes.sent();
    const accepted = sent.filter((p) => (p.reply as { code?: number })?.code === 0).length;
    times.sort((a, b) => a - b);
    const q = (p: number) => times[Math.min(times.length - 1, Math.floor(p * times.length))]!.toFixed(1);
    const requests = Object.values(operations).reduce((a, b) => a + b, 0);
    return {
      phase: name,
      pushes: sent.length,
      accepted,
      'p50 ms': q(0.5),
      'p95 ms': q(0.95),
      'max ms': times[times.length - 1]!.toFixed(1),
      'DynamoDB req/push': (requests / sent.length).toFixed(2),
      'by operation': Object.entries(operations)
        .map(([op, c]) => `${op} ${c}`)
        .join(', '),
      'job starts': starts,
    };
  };
  // Warm-up (cold start: the secret read, the clients' first connections).
  await sandbox.pushes.sendOnRequest({ method: 'inventory.upload', skus: ['WARM'] });
  const rows = [
    await phase('sequential, signed', 'normal', 1),
    await phase(`bursts of ${BURST}, signed`, 'normal', BURST),
    await phase('sequential, forged', 'forged', 1),
  ];
  printTable(`erpNotify: ${PUSHES} pushes per phase, ${SKUS} SKUs each (a job start needs a free lease and no pending wake-up)`, rows);
  await notify.close();
  await sandbox.close();
  await moto.stop();
  proxy.close();
  await dynamo.stop();
});
