// Time as the watcher and the engine see it: injectable so tests can drive it.

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

/**
 * The PC's calendar (Date.now) and Node's timers: for what happens at a time
 * of day or a date (the bandwidth timetable's "until 18:00", a pause "until
 * tomorrow" kept on disk across restarts), where the clock a person reads is
 * the one that counts. Never for durations: realClock is.
 */
export const calendarClock: Clock = { ...realClock, now: () => Date.now() };
