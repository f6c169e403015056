import { spawn } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import { mkdirSync, openSync } from 'node:fs';
import { join } from 'node:path';
import type { JobName } from '../../shared/domain/job-request';
import type { Invoker } from '../../scripts/ops/ops-target';
import { localStackDir } from './local-stack-file';

/**
 * The ops command's asynchronous invoke on the local stack: `npm run local -- invoke` in a detached
 * process (its output in `.local-stack/run-<id>.log`); the run is recorded in run history under the
 * run id returned here, as a Lambda async invocation is under its request id.
 */
export class LocalProcessInvoker implements Invoker {
  async invokeAsync(job: JobName, event: unknown): Promise<{ runId: string }> {
    const runId = `local-${randomUUID()}`;
    mkdirSync(localStackDir(), { recursive: true });
    const log = openSync(join(localStackDir(), `run-${runId}.log`), 'a');
    const child = spawn(
      process.execPath,
      ['--import', 'tsx', join(__dirname, 'local-stack-main.ts'), 'invoke', job, '--data', JSON.stringify(event ?? {}), '--run-id', runId],
      {
        stdio: ['ignore', log, log],
        detached: true,
        env: process.env,
      },
    );
    child.unref();
    return { runId };
  }
}
