// Time that only moves forward. The PC's clock can be stepped back or ahead
// at any moment (an NTP correction, a flat CMOS battery, a person fixing the
// time); performance.now() cannot. Waits that must end after a duration
// (retries, Retry-After holds, quiet periods) are measured on it, so a clock
// set back 2 hours does not turn a 2-second retry into a 2-hour one.

/**
 * A clock in epoch milliseconds that reads the wall clock once, when it is
 * made, and from then on advances with the monotonic clock only. Values stay
 * comparable with what an earlier run stored (both start from the wall
 * clock); a step of the wall clock while it runs changes nothing. Whole
 * milliseconds, as the queue's INTEGER columns want.
 */
export function monotonicClock(wall: () => number = Date.now, elapsed: () => number = () => performance.now()): () => number {
  const base = wall() - elapsed();
  return () => Math.floor(base + elapsed());
}
