// "Pause for 1 hour" and "Pause until tomorrow" with a clock the test moves and
// a real data folder: it ends by itself on time, survives a restart (a new
// TimedPause on the same folder), resumes at start when its time passed while
// the uploader was off, ends early on Resume all, and notices a sleep.
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { execFileSync } from 'node:child_process';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { zoneOffset } from '../../app/common/local-time.ts';
import { PAUSE_FILE, TimedPause } from '../../app/engine/timed-pause.ts';
import { manualClock, type ManualClock } from '../support/manual-clock.ts';

const MIN = 60_000;
let dataDir: string;
beforeEach(() => void (dataDir = mkdtempSync(join(tmpdir(), 'du-pause-'))));
afterEach(() => rmSync(dataDir, { recursive: true, force: true }));

/** A TimedPause whose begin/end are recorded, as the engine's pause all / resume all would be. */
function paused(clock: ManualClock) {
  const calls: string[] = [];
  const pause = new TimedPause({
    dataDir,
    clock,
    offsetAt: zoneOffset('Europe/Berlin'),
    begin: () => calls.push('begin'),
    end: (keep) =>
      calls.push(
        keep === undefined ? 'end (resume all)' : keep === 'all' ? 'end (keep all)' : keep.length > 0 ? `end (keep ${keep.join(',')})` : 'end',
      ),
    changed: (until) => calls.push(until === null ? 'changed: none' : `changed: ${new Date(until).toISOString()}`),
  });
  return { pause, calls };
}

describe('TimedPause', () => {
  it('"for 1 hour" stops now and goes on by itself an hour later, its time kept in the data folder until then', () => {
    const clock = manualClock(Date.parse('2026-06-10T08:00:00Z'));
    const { pause, calls } = paused(clock);
    expect(new Date(pause.pause('hour')).toISOString()).toBe('2026-06-10T09:00:00.000Z');
    expect(calls).toEqual(['begin', 'changed: 2026-06-10T09:00:00.000Z']);
    expect(JSON.parse(readFileSync(join(dataDir, PAUSE_FILE), 'utf8'))).toMatchObject({ until: Date.parse('2026-06-10T09:00:00Z') });
    clock.advance(59 * MIN);
    expect(calls).toHaveLength(2);
    clock.advance(MIN);
    expect(calls.slice(2)).toEqual(['end', 'changed: none']);
    expect(pause.until).toBeNull();
    expect(existsSync(join(dataDir, PAUSE_FILE))).toBe(false);
    expect(clock.pending()).toBe(0);
  });

  it('"until tomorrow" ends at the next local midnight', () => {
    const clock = manualClock(Date.parse('2026-06-10T14:30:00Z')); // 16:30 in Berlin
    const { pause } = paused(clock);
    expect(new Date(pause.pause('tomorrow')).toISOString()).toBe('2026-06-10T22:00:00.000Z');
  });

  it('survives a restart, and a pause whose time passed while the uploader was off ends at the next start', () => {
    const clock = manualClock(Date.parse('2026-06-10T08:00:00Z'));
    const first = paused(clock);
    first.pause.pause('hour');
    first.pause.dispose(); // the process ends
    clock.advance(30 * MIN);
    const second = paused(clock);
    second.pause.restore();
    expect(second.calls).toEqual(['begin', 'changed: 2026-06-10T09:00:00.000Z']);
    second.pause.dispose();
    clock.jump(Date.parse('2026-06-10T12:00:00Z')); // off until after its end
    const third = paused(clock);
    third.pause.restore();
    expect(third.calls).toEqual(['end', 'changed: none']);
    expect(existsSync(join(dataDir, PAUSE_FILE))).toBe(false);
    const fourth = paused(clock);
    fourth.pause.restore();
    expect(fourth.calls).toEqual([]);
  });

  it('Resume all ends it early; a sleep past its end is noticed within a minute of waking', () => {
    const clock = manualClock(Date.parse('2026-06-10T08:00:00Z'));
    const early = paused(clock);
    early.pause.pause('hour');
    early.pause.clear();
    early.pause.clear();
    expect(early.calls).toEqual(['begin', 'changed: 2026-06-10T09:00:00.000Z', 'end', 'changed: none']);
    const asleep = paused(clock);
    asleep.pause.pause('tomorrow');
    clock.jump(Date.parse('2026-06-11T07:00:00Z'));
    clock.advance(MIN);
    expect(asleep.calls.at(-2)).toBe('end');
  });

  it('keeps the rows a person paused (before it and during it) paused at its end, across a restart; a file without the list resumes all', () => {
    const clock = manualClock(Date.parse('2026-06-10T08:00:00Z'));
    const first = paused(clock);
    first.pause.pause('hour', [3]);
    first.pause.keep(7);
    first.pause.pause('hour', [1, 2, 3, 7, 9]); // again while paused: every row is paused now, the list stands
    first.pause.dispose();
    const second = paused(clock);
    second.pause.restore();
    clock.advance(60 * MIN);
    expect(second.calls.at(-2)).toBe('end (keep 3,7)');
    writeFileSync(join(dataDir, PAUSE_FILE), JSON.stringify({ until: clock.now() - 1 }));
    const third = paused(clock);
    third.pause.restore();
    expect(third.calls[0]).toBe('end (resume all)');
    const fourth = paused(clock);
    fourth.pause.pause('hour', [3]);
    fourth.pause.keepAll(); // a person's Pause all during it
    fourth.pause.keep(8);
    fourth.pause.dispose();
    const fifth = paused(clock);
    fifth.pause.restore();
    clock.advance(60 * MIN);
    expect(fifth.calls.at(-2)).toBe('end (keep all)');
  });

  it.skipIf(!canMount())(
    'ends on time in a data folder that turned read-only, and a later start goes on there (skipped: bind mounts need root)',
    () => {
      const clock = manualClock(Date.parse('2026-06-10T08:00:00Z'));
      const first = paused(clock);
      first.pause.pause('hour');
      readOnly(dataDir);
      try {
        clock.advance(60 * MIN); // the timer that ends it must not throw (in the engine: a crash)
        expect(first.calls.slice(-2)).toEqual(['end', 'changed: none']);
        expect(first.pause.until).toBeNull();
        const next = paused(clock);
        next.pause.restore(); // the file could not go: the next start ends it again, without throwing
        expect(next.calls).toEqual(['end', 'changed: none']);
      } finally {
        execFileSync('umount', [dataDir]);
      }
    },
  );
});

function canMount(): boolean {
  return process.getuid?.() === 0;
}

/** Makes `dir` read-only where it is (a bind mount over itself), as a share or a failing disk turns. */
function readOnly(dir: string): void {
  execFileSync('mount', ['--bind', dir, dir]);
  execFileSync('mount', ['-o', 'remount,bind,ro', dir, dir]);
}
