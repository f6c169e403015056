import { JobControl } from '../../shared/state/job-control';
import type { JobName } from '../../shared/domain/job-request';
import type { OpsIo, OpsTarget } from './ops-target';

/**
 * `pause <job>` / `resume <job>`: sets the job's pause switch in the state table (scheduled runs of a
 * paused job are skipped as "paused", even after a deploy re-enabled its schedules) and disables or
 * enables its schedules (EventBridge rules, Scheduler schedules), so a paused job is not even invoked.
 * Manual runs still go.
 */
export async function pauseCommand(target: OpsTarget, io: OpsIo, job: JobName, paused: boolean, yes = false, reason?: string): Promise<string[]> {
  const control = new JobControl(target.doc, target.table);
  const current = await control.read(job);
  const verb = paused ? 'pause' : 'resume';
  if (!yes && !(await io.confirm(`${target.stage}: ${verb} ${job} (now ${current.paused ? 'paused' : 'running on schedule'})? Go on?`))) {
    io.out('nothing changed');
    return [];
  }
  await control.write(job, { paused, changedBy: target.operator, changedAt: target.clock.now(), ...(reason ? { reason } : {}) });
  const changes = [
    `state table: ${job} pause switch ${current.paused ? 'on' : 'off'} → ${paused ? 'on' : 'off'}`,
    ...(await target.schedules.setEnabled(job, !paused)),
  ];
  for (const c of changes) io.out(`changed: ${c}`);
  return changes;
}
