// Time as the watcher sees it: injectable so tests can drive it.

export interface Clock {
  now(): number;
  setTimeout(fn: () => void, ms: number): unknown;
  clearTimeout(handle: unknown): void;
}

/**
 * The monotonic clock and Node's timers: quiet periods are durations, so a
 * PC clock stepped back must not stretch them. Timers are unref'd so a
 * watcher never keeps a CLI alive by itself.
 */
export const realClock: Clock = {
  now: () => performance.now(),
  setTimeout: (fn, ms) => setTimeout(fn, ms).unref(),
  clearTimeout: (handle) => clearTimeout(handle as NodeJS.Timeout),
};
