import { FecjstError } from '../errors';

/** This run no longer holds the job's lease (another run took it): it must not write state. */
export class LeaseLostError extends FecjstError {
  constructor(job: string, fence: number, what: string) {
    super('LEASE_LOST', `${job}: the lease with fence ${fence} is no longer held; refusing to ${what}`, { job, fence });
  }
}

/** The cursor changed since this run read it (optimistic version check). */
export class CursorConflictError extends FecjstError {
  constructor(job: string, name: string, expectedVersion: number, actualVersion: number | undefined) {
    super('CURSOR_CONFLICT', `${job}: cursor ${name} was moved by someone else (expected version ${expectedVersion}, found ${actualVersion ?? 'none'})`, {
      job,
      cursor: name,
      expectedVersion,
      actualVersion,
    });
  }
}

/** DynamoDB kept refusing part of a batch (throttling) after bounded retries. */
export class StateThrottledError extends FecjstError {
  constructor(operation: string, remaining: number, attempts: number) {
    super('STATE_THROTTLED', `state table: ${operation} still had ${remaining} unprocessed keys after ${attempts} attempts`, {
      operation,
      remaining,
      attempts,
    });
  }
}

/** The shared ERP budget item kept changing under this container's writes (docs/design.md §7). */
export class ErpBudgetContendedError extends FecjstError {
  constructor(account: string, attempts: number) {
    super('ERP_BUDGET_CONTENDED', `ERP budget ${account}: could not claim a slice after ${attempts} conditional writes lost to other containers`, {
      account,
      attempts,
    });
  }
}

/**
 * An ERP call waited for the shared budget until the run's soft deadline (docs/design.md §6, §7): the
 * call is not made, and the run ends incomplete (reason: ERP budget) with what it committed so far.
 */
export class ErpBudgetDeadlineError extends FecjstError {
  constructor(job: string, waitedMs: number) {
    super('ERP_BUDGET_DEADLINE', `${job}: waited ${Math.round(waitedMs)} ms for the shared ERP budget until the soft deadline; the call was not made`, {
      job,
      waitedMs,
    });
  }
}
