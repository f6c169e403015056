import { MetricNames } from '../../domain/metric-names';
import {
  PUSH_METHODS,
  PUSH_REFUSED_CODE,
  PUSH_ROUTES,
  PUSH_UNAVAILABLE_CODE,
  type InboundPush,
  type PushMethod,
  type PushRefusalReason,
  type PushReply,
} from '../../domain/erp-push';
import type { JobName } from '../../domain/job-request';
import { pushKeys } from './push-bodies';
import { pushDigest } from './push-digest';
import type { PushReceiverPorts, PushReceiverSettings } from './push-ports';

export type PushOutcome =
  | { accepted: true; reply: PushReply; method: PushMethod; keys: number; started: JobName | undefined; wake: 'claimed' | 'queued' | 'recent' | 'failed' }
  | { accepted: false; reply: PushReply; reason: PushRefusalReason; method: string };

const isPushMethod = (m: string): m is PushMethod => (PUSH_METHODS as readonly string[]).includes(m);

/**
 * erpNotify's use case (docs/design.md §18): one push from the ERP → a hint, or a refusal.
 *
 * 1. POST only, body within the size cap;
 * 2. the signature (the ERP secret's credentials) and `ts` within ±window of now;
 * 3. a known method whose body names keys (SKUs, so_ids) — nothing else of the body is read;
 * 4. not seen before (a replay changes nothing, not even a count of hints);
 * 5. the keys written as hints to the method's partition, then the owning job started
 *    asynchronously if its lease is free and no other push started it just now.
 *
 * A refused push answers a non-zero code with a clear message, is counted (PushesRefused, by reason)
 * and kept in the bounded refusal ring — with its reason, method, time and size only. A push that
 * cannot be recorded because the state table does not answer gets code -2: nothing is lost, the
 * polls cover it. Bodies are never logged.
 */
export async function receiveErpPush(ports: PushReceiverPorts, settings: PushReceiverSettings, push: InboundPush): Promise<PushOutcome> {
  const now = ports.clock.now();
  const bytes = push.body.length;
  const refuse = (reason: PushRefusalReason, method: string, detail: string) => refusal(ports, { at: now, reason, method, bytes, detail });

  if (push.httpMethod.toUpperCase() !== 'POST') return refuse('http-method', '?', `HTTP ${push.httpMethod.slice(0, 10)}: the ERP pushes with POST`);
  if (bytes > settings.maxBodyBytes) return refuse('too-large', '?', `body of ${bytes} bytes; at most ${settings.maxBodyBytes}`);

  let auth;
  try {
    auth = await ports.authenticator.authenticate(push);
  } catch (error) {
    return unavailable(ports, now, bytes, '?', error);
  }
  if (!auth.ok) return refuse(auth.reason, '?', auth.detail);
  const { method } = auth.push;
  const shownMethod = isPushMethod(method) ? method : '?';
  const skewSeconds = Math.round(now / 1000 - auth.push.tsSeconds);
  if (Math.abs(skewSeconds) > settings.timestampWindowSeconds)
    return refuse('stale-timestamp', shownMethod, `ts is ${skewSeconds} s from now; at most ±${settings.timestampWindowSeconds} s`);
  if (!isPushMethod(method)) return refuse('unknown-method', '?', `method is not one of ${PUSH_METHODS.join(', ')}`);
  const body = pushKeys(method, auth.push.payload);
  if (!body.ok) return refuse('malformed-body', method, body.detail);

  const route = PUSH_ROUTES[method];
  try {
    if (!(await ports.replays.firstSighting(pushDigest(auth.push), now))) return refuse('replayed', method, 'this push was received before');
    const written = await ports.hints(route.hintPartition).add(body.keys, method, now);
    const [, wake] = await Promise.all([ports.log.accepted(now), ports.wake.claim(route.owner, now)]);
    let started: JobName | undefined;
    let wakeState: 'claimed' | 'queued' | 'recent' | 'failed' = wake;
    if (wake === 'claimed' || wake === 'queued') {
      try {
        await ports.jobs.start(route.owner);
        started = route.owner;
      } catch (error) {
        // The hint is durable: the job's next scheduled run drains it.
        wakeState = 'failed';
        ports.logger.warn('push accepted, but the job could not be started; its next scheduled run drains the hint', {
          job: route.owner,
          error: (error as Error).name,
        });
      }
    }
    ports.metrics.count(MetricNames.pushesAccepted);
    ports.metrics.count(MetricNames.hintsWritten, written);
    ports.logger.info('push accepted', { method, generation: auth.push.generation, hints: written, partition: route.hintPartition, wake: wakeState });
    return { accepted: true, reply: { code: 0, msg: 'ok' }, method, keys: written, started, wake: wakeState };
  } catch (error) {
    return unavailable(ports, now, bytes, method, error);
  }
}

async function refusal(
  ports: PushReceiverPorts,
  record: { at: number; reason: PushRefusalReason; method: string; bytes: number; detail: string },
): Promise<PushOutcome> {
  ports.metrics.count(MetricNames.pushesRefused);
  ports.metrics.countWithDimension?.(MetricNames.pushesRefused, 'reason', record.reason);
  ports.logger.warn('push refused', { ...record });
  await ports.log.refused(record).catch((error: unknown) => {
    ports.logger.warn('could not keep the refusal record', { reason: record.reason, error: (error as Error).name });
  });
  const code = record.reason === 'state-unavailable' ? PUSH_UNAVAILABLE_CODE : PUSH_REFUSED_CODE;
  return { accepted: false, reply: { code, msg: `${record.reason}: ${record.detail}` }, reason: record.reason, method: record.method };
}

function unavailable(ports: PushReceiverPorts, at: number, bytes: number, method: string, error: unknown): Promise<PushOutcome> {
  ports.logger.error('push not recorded: the state table or the secret did not answer; the polls cover it', { error: (error as Error).name });
  return refusal(ports, { at, reason: 'state-unavailable', method, bytes, detail: 'not recorded now, try again; the polls cover it' });
}
