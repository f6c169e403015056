/**
 * erpNotify as the freshness benchmark hosts it for the pushes-on modes: the real handler
 * (functions/erp-notify/handler.ts) in a worker process of its own, behind a local HTTP server that
 * turns each request into a Lambda Function URL event (payload format 2.0), with its own counting
 * DynamoDB proxy (which answers a share of its writes as throttled in mode "on-throttled"), and a
 * local Lambda Invoke endpoint (AWS_ENDPOINT_URL_LAMBDA) that hands its async invokes of the job
 * functions to the benchmark's scheduler — through the same reserved-concurrency gate as the ticks.
 */
import { createServer, type IncomingMessage, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { startCountingDynamoProxy, type CountingDynamoProxy } from './_freshness-dynamo-proxy';
import { BENCH_FUNCTIONS, startRawFunctionProcess, type BenchFunction } from './_freshness-functions';

/** The job functions' names as erpNotify is told them (its *_FUNCTION variables). */
export const BENCH_FUNCTION_NAMES: Record<BenchFunction, string> = {
  pushOrders: 'fecjst-bench-pushOrders',
  syncShipping: 'fecjst-bench-syncShipping',
  syncInventory: 'fecjst-bench-syncInventory',
};

export interface NotifyHost {
  /** erpNotify's address (what the ERP is given as its push callback). */
  url: string;
  /** Pushes answered `code: 0`, refused (another code or HTTP status), and invokes handed on. */
  counts: { accepted: number; refused: number; invokes: number; failed: number };
  /** Refusals per reason (the first word of the reply's msg, e.g. `sign-mismatch`). */
  refusedBy: Record<string, number>;
  proxy: CountingDynamoProxy;
  close(): Promise<void>;
}

export async function startNotifyHost(options: {
  dynamoEndpoint: string;
  functionEnv: Record<string, string>;
  throttleWriteShare: number;
  onInvoke(fn: BenchFunction, event: unknown): void;
}): Promise<NotifyHost> {
  const counts = { accepted: 0, refused: 0, invokes: 0, failed: 0 };
  const refusedBy: Record<string, number> = {};
  const lambda = await listen(async (req, body) => {
    const name = decodeURIComponent(/^\/2015-03-31\/functions\/([^/]+)\/invocations/.exec(req.url ?? '')?.[1] ?? '');
    const fn = BENCH_FUNCTIONS.find((f) => BENCH_FUNCTION_NAMES[f] === name || name.endsWith(`:${BENCH_FUNCTION_NAMES[f]}`));
    if (!fn) return { status: 404, body: JSON.stringify({ Type: 'User', message: `Function not found: ${name}` }) };
    counts.invokes++;
    options.onInvoke(fn, body ? (JSON.parse(body) as unknown) : {});
    return { status: 202, body: '' };
  });
  const proxy = await startCountingDynamoProxy(options.dynamoEndpoint, { throttleWriteShare: options.throttleWriteShare });
  const notify = await startRawFunctionProcess(
    'erp-notify',
    {
      ...options.functionEnv,
      POWERTOOLS_SERVICE_NAME: 'erpNotify',
      AWS_ENDPOINT_URL_LAMBDA: lambda.url,
      SYNC_INVENTORY_FUNCTION: BENCH_FUNCTION_NAMES.syncInventory,
      SYNC_SHIPPING_FUNCTION: BENCH_FUNCTION_NAMES.syncShipping,
      PUSH_ORDERS_FUNCTION: BENCH_FUNCTION_NAMES.pushOrders,
    },
    proxy,
  );
  const functionUrl = await listen(async (req, body) => {
    const url = new URL(req.url ?? '/', 'http://127.0.0.1');
    const event = {
      version: '2.0',
      routeKey: '$default',
      rawPath: url.pathname,
      rawQueryString: url.search.slice(1),
      headers: Object.fromEntries(Object.entries(req.headers).map(([k, v]) => [k, Array.isArray(v) ? v.join(',') : String(v ?? '')])),
      body,
      isBase64Encoded: false,
      requestContext: { http: { method: req.method ?? 'POST', path: url.pathname, protocol: 'HTTP/1.1', sourceIp: '127.0.0.1' }, timeEpoch: Date.now() },
    };
    try {
      const result = await notify.invoke(event);
      const status = Number(result.statusCode ?? 200);
      const text = typeof result.body === 'string' ? result.body : JSON.stringify(result);
      const reply = (() => {
        try {
          return JSON.parse(text) as { code?: unknown; msg?: unknown };
        } catch {
          return {};
        }
      })();
      if (status === 200 && reply.code === 0) counts.accepted++;
      else {
        counts.refused++;
        const reason = typeof reply.msg === 'string' ? (reply.msg.split(':')[0] ?? '?') : `HTTP ${status}`;
        refusedBy[reason] = (refusedBy[reason] ?? 0) + 1;
      }
      return { status, body: text };
    } catch {
      counts.failed++;
      return { status: 502, body: '' };
    }
  });
  return {
    url: functionUrl.url,
    counts,
    refusedBy,
    proxy,
    close: async () => {
      notify.stop();
      await Promise.all([functionUrl.close(), lambda.close(), proxy.close()]);
    },
  };
}

async function listen(
  handle: (req: IncomingMessage, body: string) => Promise<{ status: number; body: string }>,
): Promise<{ url: string; close(): Promise<void> }> {
  const server: Server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      handle(req, Buffer.concat(chunks).toString('utf8')).then(
        ({ status, body }) => {
          res.writeHead(status, { 'content-type': 'application/json' });
          res.end(body);
        },
        () => {
          res.writeHead(500);
          res.end();
        },
      );
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    close: () =>
      new Promise((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}
