// The bandwidth timetable with an injected clock and zone: which limit holds
// at a moment and when it next changes, in clinic hours, across midnight,
// across a weekend, and across both daylight-saving changes of Europe/Berlin
// (clocks forward 2026-03-29 02:00 -> 03:00, back 2026-10-25 03:00 -> 02:00).
import { describe, expect, it } from 'vitest';
import { nextMidnight, parseDays, parseTime, zoneOffset } from '../../app/common/local-time.ts';
import { parseConfig } from '../../app/config/load.ts';
import { bandwidthAt, type BandwidthWindow } from '../../app/transfer/bandwidth-schedule.ts';

const berlin = zoneOffset('Europe/Berlin');
const at = (iso: string) => Date.parse(iso);
const iso = (t: number | null) => (t === null ? null : new Date(t).toISOString());
const clinicHours: BandwidthWindow[] = [{ days: 'mon-fri', from: '07:30', to: '18:00', maxBytesPerSecond: 2_000_000 }];

describe('bandwidthAt', () => {
  it('limits during clinic hours until 18:00, then nothing until 07:30 the next working day', () => {
    // Wednesday 2026-06-10, Berlin is UTC+2.
    expect(bandwidthAt(clinicHours, 0, at('2026-06-10T08:00:00Z'), berlin)).toEqual({
      maxBytesPerSecond: 2_000_000,
      until: at('2026-06-10T16:00:00Z'),
      then: 0,
      scheduled: true,
    });
    const evening = bandwidthAt(clinicHours, 0, at('2026-06-10T16:00:00Z'), berlin);
    expect([evening.maxBytesPerSecond, iso(evening.until), evening.then]).toEqual([0, '2026-06-11T05:30:00.000Z', 2_000_000]);
    // Friday evening and all weekend: free until Monday 07:30.
    for (const moment of ['2026-06-12T17:00:00Z', '2026-06-13T12:00:00Z', '2026-06-15T05:29:00Z']) {
      const free = bandwidthAt(clinicHours, 0, at(moment), berlin);
      expect([free.maxBytesPerSecond, iso(free.until), free.scheduled], moment).toEqual([0, '2026-06-15T05:30:00.000Z', false]);
    }
  });

  it('a window that crosses midnight belongs to the day it starts on', () => {
    const nights: BandwidthWindow[] = [{ days: 'fri', from: '22:00', to: '06:00', maxBytesPerSecond: 5 }];
    const utc = () => 0;
    expect(bandwidthAt(nights, 1, at('2026-06-12T23:00:00Z'), utc)).toMatchObject({
      maxBytesPerSecond: 5,
      until: at('2026-06-13T06:00:00Z'),
      then: 1,
    });
    expect(bandwidthAt(nights, 1, at('2026-06-13T03:00:00Z'), utc)).toMatchObject({ maxBytesPerSecond: 5, scheduled: true }); // Saturday morning
    expect(bandwidthAt(nights, 1, at('2026-06-14T03:00:00Z'), utc)).toMatchObject({ maxBytesPerSecond: 1, until: at('2026-06-19T22:00:00Z') }); // Sunday: next Friday
  });

  it('the first window that covers a moment wins; a whole-day window never changes; no schedule is the base limit', () => {
    const overlapping: BandwidthWindow[] = [
      { days: 'daily', from: '12:00', to: '13:00', maxBytesPerSecond: 7 },
      { days: 'daily', from: '00:00', to: '24:00', maxBytesPerSecond: 9 },
    ];
    expect(bandwidthAt(overlapping, 0, at('2026-06-10T12:30:00Z'), () => 0)).toMatchObject({
      maxBytesPerSecond: 7,
      until: at('2026-06-10T13:00:00Z'),
      then: 9,
    });
    expect(bandwidthAt([overlapping[1]!], 0, at('2026-06-10T12:30:00Z'), () => 0)).toEqual({
      maxBytesPerSecond: 9,
      until: null,
      then: 9,
      scheduled: true,
    });
    expect(bandwidthAt([], 3, at('2026-06-10T12:30:00Z'), () => 0)).toEqual({ maxBytesPerSecond: 3, until: null, then: 3, scheduled: false });
  });

  it('clocks going forward: Monday 07:30 after the change is an hour earlier in UTC; a start inside the skipped hour starts when the hour ends', () => {
    const friday = bandwidthAt(clinicHours, 0, at('2026-03-27T18:00:00Z'), berlin);
    expect(iso(friday.until)).toBe('2026-03-30T05:30:00.000Z'); // 07:30 CEST
    const skipped: BandwidthWindow[] = [{ days: 'sun', from: '02:30', to: '04:00', maxBytesPerSecond: 4 }];
    const before = bandwidthAt(skipped, 0, at('2026-03-29T00:10:00Z'), berlin); // 01:10 CET
    expect([iso(before.until), before.then]).toEqual(['2026-03-29T01:00:00.000Z', 4]); // 03:00 CEST: past 02:30 already
    expect(iso(bandwidthAt(skipped, 0, at('2026-03-29T01:00:00Z'), berlin).until)).toBe('2026-03-29T02:00:00.000Z'); // 04:00 CEST
  });

  it('clocks going back: a window inside the repeated hour holds twice', () => {
    const repeated: BandwidthWindow[] = [{ days: 'sun', from: '02:30', to: '02:45', maxBytesPerSecond: 4 }];
    const first = bandwidthAt(repeated, 0, at('2026-10-25T00:00:00Z'), berlin); // 02:00 CEST
    expect([iso(first.until), first.then]).toEqual(['2026-10-25T00:30:00.000Z', 4]);
    expect(iso(bandwidthAt(repeated, 0, at('2026-10-25T00:40:00Z'), berlin).until)).toBe('2026-10-25T00:45:00.000Z');
    const between = bandwidthAt(repeated, 0, at('2026-10-25T00:50:00Z'), berlin); // 02:50 CEST
    expect([between.maxBytesPerSecond, iso(between.until)]).toEqual([0, '2026-10-25T01:30:00.000Z']); // 02:30 CET
  });
});

describe('local time helpers and the config', () => {
  it('next local midnight, on the days the clocks change', () => {
    expect(iso(nextMidnight(at('2026-03-28T11:00:00Z'), berlin))).toBe('2026-03-28T23:00:00.000Z');
    expect(iso(nextMidnight(at('2026-03-29T11:00:00Z'), berlin))).toBe('2026-03-29T22:00:00.000Z');
    expect(iso(nextMidnight(at('2026-10-25T11:00:00Z'), berlin))).toBe('2026-10-25T23:00:00.000Z');
  });

  it('days and times as people write them; anything else refused by the config with the key named', () => {
    expect(parseDays('mon-fri')).toEqual([1, 2, 3, 4, 5]);
    expect(parseDays('Sat, sunday')).toEqual([0, 6]);
    expect(parseDays('fri-mon')).toEqual([0, 1, 5, 6]);
    for (const bad of ['mo', 'mon-xyz', 'mon-tue-wed', '', 'weekdays']) expect(parseDays(bad), bad).toBeUndefined();
    expect([parseTime('07:30'), parseTime('24:00'), parseTime('7:30'), parseTime('24:01')]).toEqual([450, 1440, undefined, undefined]);
    const config = (schedule: unknown) =>
      parseConfig(
        { dataDir: '/d', server: { baseUrl: 'https://x.org', auth: { type: 'user', username: 'u', password: 'p' } }, transfer: { schedule } },
        { baseDir: '/' },
      );
    expect(config(clinicHours).transfer.schedule).toEqual(clinicHours);
    expect(() => config([{ ...clinicHours[0], days: 'weekdays' }])).toThrow(/transfer\.schedule\[0\]\.days: days as "mon-fri"/);
    expect(() => config([{ ...clinicHours[0], from: '7:30' }])).toThrow(/transfer\.schedule\[0\]\.from: a time of day as HH:MM/);
    expect(() => config([{ ...clinicHours[0], to: '07:30' }])).toThrow(/transfer\.schedule\[0\]\.to: from and to are the same time/);
  });
});
