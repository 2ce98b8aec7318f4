// The clock retry due times are set on: it starts at the wall clock and then
// moves only with the monotonic clock, in whole milliseconds.
import { describe, expect, it } from 'vitest';
import { monotonicClock } from '../../app/common/monotonic-clock.ts';

describe('monotonicClock', () => {
  it('follows elapsed time, not steps of the wall clock', () => {
    let wall = 1_700_000_000_000;
    let elapsed = 5_000.25;
    const now = monotonicClock(
      () => wall,
      () => elapsed,
    );
    expect(now()).toBe(1_700_000_000_000);
    elapsed += 1_500.5;
    wall -= 2 * 3_600_000; // the PC clock set back 2 h
    expect(now()).toBe(1_700_000_001_500);
    wall += 4 * 3_600_000;
    expect(now()).toBe(1_700_000_001_500);
    expect(Number.isInteger(now())).toBe(true);
  });
});
