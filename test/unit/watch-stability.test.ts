// Stability is pure: time comes in with each observation, so a plain counter
// is the fake clock. Each test threads one file's track through, as the
// settler keeps it on the file's entry.
import { describe, expect, it } from 'vitest';
import { assess, type Observation, type Track } from '../../app/watch/stability.ts';

/** One file's looks in order, its track carried from each to the next. */
function looks(quietMs: number) {
  let track: Track | undefined;
  return (obs: Observation) => {
    const a = assess(track, obs, quietMs);
    track = a.track;
    return a;
  };
}

describe('stability', () => {
  it('is pending until size and mtime held still for the quiet period', () => {
    const look = looks(2_000);
    let now = 1_000;
    expect(look({ size: 10, mtimeMs: 5, now }).verdict).toBe('pending');
    now += 1_999;
    expect(look({ size: 10, mtimeMs: 5, now })).toMatchObject({ verdict: 'pending', dueAt: 3_000 });
    now += 1;
    expect(look({ size: 10, mtimeMs: 5, now }).verdict).toBe('stable');
  });

  it('restarts the quiet period on any change of size or mtime', () => {
    const look = looks(1_000);
    look({ size: 10, mtimeMs: 5, now: 0 });
    expect(look({ size: 10, mtimeMs: 6, now: 900 })).toMatchObject({ verdict: 'changed', dueAt: 1_900 });
    expect(look({ size: 10, mtimeMs: 6, now: 1_500 }).verdict).toBe('pending');
    expect(look({ size: 8, mtimeMs: 6, now: 1_600 }).verdict).toBe('changed'); // truncated: also a change
    expect(look({ size: 8, mtimeMs: 6, now: 2_600 })).toMatchObject({ verdict: 'stable', track: { size: 8, mtimeMs: 6, stillSince: 1_600 } });
  });

  it('with quietSeconds 0 a first sight is stable at once', () => {
    expect(assess(undefined, { size: 1, mtimeMs: 1, now: 7 }, 0).verdict).toBe('stable');
  });

  it('does not count the file mtime as quiet time (server clocks drift)', () => {
    // mtime an hour old, first seen now: still waits the quiet period.
    expect(assess(undefined, { size: 1, mtimeMs: 0, now: 3_600_000 }, 5_000).verdict).toBe('pending');
  });
});
