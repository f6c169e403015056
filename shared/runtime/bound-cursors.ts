import type { CursorStore } from '../state/cursor-store';
import type { Clock } from '../domain/ports';
import type { JobCursors } from '../jobs/run-context';

/**
 * The job's cursors bound to the run's fence, with an optimistic version carried from read to write.
 * Remembers the first position read and the last one written per name, for the summary of a failed run.
 *
 * A reconcile run in its own scope (`<job>#reconcile`, docs/design.md §4) keeps its positions in its own
 * cursor item, fenced by its own lease; `readOnly` names positions it only reads from the job's item
 * (`incremental`: how far the incremental runs got) — read without taking that item's version, and
 * never written from here, so neither run can move or fence out the other's cursor.
 */
export class BoundCursors implements JobCursors {
  private version: number | undefined;
  readonly before = new Map<string, unknown>();
  readonly after = new Map<string, unknown>();

  constructor(
    private readonly store: CursorStore,
    private readonly job: string,
    private readonly fence: number,
    private readonly clock: Clock,
    private readonly readOnly?: { job: string; names: readonly string[] },
  ) {}

  async read<T>(name: string): Promise<T | undefined> {
    if (this.readOnly?.names.includes(name)) {
      const position = (await this.store.read<T>(this.readOnly.job, name))?.position;
      if (!this.before.has(name)) this.before.set(name, position ?? null);
      return position;
    }
    const { version, positions } = await this.store.readAll(this.job);
    this.version = version;
    const position = positions[name]?.position as T | undefined;
    if (!this.before.has(name)) this.before.set(name, position ?? null);
    return position;
  }

  async advance<T>(name: string, position: T | null): Promise<void> {
    if (this.readOnly?.names.includes(name)) throw new Error(`fecjst: ${this.job} may only read cursor ${name} of ${this.readOnly.job}`);
    this.version = await this.store.advance(this.job, name, position, this.fence, this.clock.now(), this.version);
    this.after.set(name, position);
  }
}
