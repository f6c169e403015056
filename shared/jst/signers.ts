import { createHash } from 'node:crypto';

const md5 = (text: string) => createHash('md5').update(text, 'utf8').digest('hex');

/**
 * Legacy partner API sign (docs/erp-api.md §1.3): md5_hex_lower(method + partnerid + "token" + token + "ts" + ts + partnerkey).
 * The body is not signed.
 */
export function signLegacy(p: { method: string; partnerId: string; token: string; ts: number; partnerKey: string }): string {
  return md5(`${p.method}${p.partnerId}token${p.token}ts${p.ts}${p.partnerKey}`);
}

/**
 * Open platform sign (docs/erp-api.md §2.3): every parameter except `sign`, keys sorted by byte order,
 * `key + value` concatenated without separators, `app_secret` prepended, md5 hex lowercase.
 * Empty values are never sent (the server's treatment of them is uncertain), so they are refused here.
 */
export function signOpen(params: Record<string, string>, appSecret: string): string {
  const keys = Object.keys(params)
    .filter((k) => k !== 'sign')
    .sort((a, b) => Buffer.compare(Buffer.from(a), Buffer.from(b)));
  let text = appSecret;
  for (const key of keys) {
    const value = params[key];
    if (value === undefined || value === '') throw new Error(`open-platform parameter ${key} is empty; empty parameters are never sent`);
    text += key + value;
  }
  return md5(text);
}
