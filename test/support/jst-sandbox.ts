import { startJstSandbox, type JstSandbox, type SandboxOptions } from '../../dev/jst-sandbox/server';
import type { JstCredentials } from '../../shared/config/secret-shapes';

/** Jest helper: a fresh ERP sandbox on 127.0.0.1 for this test file. */
export function useJstSandbox(options: SandboxOptions = {}): () => JstSandbox {
  let sandbox: JstSandbox | undefined;
  beforeAll(async () => {
    sandbox = await startJstSandbox({ rateLimit: { perSecond: 1000, perMinute: 100_000 }, ...options });
  });
  afterAll(async () => {
    await sandbox?.close();
  });
  return () => {
    if (!sandbox) throw new Error('sandbox not started');
    return sandbox;
  };
}

/** Credentials of one generation for a client talking to `sandbox`, and the matching base URL. */
export function sandboxCredentials(sandbox: JstSandbox, generation: 'legacy' | 'open'): { credentials: JstCredentials; baseUrl: string } {
  return generation === 'open'
    ? { credentials: { generation: 'open', ...sandbox.credentials.open }, baseUrl: sandbox.url }
    : { credentials: { generation: 'legacy', ...sandbox.credentials.legacy }, baseUrl: sandbox.legacyUrl };
}
