/**
 * A counting HTTP hop in front of dynalite, one per function, so the freshness benchmark can say how
 * many DynamoDB requests each run made (the count is read before and after each run: runs of one
 * function never overlap). With `throttleWriteShare` > 0 it answers that share of writes
 * (PutItem, UpdateItem, DeleteItem, BatchWriteItem) with ProvisionedThroughputExceededException
 * instead of forwarding them, as a throttled table does: the pushes-on mode "hint table throttled"
 * puts one in front of erpNotify only.
 */
import { createServer, request as httpRequest, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';

const WRITES = new Set(['PutItem', 'UpdateItem', 'DeleteItem', 'BatchWriteItem']);

export interface CountingDynamoProxy {
  endpoint: string;
  /** Requests forwarded or throttled since start, all operations. */
  requests(): number;
  byOperation: Record<string, number>;
  throttled(): number;
  close(): Promise<void>;
}

export async function startCountingDynamoProxy(
  target: string,
  options: { throttleWriteShare?: number; random?: () => number } = {},
): Promise<CountingDynamoProxy> {
  const upstream = new URL(target);
  const share = options.throttleWriteShare ?? 0;
  const random = options.random ?? Math.random;
  const byOperation: Record<string, number> = {};
  let total = 0;
  let throttled = 0;
  const server: Server = createServer((req, res) => {
    const operation =
      String(req.headers['x-amz-target'] ?? '')
        .split('.')
        .pop() ?? 'unknown';
    total++;
    byOperation[operation] = (byOperation[operation] ?? 0) + 1;
    if (share > 0 && WRITES.has(operation) && random() < share) {
      throttled++;
      req.resume();
      res.writeHead(400, { 'content-type': 'application/x-amz-json-1.0' });
      res.end(
        JSON.stringify({
          __type: 'com.amazonaws.dynamodb.v20120810#ProvisionedThroughputExceededException',
          message: 'The level of configured provisioned throughput for the table was exceeded. (freshness bench)',
        }),
      );
      return;
    }
    const forward = httpRequest(
      { host: upstream.hostname, port: upstream.port, method: req.method, path: req.url, headers: { ...req.headers, host: upstream.host } },
      (reply) => {
        res.writeHead(reply.statusCode ?? 502, reply.headers);
        reply.pipe(res);
      },
    );
    forward.on('error', () => {
      res.writeHead(502);
      res.end();
    });
    req.pipe(forward);
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    endpoint: `http://127.0.0.1:${port}`,
    requests: () => total,
    byOperation,
    throttled: () => throttled,
    close: () =>
      new Promise((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}
