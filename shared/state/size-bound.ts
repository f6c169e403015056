/** What was cut to fit: `truncated: true` plus, per JSON path, how many list entries were dropped. */
export interface TrimReport {
  truncated: true;
  droppedEntries: Record<string, number>;
}

const byteSize = (value: unknown) => Buffer.byteLength(JSON.stringify(value) ?? '', 'utf8');

/**
 * A copy of `value` whose JSON is at most `maxBytes` (DynamoDB items are limited to 400 KB; run history
 * keeps far less): the largest list is halved, again and again, then the longest string is cut, until
 * it fits. Returns the value unchanged (same object) when it already fits, else the trimmed copy and
 * what was dropped. Plain JSON data only.
 */
export function boundJsonSize<T>(value: T, maxBytes: number): { value: T; report?: TrimReport } {
  if (byteSize(value) <= maxBytes) return { value };
  const copy = JSON.parse(JSON.stringify(value)) as T;
  const report: TrimReport = { truncated: true, droppedEntries: {} };
  for (let round = 0; round < 200 && byteSize(copy) > maxBytes; round++) {
    const list = largest(copy, '', (v) => Array.isArray(v) && v.length > 1);
    if (list) {
      const array = list.holder[list.key] as unknown[];
      const keep = Math.floor(array.length / 2);
      report.droppedEntries[list.path] = (report.droppedEntries[list.path] ?? 0) + array.length - keep;
      list.holder[list.key] = array.slice(0, keep);
      continue;
    }
    const text = largest(copy, '', (v) => typeof v === 'string' && v.length > 64);
    if (!text) break;
    const s = text.holder[text.key] as string;
    text.holder[text.key] = `${s.slice(0, Math.floor(s.length / 2))}…[cut]`;
  }
  return { value: copy, report };
}

interface Found {
  holder: Record<string | number, unknown>;
  key: string | number;
  path: string;
  size: number;
}

/** The largest value (by JSON size) matching `wanted`, anywhere under `node`. */
function largest(node: unknown, path: string, wanted: (v: unknown) => boolean, depth = 0): Found | undefined {
  if (node === null || typeof node !== 'object' || depth > 8) return undefined;
  let best: Found | undefined;
  const entries: Array<[string | number, unknown]> = Array.isArray(node) ? node.map((v, i) => [i, v]) : Object.entries(node);
  for (const [key, child] of entries) {
    const childPath = Array.isArray(node) ? `${path}[]` : path ? `${path}.${key}` : String(key);
    if (wanted(child)) {
      const size = byteSize(child);
      if (!best || size > best.size) best = { holder: node as Record<string | number, unknown>, key, path: childPath, size };
    }
    const inner = largest(child, childPath, wanted, depth + 1);
    if (inner && (!best || inner.size > best.size)) best = inner;
  }
  return best;
}
