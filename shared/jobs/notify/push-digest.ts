import { createHash } from 'node:crypto';
import type { AuthenticatedPush } from '../../domain/erp-push';

/**
 * What makes a push "the same push again": generation, method, ts, sign and the payload's own hash.
 * The legacy sign does not cover the body (docs/erp-push.md §2), and the ERP may push twice in one
 * second with the same sign and different bodies, so the body is part of the identity: an exact
 * repeat is a replay; a different body under the same sign is a new push (it can only name keys to
 * re-read, which the ERP's own query then decides).
 */
export function pushDigest(push: AuthenticatedPush): string {
  const payload = createHash('sha256').update(push.payload, 'utf8').digest('hex');
  return createHash('sha256').update(`${push.generation}\n${push.method}\n${push.tsSeconds}\n${push.sign}\n${payload}`, 'utf8').digest('hex');
}
