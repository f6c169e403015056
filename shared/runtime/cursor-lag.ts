import type { CursorStore } from '../state/cursor-store';

/** Positions below this (1973) are not times but counters: their lag is taken from when they moved. */
const PLAUSIBLE_EPOCH_MS = 1e11;

/**
 * Seconds the job's committed cursor is behind, for the CursorLagSeconds metric on runs whose use
 * case did not report it (a failed or skipped run, pushOrders): now − the `incremental` position when
 * it is a time (epoch ms), otherwise now − the last time any of its positions moved. Undefined when
 * the job has no cursor yet.
 */
export async function committedCursorLagSeconds(cursors: CursorStore, job: string, nowMs: number): Promise<number | undefined> {
  const { positions } = await cursors.readAll(job);
  const incremental = positions.incremental?.position;
  if (typeof incremental === 'number' && incremental > PLAUSIBLE_EPOCH_MS) return Math.max(0, (nowMs - incremental) / 1000);
  const moved = Object.values(positions)
    .map((p) => p.updatedAt)
    .filter((t) => typeof t === 'number' && Number.isFinite(t));
  if (moved.length === 0) return undefined;
  return Math.max(0, (nowMs - Math.max(...moved)) / 1000);
}
