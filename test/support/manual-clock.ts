// A clock for tests that moves only when told. Timers run on their own
// monotonic time, as Node's do: advance() moves both and fires what falls
// due, in order; jump() moves only the wall clock, as a PC waking from sleep
// (or a clock set by hand) does, and fires nothing by itself.
import type { Clock } from '../../app/watch/clock.ts';

export interface ManualClock extends Clock {
  /** Moves time forward, firing every timer that falls due (and those they set, if due). */
  advance(ms: number): void;
  /** Sets the wall clock to `at` without running any timer. */
  jump(at: number): void;
  /** Timers waiting. */
  pending(): number;
}

export function manualClock(start: number): ManualClock {
  let mono = 0;
  let wallMinusMono = start;
  let seq = 0;
  const timers = new Map<number, { due: number; fn: () => void }>();
  return {
    now: () => mono + wallMinusMono,
    setTimeout(fn, ms) {
      timers.set(++seq, { due: mono + Math.max(0, ms), fn });
      return seq;
    },
    clearTimeout: (handle) => void timers.delete(handle as number),
    advance(ms) {
      const end = mono + ms;
      for (;;) {
        const next = [...timers.entries()].filter(([, t]) => t.due <= end).sort((a, b) => a[1].due - b[1].due || a[0] - b[0])[0];
        if (!next) break;
        timers.delete(next[0]);
        mono = Math.max(mono, next[1].due);
        next[1].fn();
      }
      mono = end;
    },
    jump(at) {
      wallMinusMono = at - mono;
    },
    pending: () => timers.size,
  };
}
