import { z } from 'zod';
import type { PushMethod } from '../../domain/erp-push';

/** At most this many keys are taken from one push (a larger push is refused; the polls cover it). */
export const MAX_KEYS_PER_PUSH = 1000;

const key = (max: number) =>
  z
    .union([z.string(), z.number().int().nonnegative()])
    .transform((v) => String(v).trim())
    .pipe(z.string().min(1, 'empty').max(max, `longer than ${max} characters`));

// Only the keys are read; every other field (qty, modified, l_id, receiver data …) passes unread.
const skuRow = z.object({ sku_id: key(150) }).passthrough();
const orderRef = z.object({ so_id: key(50) }).passthrough();
const oneOrMany = <T extends z.ZodTypeAny>(row: T) => z.union([row.transform((r: z.infer<T>) => [r]), z.array(row).min(1, 'an empty list')]);

const bodies: Record<PushMethod, z.ZodType<Array<{ sku_id?: string; so_id?: string }>>> = {
  // [C1] a JSON array of {sku_id, qty, modified}; a single object is taken too [U].
  'inventory.upload': oneOrMany(skuRow),
  // [C1] one shipment {o_id, so_id, l_id, …}; a list of them is taken too [U].
  'logistics.upload': oneOrMany(orderRef),
  // [C1] {so_id, o_id, …}; a list too [U].
  'cancel.order': oneOrMany(orderRef),
};

export type PushBodyResult = { ok: true; keys: string[] } | { ok: false; detail: string };

/** The keys (SKUs or so_ids) a push names, or why its body cannot be read. Never returns any other field. */
export function pushKeys(method: PushMethod, payload: string): PushBodyResult {
  let json: unknown;
  try {
    json = JSON.parse(payload);
  } catch {
    return { ok: false, detail: 'body is not JSON' };
  }
  const parsed = bodies[method].safeParse(json);
  if (!parsed.success) {
    const issue = parsed.error.issues[0];
    return { ok: false, detail: `body is not a ${method} push${issue ? ` (${issue.path.join('.') || 'body'}: ${issue.message})` : ''}` };
  }
  const keys = [...new Set(parsed.data.map((row) => (method === 'inventory.upload' ? row.sku_id : row.so_id)!))];
  if (keys.length > MAX_KEYS_PER_PUSH) return { ok: false, detail: `names ${keys.length} keys; at most ${MAX_KEYS_PER_PUSH} per push` };
  return { ok: true, keys };
}
