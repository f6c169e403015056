/**
 * The freshness benchmark's one seam for pushes: how ERP changes reach erpNotify in a mode.
 *
 * - `NoPushes` (mode "off"): the sandbox is given no push target, so it sends nothing and every effect
 *   comes from the schedules' polls. Real in every build.
 * - `SandboxPushes` (modes "on", "on-dropped"): the sandbox's push sender (admin routes
 *   `POST /__admin/push/target {url}`, `POST /__admin/push/behaviour {...}`, `GET /__admin/pushes`)
 *   posts signed pushes to erpNotify's address; `neverSentShare` makes it drop that share. Needs the
 *   receiver (functions/erp-notify/handler.ts) and those routes: `unavailable()` says which is
 *   missing, and the mode then prints that reason instead of figures.
 */
import { existsSync } from 'node:fs';
import { join } from 'node:path';

export interface PushChannel {
  readonly name: string;
  /** Why this build cannot run the mode (checked before anything starts), or undefined. */
  unavailableInBuild(): string | undefined;
  /** Why the running sandbox cannot, or undefined. */
  unavailableInSandbox(sandboxUrl: string): Promise<string | undefined>;
  start(sandboxUrl: string, notifyUrl: string | undefined): Promise<void>;
  stop(sandboxUrl: string): Promise<void>;
  /** Pushes the sandbox sent (undefined without a sender). */
  sent(sandboxUrl: string): Promise<number | undefined>;
}

export const ERP_NOTIFY_HANDLER = join(__dirname, '..', '..', 'functions', 'erp-notify', 'handler.ts');

export class NoPushes implements PushChannel {
  readonly name = 'off';
  unavailableInBuild(): undefined {
    return undefined;
  }
  async unavailableInSandbox(): Promise<undefined> {
    return undefined;
  }
  async start(): Promise<void> {}
  async stop(): Promise<void> {}
  async sent(): Promise<undefined> {
    return undefined;
  }
}

export class SandboxPushes implements PushChannel {
  constructor(
    readonly name: string,
    private readonly neverSentShare = 0,
  ) {}

  unavailableInBuild(): string | undefined {
    if (!existsSync(ERP_NOTIFY_HANDLER)) return 'no erpNotify receiver (functions/erp-notify/handler.ts is missing)';
    return undefined;
  }

  async unavailableInSandbox(sandboxUrl: string): Promise<string | undefined> {
    const res = await fetch(`${sandboxUrl}/__admin/pushes`);
    if (res.status === 404) return 'the ERP sandbox has no push sender (GET /__admin/pushes is an unknown admin route)';
    if (!res.ok) return `the ERP sandbox's push sender answers HTTP ${res.status}`;
    return undefined;
  }

  async start(sandboxUrl: string, notifyUrl: string | undefined): Promise<void> {
    if (!notifyUrl) throw new Error(`pushes "${this.name}" need erpNotify's address`);
    await post(sandboxUrl, '/__admin/push/target', { url: notifyUrl });
    // The bench world's ERP secret is an open-platform one (_freshness-world.ts): the sandbox signs as that
    // generation, and drops `dropped` of its pushes (never sent).
    await post(sandboxUrl, '/__admin/push/behaviour', { generation: 'open', dropped: this.neverSentShare });
  }

  async stop(sandboxUrl: string): Promise<void> {
    await post(sandboxUrl, '/__admin/push/target', { url: null });
  }

  async sent(sandboxUrl: string): Promise<number | undefined> {
    const res = await fetch(`${sandboxUrl}/__admin/pushes`);
    if (!res.ok) return undefined;
    const body = (await res.json()) as unknown;
    return Array.isArray(body) ? body.length : undefined;
  }
}

async function post(url: string, path: string, body: unknown): Promise<void> {
  const res = await fetch(`${url}${path}`, { method: 'POST', body: JSON.stringify(body), headers: { 'content-type': 'application/json' } });
  if (!res.ok) throw new Error(`sandbox ${path}: HTTP ${res.status} ${await res.text()}`);
}
