// The timetable and the timed pause are about times of day and dates, so
// with no clock given they read the PC's calendar (Date.now), not the
// monotonic clock the watcher and retries use for durations: a plan read on
// the monotonic clock lands in 1970 ("no limit until Thu 15:27"), and a
// pause saved on disk would never end after a restart.
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, expect, it } from 'vitest';
import { BandwidthPlan } from '../../app/engine/bandwidth-plan.ts';
import { PAUSE_FILE, TimedPause } from '../../app/engine/timed-pause.ts';

const MIN = 60_000;
const utc = () => 0;
const hhmm = (at: number) => new Date(at).toISOString().slice(11, 16);
const dirs: string[] = [];
afterEach(() => dirs.splice(0).forEach((d) => rmSync(d, { recursive: true, force: true })));

it('the timetable, with no clock given, is in force now and ends at the window end today', () => {
  const end = Math.ceil((Date.now() + 90 * MIN) / MIN) * MIN;
  const schedule = [{ days: 'daily', from: hhmm(Date.now() - 60 * MIN), to: hhmm(end), maxBytesPerSecond: 2_000_000 }];
  const plan = new BandwidthPlan({ setRate: () => {} }, { maxBytesPerSecond: 0, schedule }, { offsetAt: utc });
  expect(plan.state.maxBytesPerSecond).toBe(2_000_000);
  // Across midnight UTC the window's end is tomorrow; either way within a day of now.
  expect(plan.state.until! - Date.now()).toBeGreaterThan(0);
  expect(plan.state.until! - Date.now()).toBeLessThanOrEqual(24 * 60 * MIN);
  plan.dispose();
});

it('a pause kept on disk, with no clock given, ends at a restart after its time and holds before it', () => {
  const dataDir = mkdtempSync(join(tmpdir(), 'du-calendar-'));
  dirs.push(dataDir);
  const run = (until: number) => {
    writeFileSync(join(dataDir, PAUSE_FILE), JSON.stringify({ until }));
    const seen: string[] = [];
    const pause = new TimedPause({ dataDir, begin: () => seen.push('begin'), end: () => seen.push('end') });
    pause.restore();
    const held = pause.until;
    pause.clear();
    return { seen, held };
  };
  expect(run(Date.now() - MIN).seen[0]).toBe('end');
  const later = Date.now() + 30 * MIN;
  expect(run(later)).toMatchObject({ seen: ['begin', 'end'], held: later });
});
