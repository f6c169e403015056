import { QueryCommand } from '@aws-sdk/lib-dynamodb';
import { RetrySet, type RetryItem } from '../../shared/state/retry-set';
import type { JobName } from '../../shared/domain/job-request';
import { humanTime } from '../../shared/domain/human-time';
import { type OpsIo, type OpsTarget } from './ops-target';

/** A given-up order as pushOrders lists it (`ORDERS_GIVEN_UP#<shopId>` / `<increment id>`). */
export interface GivenUpOrderRow {
  incrementId: string;
  attempts?: number;
  reason?: string;
  givenUpAt?: number;
}

async function givenUpOrders(target: OpsTarget): Promise<GivenUpOrderRow[]> {
  const pk = `ORDERS_GIVEN_UP#${await target.shopId()}`;
  const rows: GivenUpOrderRow[] = [];
  let start: Record<string, unknown> | undefined;
  do {
    const out = await target.doc.send(
      new QueryCommand({
        TableName: target.table,
        KeyConditionExpression: 'pk = :pk',
        ExpressionAttributeValues: { ':pk': pk },
        ExclusiveStartKey: start,
        ConsistentRead: true,
      }),
    );
    for (const item of out.Items ?? [])
      rows.push({
        incrementId: String(item.incrementId ?? item.sk),
        attempts: item.attempts as number | undefined,
        reason: item.reason as string | undefined,
        givenUpAt: item.givenUpAt as number | undefined,
      });
    start = out.LastEvaluatedKey;
  } while (start);
  return rows;
}

/**
 * `failed <job>`: the job's retry set (`RETRY#<job>`, a Query): items waiting for a retry, then those
 * given up; for pushOrders also its list of given-up orders (`ORDERS_GIVEN_UP#<shopId>`).
 */
export async function failedCommand(
  target: OpsTarget,
  io: OpsIo,
  job: JobName,
): Promise<{ pending: RetryItem[]; abandoned: RetryItem[]; givenUpOrders: GivenUpOrderRow[] }> {
  const now = target.clock.now();
  const items = await new RetrySet(target.doc, target.table, job).all();
  const pending = items.filter((i) => !i.abandoned).sort((a, b) => a.firstFailedAt - b.firstFailedAt);
  const abandoned = items.filter((i) => i.abandoned).sort((a, b) => a.firstFailedAt - b.firstFailedAt);
  io.out(`${job}: ${pending.length} waiting for a retry, ${abandoned.length} given up`);
  for (const i of pending)
    io.out(
      `  retry  ${i.key}  attempts ${i.attempts}, next ${i.nextAttemptAt && i.nextAttemptAt > now ? humanTime(i.nextAttemptAt, now) : 'now'}: ${i.reason}`,
    );
  for (const i of abandoned) io.out(`  GIVEN UP  ${i.key}  after ${i.attempts} attempts, first failed ${humanTime(i.firstFailedAt, now)}: ${i.reason}`);
  const orders = job === 'pushOrders' ? await givenUpOrders(target) : [];
  if (job === 'pushOrders') io.out(`pushOrders: ${orders.length} orders given up`);
  for (const o of orders)
    io.out(
      `  GIVEN UP  order ${o.incrementId}${o.attempts ? `  after ${o.attempts} attempts` : ''}${o.givenUpAt ? `, given up ${humanTime(o.givenUpAt, now)}` : ''}: ${o.reason ?? ''}`,
    );
  if (abandoned.length || orders.length)
    io.out(
      `  fix the cause, then run them by hand: npm run ops -- replay ${job} --stage ${target.stage} --data '{"${job === 'syncInventory' ? 'skus' : 'orders'}":[…]}'`,
    );
  return { pending, abandoned, givenUpOrders: orders };
}
