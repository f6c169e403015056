/**
 * Masks values that must never reach a log line: secrets, tokens, signatures and customer personal
 * data (phone, address). Applied to every structured field the loggers receive.
 */
const SENSITIVE = /(password|secret|token|partnerkey|appsecret|sign$|^sign|authorization|phone|mobile|telephone|address|street|receiver_|customer_address|email|buyer_account)/i;
const MASK = '***';

export function redact(value: unknown, depth = 0): unknown {
  if (depth > 8 || value === null || typeof value !== 'object') return value;
  if (value instanceof Error) return { name: value.name, message: value.message, code: (value as { code?: unknown }).code };
  if (Array.isArray(value)) return value.map((v) => redact(v, depth + 1));
  const out: Record<string, unknown> = {};
  for (const [key, v] of Object.entries(value as Record<string, unknown>)) out[key] = SENSITIVE.test(key) ? MASK : redact(v, depth + 1);
  return out;
}
