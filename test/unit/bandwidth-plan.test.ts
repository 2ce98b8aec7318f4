// The timetable applied to the real shared throttle, with a clock the test
// moves: the limit changes at the window's edge without a restart, a new
// timetable applies at once, and a PC waking from sleep finds the right limit.
import { describe, expect, it } from 'vitest';
import { zoneOffset } from '../../app/common/local-time.ts';
import { BandwidthPlan } from '../../app/engine/bandwidth-plan.ts';
import type { BandwidthNow } from '../../app/transfer/bandwidth-schedule.ts';
import { Throttle } from '../../app/transfer/throttle.ts';
import { manualClock } from '../support/manual-clock.ts';

const berlin = zoneOffset('Europe/Berlin');
const clinicHours = [{ days: 'mon-fri', from: '07:30', to: '18:00', maxBytesPerSecond: 2_000_000 }];
const MIN = 60_000;

describe('BandwidthPlan', () => {
  it('sets the limit at start and lifts it at 18:00, saying until when', () => {
    const clock = manualClock(Date.parse('2026-06-10T15:58:00Z')); // Wednesday 17:58 in Berlin
    const throttle = new Throttle();
    const seen: BandwidthNow[] = [];
    const plan = new BandwidthPlan(
      throttle,
      { maxBytesPerSecond: 0, schedule: clinicHours },
      { clock, offsetAt: berlin, changed: (s) => seen.push(s) },
    );
    plan.start();
    expect(throttle.rate).toBe(2_000_000);
    expect(plan.state.until).toBe(Date.parse('2026-06-10T16:00:00Z'));
    clock.advance(MIN);
    expect(throttle.rate).toBe(2_000_000);
    clock.advance(MIN);
    expect(throttle.rate).toBe(0);
    expect(seen.map((s) => [s.maxBytesPerSecond, new Date(s.until!).toISOString()])).toEqual([
      [2_000_000, '2026-06-10T16:00:00.000Z'],
      [0, '2026-06-11T05:30:00.000Z'],
    ]);
    plan.dispose();
    expect(clock.pending()).toBe(0);
  });

  it('a new timetable or base limit applies at once, without a restart', () => {
    const clock = manualClock(Date.parse('2026-06-13T10:00:00Z')); // Saturday
    const throttle = new Throttle();
    const plan = new BandwidthPlan(throttle, { maxBytesPerSecond: 0, schedule: clinicHours }, { clock, offsetAt: berlin });
    plan.start();
    expect(throttle.rate).toBe(0);
    plan.reconfigure({
      maxBytesPerSecond: 500_000,
      schedule: [...clinicHours, { days: 'sat,sun', from: '00:00', to: '24:00', maxBytesPerSecond: 9_000_000 }],
    });
    expect(throttle.rate).toBe(9_000_000);
    plan.reconfigure({ maxBytesPerSecond: 500_000, schedule: [] });
    expect([throttle.rate, plan.state.until]).toEqual([500_000, null]);
    plan.dispose();
  });

  it('after a sleep across the weekend, the limit of the moment it wakes holds within a minute', () => {
    const clock = manualClock(Date.parse('2026-06-13T08:00:00Z')); // Saturday 10:00: free until Monday 07:30
    const throttle = new Throttle();
    const plan = new BandwidthPlan(throttle, { maxBytesPerSecond: 0, schedule: clinicHours }, { clock, offsetAt: berlin });
    plan.start();
    expect(throttle.rate).toBe(0);
    // Asleep until Monday 08:00: timers count no time while the PC sleeps, so Monday 07:30's edge never fires.
    clock.jump(Date.parse('2026-06-15T06:00:00Z'));
    clock.advance(MIN);
    expect(throttle.rate).toBe(2_000_000);
    expect(plan.state.until).toBe(Date.parse('2026-06-15T16:00:00Z'));
    plan.dispose();
  });
});
