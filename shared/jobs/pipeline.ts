/**
 * One pass over pages with the next page read while the current one is processed (docs/design.md §1:
 * the one pipelining helper of the jobs). Pages are committed strictly in order and only after their
 * processing finished; nothing is committed after a failure, and no error is swallowed: the first
 * failure (of a read, a process or a commit) is thrown once every started step has settled.
 */
export interface PagedPass<P> {
  /** Reads the page after `previous` (undefined: the first page). */
  read(previous: P | undefined): Promise<P>;
  /** Whether `page` is the last one. */
  isLast(page: P): boolean;
  process(page: P): Promise<void>;
  /** Called in page order once a page's processing finished (move a cursor here). */
  commit(page: P): Promise<void>;
  /** Checked before each new page (a soft deadline): true stops the pass, incomplete. */
  shouldStop(): boolean;
}

export interface PassResult {
  /** False when the pass stopped before the last page (shouldStop). */
  complete: boolean;
  pages: number;
}

/** The promise, marked as observed so that it cannot crash the process before it is awaited; awaiting it still throws. */
function observed<T>(promise: Promise<T>): Promise<T> {
  promise.catch(() => undefined);
  return promise;
}

export async function runPagedPass<P>(pass: PagedPass<P>, inFlightPages = 2): Promise<PassResult> {
  const depth = Math.max(1, inFlightPages);
  const inFlight: Array<{ page: P; done: Promise<void> }> = [];
  let reading: Promise<P> | undefined = observed(pass.read(undefined));
  let pages = 0;
  let complete = true;
  try {
    while (reading) {
      if (pass.shouldStop()) {
        complete = false;
        break;
      }
      const page: P = await reading;
      reading = undefined;
      pages++;
      if (!pass.isLast(page)) reading = observed(pass.read(page));
      inFlight.push({ page, done: observed(pass.process(page)) });
      while (inFlight.length >= depth || (!reading && inFlight.length > 0)) {
        const oldest = inFlight.shift()!;
        await oldest.done;
        await pass.commit(oldest.page);
      }
    }
    // Stopped early: the pages already started still finish and commit, in order.
    while (inFlight.length > 0) {
      const oldest = inFlight.shift()!;
      await oldest.done;
      await pass.commit(oldest.page);
    }
  } catch (error) {
    // Let every started step settle (their effects already happened) before reporting the failure;
    // a read started ahead that is no longer needed is awaited too, so it cannot reject unobserved.
    await Promise.allSettled([...inFlight.map((f) => f.done), ...(reading ? [reading] : [])]);
    throw error;
  }
  // A page read ahead before the stop is not used, but its failure is still reported.
  if (reading) await reading;
  return { complete, pages };
}
