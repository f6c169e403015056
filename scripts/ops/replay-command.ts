import type { JobName } from '../../shared/domain/job-request';
import { parseJobEvent } from '../../shared/runtime/job-request';
import { redact } from '../../shared/runtime/redact';
import type { RunSummary } from '../../shared/runtime/run-summary';
import { RunHistory } from '../../shared/state/run-history';
import { OpsUsageError, type OpsIo, type OpsTarget } from './ops-target';
import { runLine } from './status-command';

export interface ReplayOptions {
  /** The manual event (docs/design.md §9): dryRun, mode, from/to, skus, orders. */
  event: Record<string, unknown>;
  yes?: boolean;
  /** How long to wait for the summary (default 16 min: longer than the function's timeout). */
  waitMs?: number;
  pollMs?: number;
}

/**
 * `replay <job> --data '<manual event>'` (alias `invoke`): validates the event here first (a typo is
 * reported at once, nothing is sent), asks before a run that writes, starts the run asynchronously
 * (Lambda `Event` invocation: no client timeout, no CLI retries, no throttling of a second copy), then
 * waits on the run history for its summary and prints it.
 */
export async function replayCommand(target: OpsTarget, io: OpsIo, job: JobName, options: ReplayOptions): Promise<RunSummary | undefined> {
  if (options.event.source !== undefined || options.event['detail-type'] !== undefined)
    throw new OpsUsageError('replay sends manual events only (dryRun, mode, from, to, skus, orders)');
  let request;
  try {
    request = parseJobEvent(job, options.event);
  } catch (error) {
    throw new OpsUsageError(`${(error as Error).message} — nothing was sent`);
  }
  const writes = !request.dryRun;
  if (
    writes &&
    !options.yes &&
    !(await io.confirm(`${target.stage}: run ${job} with ${JSON.stringify(options.event)} (it writes; add "dryRun":true to only look)? Go on?`))
  ) {
    io.out('nothing sent');
    return undefined;
  }
  const { runId } = await target.invoker.invokeAsync(job, options.event);
  io.out(`started ${job} run ${runId} (asynchronously); waiting for its summary in the run history…`);
  const history = new RunHistory(target.doc, target.table, 30);
  const deadline = target.clock.now() + (options.waitMs ?? 960_000);
  for (;;) {
    const found = (await history.latestRecords<RunSummary>(job, 25)).find((r) => r.runId === runId);
    if (found) {
      io.out(runLine(found.startedAt, found.summary, target.clock.now()));
      // Printed masked: a dry run's details may carry what it would send (names, phones, addresses).
      io.out(JSON.stringify(redact(found.summary), null, 2));
      return found.summary;
    }
    if (target.clock.now() > deadline) {
      io.out(
        `no summary for run ${runId} yet: it failed before it started (see the function's log: "run failed") or is still running (npm run ops -- runs ${job})`,
      );
      return undefined;
    }
    await new Promise((resolve) => setTimeout(resolve, options.pollMs ?? 2000));
  }
}
