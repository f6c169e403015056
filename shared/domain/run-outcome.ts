/**
 * What a use case reports at the end of a run (docs/design.md §8). On the ground floor so that use cases
 * (jobs/) return it and the runtime turns it into the run summary without either importing the other.
 */

/** One item a run could not apply; it is retried by a later run. */
export interface ItemFailure {
  /** SKU, increment id … */
  key: string;
  reason: string;
}

/** What a use case reports; the handler adds identity and timing (docs/design.md §8). */
export interface RunOutcome {
  window: { from: string | null; to: string | null };
  complete: boolean;
  counts: Record<string, number>;
  failures: ItemFailure[];
  cursor: { before: unknown; after: unknown };
  /** Planned changes of a dry run (the first 100), or other detail worth returning. */
  details?: Record<string, unknown>;
  /** Seconds between now and the committed cursor, for the CursorLagSeconds metric (omit for explicit windows). */
  cursorLagSeconds?: number;
  /** Why the run is `complete: false`, when the use case knows (the handler fills in the deadline and failures). */
  incompleteReason?: string;
}
