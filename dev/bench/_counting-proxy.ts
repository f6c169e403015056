import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';

/** One request that went through the proxy: its DynamoDB operation (from X-Amz-Target) and body. */
export interface CountedRequest {
  operation: string;
  /** Items a transaction or batch carries (1 for single-item requests). */
  items: number;
}

/**
 * A real HTTP hop in front of an HTTP service (dynalite, the ERP sandbox): forwards every request
 * unchanged and records it, so a benchmark can count what one run sends.
 */
export async function startCountingProxy(target: string): Promise<{ url: string; requests: CountedRequest[]; close(): Promise<void> }> {
  const requests: CountedRequest[] = [];
  const server: Server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      void (async () => {
        const body = Buffer.concat(chunks);
        const target_ = String(req.headers['x-amz-target'] ?? '');
        const form = new URLSearchParams(body.toString('utf8'));
        const erpMethod = form.get('method') ?? req.url ?? '/';
        requests.push({ operation: target_ ? target_.split('.').pop()! : erpMethod, items: itemsOf(body) });
        const headers: Record<string, string> = {};
        for (const [k, v] of Object.entries(req.headers)) if (typeof v === 'string' && k !== 'host' && k !== 'content-length') headers[k] = v;
        const upstream = await fetch(`${target}${req.url ?? ''}`, { method: req.method, headers, body: req.method === 'GET' ? undefined : body });
        const reply = Buffer.from(await upstream.arrayBuffer());
        res.writeHead(upstream.status, { 'content-type': upstream.headers.get('content-type') ?? 'application/json' });
        res.end(reply);
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

function itemsOf(body: Buffer): number {
  try {
    const json = JSON.parse(body.toString('utf8')) as { TransactItems?: unknown[]; RequestItems?: Record<string, unknown[] | { Keys?: unknown[] }> };
    if (json.TransactItems) return json.TransactItems.length;
    // BatchWriteItem: table → [requests]; BatchGetItem: table → { Keys: [...] }.
    if (json.RequestItems) return Object.values(json.RequestItems).reduce<number>((n, v) => n + (Array.isArray(v) ? v.length : (v.Keys?.length ?? 0)), 0);
  } catch {
    // not JSON (the ERP's form posts): one request
  }
  return 1;
}
