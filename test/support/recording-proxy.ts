import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';

export interface ProxiedRequest {
  path: string;
  /** The form fields of the request body (open platform: app_key, biz, sign …). */
  form: Record<string, string>;
}

/**
 * A real HTTP hop between the JST client and the ERP sandbox: records every request's form fields and
 * may rewrite the JSON reply (to serve what the sandbox does not, e.g. a page with a duplicated row).
 */
export async function startRecordingProxy(
  target: string,
  transformReply?: (json: unknown, request: ProxiedRequest) => unknown,
): Promise<{ url: string; requests: ProxiedRequest[]; close(): Promise<void> }> {
  const requests: ProxiedRequest[] = [];
  const server: Server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      void (async () => {
        const body = Buffer.concat(chunks).toString('utf8');
        const request: ProxiedRequest = { path: req.url ?? '/', form: Object.fromEntries(new URLSearchParams(body)) };
        requests.push(request);
        const upstream = await fetch(`${target}${req.url ?? ''}`, {
          method: req.method,
          headers: { 'content-type': String(req.headers['content-type'] ?? 'application/x-www-form-urlencoded') },
          body: req.method === 'GET' ? undefined : body,
        });
        let text = await upstream.text();
        if (transformReply) {
          try {
            text = JSON.stringify(transformReply(JSON.parse(text), request));
          } catch {
            // not JSON: pass through
          }
        }
        res.writeHead(upstream.status, { 'content-type': 'application/json; charset=utf-8' });
        res.end(text);
      })().catch(() => {
        res.writeHead(502);
        res.end();
      });
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return { url: `http://127.0.0.1:${port}`, requests, close: () => new Promise((resolve) => server.close(() => resolve())) };
}
