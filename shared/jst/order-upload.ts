import type { z } from 'zod';
import type { ErpUploadOrder } from '../domain/erp-order';
import { ENDPOINTS, LIMITS } from './erp-requests';
import { JstApiError, JstRequestError } from './jst-errors';
import { uploadReplySchema } from './reply-schemas';
import type { JstTransport } from './transport';

// The ERP's order upload (docs/erp-api.md §3b): checked before sending, one result per order.

export interface UploadResult {
  soId: string;
  oId: number | undefined;
  ok: boolean;
  message: string | undefined;
}

/** Uploads ≤ 50 orders; one result per order, in input order. Orders with empty values are not sent. */
export async function uploadOrders(transport: JstTransport, orders: readonly ErpUploadOrder[]): Promise<UploadResult[]> {
  const endpoint = ENDPOINTS.upload;
  if (orders.length === 0) return [];
  if (orders.length > LIMITS.uploadOrders)
    throw new JstRequestError(endpoint.name, `${orders.length} orders in one upload; at most ${LIMITS.uploadOrders} per call (split into batches)`);
  const soIds: string[] = [];
  for (const order of orders) {
    const soId: unknown = order.so_id;
    if (typeof soId !== 'string' || soId === '') throw new JstRequestError(endpoint.name, 'every order needs a non-empty string so_id');
    if (soIds.includes(soId)) throw new JstRequestError(endpoint.name, `so_id ${soId} appears twice in one upload`);
    soIds.push(soId);
  }
  // Empty values are never sent (docs/design.md §7; the ERP's treatment of them is [U], docs/erp-api.md §2.3):
  // such an order fails alone, naming the field (never a value).
  const results = new Map<string, UploadResult>();
  const toSend: ErpUploadOrder[] = [];
  orders.forEach((order, i) => {
    const empty = firstEmptyField(order);
    if (empty)
      results.set(soIds[i]!, { soId: soIds[i]!, oId: undefined, ok: false, message: `not sent: ${empty} is empty (empty values are never sent to the ERP)` });
    else toSend.push(order);
  });
  if (toSend.length > 0) {
    const data = await transport.call(endpoint, toSend);
    const parsed = uploadReplySchema.safeParse(data);
    if (!parsed.success) throw invalidReply(endpoint.name, parsed.error);
    for (const r of parsed.data.datas) {
      const accepted = r.issuccess && r.o_id != null;
      results.set(r.so_id, {
        soId: r.so_id,
        oId: r.o_id ?? undefined,
        ok: accepted,
        message: r.msg || (r.issuccess && !accepted ? 'the ERP accepted the order but returned no o_id' : undefined),
      });
    }
  }
  // One result per order, in input order; an order the ERP did not report on counts as failed.
  return soIds.map((soId) => results.get(soId) ?? { soId, oId: undefined, ok: false, message: 'the ERP returned no result for this order' });
}

function invalidReply(endpoint: string, error: z.ZodError): JstApiError {
  const issues = error.issues
    .slice(0, 3)
    .map((i) => `${i.path.join('.') || 'reply'}: ${i.message}`)
    .join('; ');
  return new JstApiError({
    code: 'JST_REPLY_INVALID',
    message: `ERP ${endpoint}: reply does not have the documented shape (${issues})`,
    endpoint,
    retryable: false,
  });
}

/** Path of the first empty-string or null value in an order (items and pay included), if any. */
function firstEmptyField(value: unknown, path = ''): string | undefined {
  if (value === '' || value === null) return path || 'order';
  if (Array.isArray(value)) {
    for (let i = 0; i < value.length; i++) {
      const found = firstEmptyField(value[i], `${path}[${i}]`);
      if (found) return found;
    }
  } else if (typeof value === 'object' && value !== undefined) {
    for (const [key, child] of Object.entries(value as Record<string, unknown>)) {
      const found = firstEmptyField(child, path ? `${path}.${key}` : key);
      if (found) return found;
    }
  }
  return undefined;
}
