import type { CursorStore } from '../state/cursor-store';
import type { Clock } from '../domain/ports';
import type { JobCursors } from '../jobs/run-context';

/**
 * The job's cursors bound to the run's fence, with an optimistic version carried from read to write.
 * Remembers the first position read and the last one written per name, for the summary of a failed run.
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
  ) {}

  async read<T>(name: string): Promise<T | undefined> {
    const { version, positions } = await this.store.readAll(this.job);
    this.version = version;
    const position = positions[name]?.position as T | undefined;
    if (!this.before.has(name)) this.before.set(name, position ?? null);
    return position;
  }

  async advance<T>(name: string, position: T | null): Promise<void> {
    this.version = await this.store.advance(this.job, name, position, this.fence, this.clock.now(), this.version);
    this.after.set(name, position);
  }
}
