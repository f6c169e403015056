/**
 * Masks what must never reach a log line: secrets, tokens, signatures and customer personal data
 * (phone, address, name, email). Two rules, applied to every structured field and every string:
 * - by key: the value of a sensitive key is replaced whole, at any depth;
 * - by content: phone numbers and `sign=`/`token=`-style URL parameters inside any string (an error
 *   message echoing a request, a URL) are masked.
 */
export const MASK = '***';

/** Keys compared lower-cased with `_` and `-` removed. */
const SENSITIVE_KEYS = new Set([
  'password',
  'passwd',
  'pwd',
  'secret',
  'clientsecret',
  'appsecret',
  'partnerkey',
  'apikey',
  'token',
  'accesstoken',
  'refreshtoken',
  'sessiontoken',
  'idtoken',
  'authorization',
  'cookie',
  'sign',
  'signature',
  'phone',
  'mobile',
  'telephone',
  'tel',
  'email',
  'address',
  'street',
  'zip',
  'postcode',
  'customertelephone',
  'customeremail',
  'customerfirstname',
  'customerlastname',
  'customername',
  'buyeraccount',
  'buyermessage',
  'shopbuyerid',
  'idcard',
]);
const SENSITIVE_PREFIXES = ['receiver', 'customeraddress', 'shipping_address', 'billingaddress', 'shippingaddress'];
const SENSITIVE_SUFFIXES = ['password', 'secret', 'token', 'phone', 'mobile', 'telephone', 'address', 'email', 'partnerkey'];

export function isSensitiveKey(key: string): boolean {
  const k = key.toLowerCase().replace(/[-_]/g, '');
  if (SENSITIVE_KEYS.has(k)) return true;
  if (SENSITIVE_PREFIXES.some((p) => k.startsWith(p.replace(/_/g, '')))) return true;
  return SENSITIVE_SUFFIXES.some((s) => k.endsWith(s));
}

/** Mainland mobile numbers (11 digits from 13…19), optionally +86; and long international numbers with `+`. */
const PHONE = /(?:\+?86[-\s]?)?(?<!\d)1[3-9]\d(?:[-\s]?\d{4}){2}(?!\d)|\+\d[\d\s-]{7,16}\d/g;
/** `sign=…`, `token=…`, `access_token=…` and friends in URLs, query strings and form bodies. */
const SECRET_PARAM = /\b(sign|token|access_token|refresh_token|app_secret|appsecret|partnerkey|partner_key|password)=([^&\s"']+)/gi;
/** `"accessToken":"…"`-style JSON fragments inside strings (a request body in an error message). */
const SECRET_JSON_FIELD =
  /("(?:sign|token|access_token|accessToken|refresh_token|refreshToken|app_secret|appSecret|partnerKey|password|receiver_\w+|\w*phone|\w*mobile|\w*address\w*)"\s*:\s*)"(?:[^"\\]|\\.)*"/gi;

export function maskSensitiveText(text: string): string {
  return text.replace(SECRET_JSON_FIELD, `$1"${MASK}"`).replace(SECRET_PARAM, `$1=${MASK}`).replace(PHONE, MASK);
}

/** A deep copy of `value` with sensitive keys and sensitive text masked. Errors become `{ name, message, code }`. */
export function redact(value: unknown, depth = 0): unknown {
  if (typeof value === 'string') return maskSensitiveText(value);
  if (value === null || typeof value !== 'object') return value;
  if (depth > 10) return '[nested too deep]';
  if (value instanceof Error) {
    return { name: value.name, message: maskSensitiveText(value.message), code: (value as { code?: unknown }).code };
  }
  if (Array.isArray(value)) return value.map((v) => redact(v, depth + 1));
  const out: Record<string, unknown> = {};
  for (const [key, v] of Object.entries(value as Record<string, unknown>)) {
    out[key] = isSensitiveKey(key) && v !== undefined && v !== null ? MASK : redact(v, depth + 1);
  }
  return out;
}

/**
 * A JSON.stringify replacer doing the same, for Powertools' `jsonReplacerFn`: it sees every key and
 * value of every log line, including appended keys and formatted errors (message, stack, cause).
 */
export function redactingJsonReplacer(key: string, value: unknown): unknown {
  if (key !== '' && isSensitiveKey(key) && value !== undefined && value !== null) return MASK;
  if (typeof value === 'string') return maskSensitiveText(value);
  return value;
}
