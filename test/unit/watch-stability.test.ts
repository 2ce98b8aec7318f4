// The stability tracker is pure: time comes in with each observation, so a
// plain counter is the fake clock.
import { describe, expect, it } from 'vitest';
import { assess, StabilityTracker } from '../../app/watch/stability.ts';

describe('stability tracker', () => {
  it('is pending until size and mtime held still for the quiet period', () => {
    const t = new StabilityTracker();
    let now = 1_000;
    expect(t.observe('a', { size: 10, mtimeMs: 5, now }, 2_000).verdict).toBe('pending');
    now += 1_999;
    expect(t.observe('a', { size: 10, mtimeMs: 5, now }, 2_000)).toMatchObject({ verdict: 'pending', dueAt: 3_000 });
    now += 1;
    expect(t.observe('a', { size: 10, mtimeMs: 5, now }, 2_000).verdict).toBe('stable');
  });

  it('restarts the quiet period on any change of size or mtime', () => {
    const t = new StabilityTracker();
    t.observe('a', { size: 10, mtimeMs: 5, now: 0 }, 1_000);
    expect(t.observe('a', { size: 10, mtimeMs: 6, now: 900 }, 1_000)).toMatchObject({ verdict: 'changed', dueAt: 1_900 });
    expect(t.observe('a', { size: 10, mtimeMs: 6, now: 1_500 }, 1_000).verdict).toBe('pending');
    expect(t.observe('a', { size: 8, mtimeMs: 6, now: 1_600 }, 1_000).verdict).toBe('changed'); // truncated: also a change
    expect(t.observe('a', { size: 8, mtimeMs: 6, now: 2_600 }, 1_000).verdict).toBe('stable');
  });

  it('with quietSeconds 0 a first sight is stable at once', () => {
    expect(assess(undefined, { size: 1, mtimeMs: 1, now: 7 }, 0).verdict).toBe('stable');
  });

  it('does not count the file mtime as quiet time (server clocks drift)', () => {
    // mtime an hour old, first seen now: still waits the quiet period.
    expect(assess(undefined, { size: 1, mtimeMs: 0, now: 3_600_000 }, 5_000).verdict).toBe('pending');
  });

  it('keeps paths apart and forgets them', () => {
    const t = new StabilityTracker();
    t.observe('a', { size: 1, mtimeMs: 1, now: 0 }, 100);
    t.observe('b', { size: 1, mtimeMs: 1, now: 50 }, 100);
    expect(t.observe('a', { size: 1, mtimeMs: 1, now: 100 }, 100).verdict).toBe('stable');
    expect(t.observe('b', { size: 1, mtimeMs: 1, now: 100 }, 100).verdict).toBe('pending');
    t.forget('a');
    expect(t.size).toBe(1);
    expect(t.observe('a', { size: 1, mtimeMs: 1, now: 200 }, 100).verdict).toBe('pending');
  });
});
