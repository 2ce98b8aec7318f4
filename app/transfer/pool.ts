// Runs work over items with a concurrency cap. The first failure aborts the
// rest (their in-flight requests stop at once) and is what the pool throws.

/** Runs `work` for every item, at most `limit` at a time; rejects with the first error. */
export async function runPool<T>(
  items: readonly T[],
  limit: number,
  outer: AbortSignal,
  work: (item: T, signal: AbortSignal) => Promise<void>,
): Promise<void> {
  const inner = new AbortController();
  const signal = AbortSignal.any([outer, inner.signal]);
  let next = 0;
  let failure: { error: unknown } | undefined;
  const worker = async () => {
    while (!failure && next < items.length) {
      const item = items[next++] as T;
      try {
        await work(item, signal);
      } catch (error) {
        if (!failure) {
          // An outer stop wins over whatever error it caused in the workers.
          failure = { error: outer.aborted ? outer.reason : error };
          inner.abort(failure.error);
        }
      }
    }
  };
  await Promise.all(Array.from({ length: Math.max(1, Math.min(limit, items.length)) }, worker));
  if (failure) throw failure.error;
}
