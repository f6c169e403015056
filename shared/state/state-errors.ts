import { FecjstError } from '../errors';

/** This run no longer holds the job's lease (it expired and another run took it): it must not write state. */
export class LeaseLostError extends FecjstError {
  constructor(job: string, fence: number, what: string) {
    super('LEASE_LOST', `${job}: the lease with fence ${fence} is no longer held; refusing to ${what}`, { job, fence });
  }
}
