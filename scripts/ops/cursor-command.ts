import { CursorStore } from '../../shared/state/cursor-store';
import { LeaseStore } from '../../shared/state/lease';
import { humanPosition, humanTime } from '../../shared/domain/human-time';
import { OpsUsageError, type OpsIo, type OpsTarget } from './ops-target';

/** How long the operator's lease lasts while a cursor is moved. */
const OPS_LEASE_MS = 60_000;

/**
 * A position typed on the command line: an ISO-8601 time with offset becomes epoch ms (what the
 * time-window cursors store, e.g. `incremental`); anything else is JSON (`{"afterSku":"A-1"}`).
 */
export function parsePosition(text: string): unknown {
  if (/^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}(:\d{2}(\.\d+)?)?(Z|[+-]\d{2}:\d{2})$/.test(text)) {
    const ms = Date.parse(text);
    if (Number.isNaN(ms)) throw new OpsUsageError(`not a valid time: ${text}`);
    return ms;
  }
  try {
    return JSON.parse(text) as unknown;
  } catch {
    throw new OpsUsageError(`expected an ISO-8601 time with offset (e.g. 2026-11-28T10:00:00+08:00) or JSON (e.g. {"afterSku":"A-1"}), got ${text}`);
  }
}

/**
 * `cursor <job> show | set <name> <value> | reset <name>`; `<job>` may be a reconcile's own scope,
 * `pushOrders#reconcile` or `syncShipping#reconcile` (its `reconcile` position, docs/design.md §4). Writes go through the job's lease (taken
 * as the operator, so no run is moving the cursor meanwhile) with the stored shape
 * `positions.<name> = { position, updatedAt }`; `reset` removes the position, so the next run starts
 * from its initial lookback (or a full pass).
 */
export async function cursorCommand(
  target: OpsTarget,
  io: OpsIo,
  job: string,
  action: string,
  name?: string,
  value?: string,
  yes = false,
): Promise<Record<string, unknown>> {
  const cursors = new CursorStore(target.doc, target.table);
  const now = target.clock.now();
  const { positions } = await cursors.readAll(job);
  const shown = Object.fromEntries(Object.entries(positions).map(([n, v]) => [n, v.position]));
  if (action === 'show') {
    if (Object.keys(positions).length === 0) io.out(`${job}: no cursor positions`);
    for (const [n, v] of Object.entries(positions)) {
      io.out(`${job} ${n}: ${humanPosition(v.position, now)}, moved ${humanTime(v.updatedAt, now)}`);
    }
    return shown;
  }
  if (action !== 'set' && action !== 'reset') throw new OpsUsageError('expected: cursor <job> show | set <name> <value> | reset <name>');
  if (!name) throw new OpsUsageError(`expected the position name (${Object.keys(positions).join(', ') || 'e.g. incremental, full, scan'})`);
  const position = action === 'set' ? parsePosition(value ?? '') : null;
  const before = positions[name]?.position ?? null;
  const describe = (p: unknown) => humanPosition(p, now);
  if (!yes && !(await io.confirm(`${target.stage}: ${job} cursor ${name}: ${describe(before)} → ${describe(position)}. Go on?`))) {
    io.out('nothing changed');
    return shown;
  }
  const leases = new LeaseStore(target.doc, target.table);
  const lease = await leases.acquire(job, target.operator, OPS_LEASE_MS, now);
  if (!lease) throw new OpsUsageError(`${job} is running (another run holds its lease): try again when it has finished (npm run ops -- status)`);
  try {
    await cursors.advance(job, name, position, lease.fence, now);
  } finally {
    await leases.release(lease);
  }
  io.out(`changed: ${job} cursor ${name}: ${describe(before)} → ${describe(position)}`);
  return { ...shown, [name]: position };
}
