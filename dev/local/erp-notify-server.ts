import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { FunctionUrlEvent, FunctionUrlResult } from '../../shared/runtime/erp-notify-handler';

// eslint-disable-next-line @typescript-eslint/no-explicit-any -- the handler's Lambda Context; this server passes the fields it reads
export type FunctionUrlHandler = (event: FunctionUrlEvent, context: any) => Promise<FunctionUrlResult>;

/** An asynchronous invocation the handler asked Lambda for (`InvocationType: Event`). */
export interface LocalInvocation {
  functionName: string;
  event: unknown;
}

export interface ErpNotifyServer {
  /** The callback address (what the ERP is given; the Function URL deployed). */
  url: string;
  /** Point AWS_ENDPOINT_URL_LAMBDA here: the Lambda Invoke API the handler's SDK client calls. */
  lambdaEndpoint: string;
  close(): Promise<void>;
}

const LAMBDA_INVOKE = /^\/2015-03-31\/functions\/([^/]+)\/invocations$/;

/**
 * erpNotify on a local HTTP port (`npm run local -- up`, tests): each request becomes a Lambda
 * Function URL event (payload format 2.0: rawQueryString, body base64-encoded, isBase64Encoded,
 * headers, requestContext.http.method) for the real handler, and its result the HTTP answer. The same
 * port serves the Lambda Invoke API path, so the handler's real Lambda client (AWS_ENDPOINT_URL_LAMBDA)
 * starts jobs through `invoke` (the local invoker, or a test's recorder) and gets 202 as from Lambda.
 */
export async function startErpNotifyServer(options: {
  handler: FunctionUrlHandler;
  invoke: (invocation: LocalInvocation) => Promise<void> | void;
  port?: number;
}): Promise<ErpNotifyServer> {
  let requests = 0;
  async function handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const chunks: Buffer[] = [];
    for await (const chunk of req) chunks.push(chunk as Buffer);
    const body = Buffer.concat(chunks);
    const url = new URL(req.url ?? '/', 'http://local');
    // Readiness probe of the local stack (not a Function URL path: never reaches the handler).
    if (url.pathname === '/__health') {
      res.writeHead(200, { 'content-type': 'application/json' }).end('{"ok":true}');
      return;
    }
    const invoke = LAMBDA_INVOKE.exec(url.pathname);
    if (invoke && req.method === 'POST') {
      let event: unknown;
      try {
        event = body.length ? JSON.parse(body.toString('utf8')) : {};
      } catch {
        event = {};
      }
      await options.invoke({ functionName: decodeURIComponent(invoke[1]!), event });
      res.writeHead(202, { 'content-type': 'application/json' }).end('');
      return;
    }
    const headers: Record<string, string> = {};
    for (const [name, value] of Object.entries(req.headers)) if (typeof value === 'string') headers[name] = value;
    const event: FunctionUrlEvent = {
      rawQueryString: url.search.slice(1),
      body: body.toString('base64'),
      isBase64Encoded: true,
      headers,
      requestContext: { http: { method: req.method ?? 'GET' } },
    };
    const context = { awsRequestId: `local-notify-${++requests}`, functionName: 'fecjst-local-erpNotify', getRemainingTimeInMillis: () => 10_000 };
    const result = await options.handler(event, context);
    res.writeHead(result.statusCode, result.headers).end(result.body);
  }
  const server: Server = createServer((req, res) => {
    void handle(req, res).catch((error: unknown) => {
      if (!res.headersSent) res.writeHead(502, { 'content-type': 'application/json' }).end(JSON.stringify({ message: (error as Error).name }));
    });
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(options.port ?? 0, '127.0.0.1', () => resolve());
  });
  const { port } = server.address() as AddressInfo;
  const base = `http://127.0.0.1:${port}`;
  return {
    url: `${base}/`,
    lambdaEndpoint: base,
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}
