// Waiting in tests: on a condition with a deadline, never a fixed sleep before
// a positive assertion. A wait that runs out fails with what it waited for,
// and with the last value seen when the caller gives one, so a red test says
// "timed out waiting for the file to be done (state: failed)" rather than
// failing later on an unrelated expect.

export interface WaitOptions {
  /** Give up after this long (default 30 s). */
  timeoutMs?: number;
  /** Poll this often (default 100 ms). */
  everyMs?: number;
  /** Describes the state seen last, appended to the timeout message. */
  seen?: () => unknown;
}

const pause = (ms: number) => new Promise((done) => setTimeout(done, ms));

function lastSeen(seen: (() => unknown) | undefined): string {
  if (!seen) return '';
  try {
    const value = seen();
    return ` (last seen: ${typeof value === 'string' ? value : JSON.stringify(value)})`;
  } catch (error) {
    return ` (last seen: could not read: ${(error as Error).message})`;
  }
}

/** Polls `check` until it answers true; throws `timed out waiting for <what>` after the deadline. */
export async function until(
  what: string,
  check: () => boolean | Promise<boolean>,
  timeoutOrOptions: number | WaitOptions = {},
  everyMs?: number,
): Promise<void> {
  const options =
    typeof timeoutOrOptions === 'number' ? { timeoutMs: timeoutOrOptions, ...(everyMs !== undefined && { everyMs }) } : timeoutOrOptions;
  const deadline = Date.now() + (options.timeoutMs ?? 30_000);
  while (!(await check())) {
    if (Date.now() > deadline) throw new Error(`timed out after ${options.timeoutMs ?? 30_000} ms waiting for ${what}${lastSeen(options.seen)}`);
    await pause(options.everyMs ?? 100);
  }
}

/** Polls `read` until it gives a value that is not undefined, and returns it. */
export async function untilValue<T>(what: string, read: () => T | undefined | Promise<T | undefined>, options: WaitOptions = {}): Promise<T> {
  let value: T | undefined;
  await until(what, async () => (value = await read()) !== undefined, options);
  return value as T;
}

/**
 * Checks that `check` stays true for the whole of `ms` (polled), throwing at the
 * first time it is false. For "nothing happens" assertions, where the only
 * deadline is how long to keep watching.
 */
export async function holdsFor(
  what: string,
  ms: number,
  check: () => boolean | Promise<boolean>,
  options: Pick<WaitOptions, 'everyMs' | 'seen'> = {},
): Promise<void> {
  const end = Date.now() + ms;
  for (;;) {
    if (!(await check())) throw new Error(`expected ${what} for ${ms} ms, but it changed${lastSeen(options.seen)}`);
    if (Date.now() >= end) return;
    await pause(Math.min(options.everyMs ?? 50, Math.max(0, end - Date.now())));
  }
}
