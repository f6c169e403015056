/**
 * Iterates `source` while already fetching its next element, so that the ERP call for page n+1 runs
 * while page n is being written to the store.
 */
export async function* readAhead<T>(source: AsyncIterable<T>): AsyncGenerator<T> {
  const iterator = source[Symbol.asyncIterator]();
  let next = iterator.next();
  for (;;) {
    const current = await next;
    if (current.done) return;
    next = iterator.next();
    // A rejection of the prefetch is observed when it is awaited; keep it from being reported as unhandled meanwhile.
    next.catch(() => undefined);
    yield current.value;
  }
}
