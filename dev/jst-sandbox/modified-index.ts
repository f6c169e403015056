/**
 * Keys ordered by modification time, for "what changed between A and B" queries over 100k+ rows
 * without scanning them all: entries are appended (time mostly grows, so the array usually stays
 * sorted), sorted lazily when an older time was appended, and found by binary search. A re-modified
 * key leaves a stale entry behind that `version` filters out; stale entries are compacted away.
 */
interface Entry<K> {
  modifiedMs: number;
  key: K;
  version: number;
}

export class ModifiedIndex<K> {
  private entries: Array<Entry<K>> = [];
  private sorted = true;
  private readonly current = new Map<K, number>();
  private nextVersion = 1;
  /** Bumped on every change; lets callers cache query results between changes. */
  generation = 0;

  touch(key: K, modifiedMs: number): void {
    const version = this.nextVersion++;
    this.current.set(key, version);
    const last = this.entries[this.entries.length - 1];
    if (last && modifiedMs < last.modifiedMs) this.sorted = false;
    this.entries.push({ modifiedMs, key, version });
    this.generation++;
    if (this.entries.length > 1024 && this.entries.length > 2 * this.current.size) this.compact();
  }

  /** Live keys modified within [fromMs, toMs], oldest first (ties in insertion order). */
  between(fromMs: number, toMs: number): K[] {
    this.ensureSorted();
    const keys: K[] = [];
    for (let i = this.lowerBound(fromMs); i < this.entries.length; i++) {
      const e = this.entries[i]!;
      if (e.modifiedMs > toMs) break;
      if (this.current.get(e.key) === e.version) keys.push(e.key);
    }
    return keys;
  }

  clear(): void {
    this.entries = [];
    this.current.clear();
    this.sorted = true;
    this.generation++;
  }

  private lowerBound(t: number): number {
    let lo = 0;
    let hi = this.entries.length;
    while (lo < hi) {
      const mid = (lo + hi) >>> 1;
      if (this.entries[mid]!.modifiedMs < t) lo = mid + 1;
      else hi = mid;
    }
    return lo;
  }

  private ensureSorted(): void {
    if (this.sorted) return;
    // Array.prototype.sort is stable: ties keep insertion order.
    this.entries.sort((a, b) => a.modifiedMs - b.modifiedMs);
    this.sorted = true;
  }

  private compact(): void {
    this.entries = this.entries.filter((e) => this.current.get(e.key) === e.version);
  }
}
