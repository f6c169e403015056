import type { JobName } from './job-request';

/**
 * What the ERP pushes to the store (docs/erp-push.md, docs/design.md §18). A push is a *hint*: it names
 * SKUs or so_ids to look at again; its figures are never used as data.
 */
export const PUSH_METHODS = ['inventory.upload', 'logistics.upload', 'cancel.order'] as const;
export type PushMethod = (typeof PUSH_METHODS)[number];

/** The hint partition (PushHints' `job`) each method writes to, and the job that drains it. */
export const PUSH_ROUTES: Record<PushMethod, { hintPartition: string; owner: JobName }> = {
  'inventory.upload': { hintPartition: 'syncInventory', owner: 'syncInventory' },
  'logistics.upload': { hintPartition: 'syncShipping', owner: 'syncShipping' },
  'cancel.order': { hintPartition: 'syncShipping#cancel', owner: 'syncShipping' },
};

/** The event erpNotify starts the owning job with (an asynchronous invoke). */
export const PUSH_TRIGGER_EVENT = { trigger: 'push' } as const;

/** Why a push was refused (the `reason` dimension of PushesRefused; kept in the refusal ring). */
export const PUSH_REFUSAL_REASONS = [
  'http-method',
  'too-large',
  'unsigned',
  'sign-mismatch',
  'stale-timestamp',
  'replayed',
  'unknown-method',
  'malformed-body',
  'state-unavailable',
] as const;
export type PushRefusalReason = (typeof PUSH_REFUSAL_REASONS)[number];

/** The reply the ERP expects: code 0 accepted; anything else refused, with a message [C1]. */
export interface PushReply {
  code: number;
  msg: string;
}

/** Code of a refusal the ERP should not repeat as is (bad sign, stale, replay, unreadable). */
export const PUSH_REFUSED_CODE = -1;
/** Code of a push that could not be recorded now (the state table did not answer in time). */
export const PUSH_UNAVAILABLE_CODE = -2;

/** One HTTP request to the callback address, as the handler received it (body already decoded). */
export interface InboundPush {
  httpMethod: string;
  /** The raw query string, without `?`. */
  rawQuery: string;
  body: Buffer;
  contentType?: string;
}

/** A push whose signature checked out: the generation, the method, its `ts` (epoch s) and what it carries. */
export interface AuthenticatedPush {
  generation: 'legacy' | 'open';
  method: string;
  tsSeconds: number;
  sign: string;
  /** The JSON the push carries: the legacy body, the open platform's `biz` field. */
  payload: string;
}

export type PushAuthentication = { ok: true; push: AuthenticatedPush } | { ok: false; reason: 'unsigned' | 'sign-mismatch'; detail: string };
