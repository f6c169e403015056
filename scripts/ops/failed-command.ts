import { RetrySet, type RetryItem } from '../../shared/state/retry-set';
import type { JobName } from '../../shared/runtime/job-request';
import { age, type OpsIo, type OpsTarget } from './ops-target';

/** `failed <job>`: the job's retry set (`RETRY#<job>`, a Query): items waiting for a retry, then those given up. */
export async function failedCommand(target: OpsTarget, io: OpsIo, job: JobName): Promise<{ pending: RetryItem[]; abandoned: RetryItem[] }> {
  const now = target.clock.now();
  const items = await new RetrySet(target.doc, target.table, job).all();
  const pending = items.filter((i) => !i.abandoned).sort((a, b) => a.firstFailedAt - b.firstFailedAt);
  const abandoned = items.filter((i) => i.abandoned).sort((a, b) => a.firstFailedAt - b.firstFailedAt);
  io.out(`${job}: ${pending.length} waiting for a retry, ${abandoned.length} given up`);
  for (const i of pending) io.out(`  retry  ${i.key}  attempts ${i.attempts}, next ${i.nextAttemptAt && i.nextAttemptAt > now ? `in ${age(i.nextAttemptAt - now)}` : 'now'}: ${i.reason}`);
  for (const i of abandoned) io.out(`  GIVEN UP  ${i.key}  after ${i.attempts} attempts, first failed ${age(now - i.firstFailedAt)} ago: ${i.reason}`);
  if (abandoned.length) io.out(`  fix the cause, then run them by hand: npm run ops -- replay ${job} --stage ${target.stage} --data '{"${job === 'syncInventory' ? 'skus' : 'orders'}":[…]}'`);
  return { pending, abandoned };
}
