import { redact } from '../domain/redact';
import type { ItemFailure } from '../runtime/run-summary';

export interface OutcomeRecorderOptions {
  /** Failures kept in memory (the total is always counted in `failed`). */
  maxFailures?: number;
  /** Examples kept per kind (the rest are only counted). */
  maxExamples?: number;
}

/**
 * What a run did, recorded as it goes (docs/design.md §8): counts by name, counts by reason, the item
 * failures (listed up to a cap, all counted) and a few examples per kind, masked exactly like the logs
 * (runtime/redact.ts) so that no phone, address, name or e-mail reaches a summary or the run history.
 */
export class OutcomeRecorder<K extends string> {
  readonly counts: Record<K, number>;
  private readonly failureList: ItemFailure[] = [];
  private failedTotal = 0;
  private readonly reasons = new Map<string, Record<string, number>>();
  private readonly exampleLists = new Map<string, { items: unknown[]; omitted: number }>();
  private readonly maxFailures: number;
  private readonly maxExamples: number;

  constructor(names: readonly K[], options: OutcomeRecorderOptions = {}) {
    this.counts = Object.fromEntries(names.map((n) => [n, 0])) as Record<K, number>;
    this.maxFailures = options.maxFailures ?? 1000;
    this.maxExamples = options.maxExamples ?? 5;
  }

  add(name: K, n = 1): void {
    this.counts[name] += n;
  }

  /** Counts `name` and, under `name`, the reason (e.g. notPushable → { unpaid: 3, shipped: 2 }). */
  addWithReason(name: K, reason: string, n = 1): void {
    this.add(name, n);
    const byReason = this.reasons.get(name) ?? {};
    byReason[reason] = (byReason[reason] ?? 0) + n;
    this.reasons.set(name, byReason);
  }

  fail(failure: ItemFailure): void {
    this.failedTotal++;
    if (this.failureList.length < this.maxFailures) this.failureList.push(failure);
  }

  /** Keeps a masked copy of `value` as an example of `kind` while fewer than the cap are kept. */
  example(kind: string, value: unknown): void {
    const list = this.exampleLists.get(kind) ?? { items: [], omitted: 0 };
    if (list.items.length < this.maxExamples) list.items.push(redact(value));
    else list.omitted++;
    this.exampleLists.set(kind, list);
  }

  get failures(): ItemFailure[] {
    return [...this.failureList];
  }

  /** Failures recorded in total (listed or not). */
  get failed(): number {
    return this.failedTotal;
  }

  byReason(name: K): Record<string, number> {
    return { ...(this.reasons.get(name) ?? {}) };
  }

  /** `{ [kind]: examples, [kind + 'Omitted']: n }` for a summary's details. */
  examples(): Record<string, unknown> {
    const out: Record<string, unknown> = {};
    for (const [kind, list] of this.exampleLists) {
      out[kind] = list.items;
      if (list.omitted > 0) out[`${kind}Omitted`] = list.omitted;
    }
    return out;
  }
}
