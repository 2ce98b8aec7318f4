// The bandwidth timetable (`transfer.schedule`), as rclone's --bwlimit
// timetable but in windows: a lower limit during clinic hours, none at night
// or at weekends. Pure: given the windows, the limit outside them, an instant
// and the zone's offsets, it answers the limit in force and when it next
// changes, in local time, across midnight and daylight-saving changes. The
// first window that covers a moment wins; outside every window the base
// limit (transfer.maxBytesPerSecond) holds.
import { DAY, instantsOf, MINUTE, offsetChanges, parseDays, parseTime, systemOffset, wallClock, type OffsetAt } from '../common/local-time.ts';

export interface BandwidthWindow {
  /** "mon-fri", "sat,sun", "fri-mon", "daily". */
  days: string;
  /** "07:30" (local time). */
  from: string;
  /** "18:00"; "24:00" is the end of the day; earlier than `from` ends the next day ("22:00" to "06:00"). */
  to: string;
  /** 0 = no limit. */
  maxBytesPerSecond: number;
}

export interface BandwidthNow {
  maxBytesPerSecond: number;
  /** When the limit next changes (epoch ms); null when it never does. */
  until: number | null;
  /** The limit from `until` on. */
  then: number;
  /** Whether a window of the schedule (not the base limit) is in force. */
  scheduled: boolean;
}

/** A week and a day: every weekly schedule changes within it, or never. */
const HORIZON = 8 * DAY;

interface Parsed {
  days: Set<number>;
  from: number;
  to: number;
  limit: number;
}

function parse(schedule: readonly BandwidthWindow[]): Parsed[] {
  return schedule.map((w) => ({
    days: new Set(parseDays(w.days) ?? []),
    from: parseTime(w.from) ?? 0,
    to: parseTime(w.to) ?? 0,
    limit: w.maxBytesPerSecond,
  }));
}

/** The window in force at a local weekday and minute, if any. */
function windowAt(windows: Parsed[], weekday: number, minute: number): Parsed | undefined {
  const yesterday = (weekday + 6) % 7;
  return windows.find((w) =>
    w.to > w.from
      ? w.days.has(weekday) && minute >= w.from && minute < w.to
      : (w.days.has(weekday) && minute >= w.from) || (w.days.has(yesterday) && minute < w.to),
  );
}

/** The limit in force at `at`, and when it next changes. */
export function bandwidthAt(schedule: readonly BandwidthWindow[], base: number, at: number, offsetAt: OffsetAt = systemOffset): BandwidthNow {
  const windows = parse(schedule);
  const limitAt = (t: number) => {
    const { weekday, minute } = wallClock(t, offsetAt);
    const w = windowAt(windows, weekday, minute);
    return { limit: w ? w.limit : base, scheduled: !!w };
  };
  const now = limitAt(at);
  if (windows.length === 0) return { maxBytesPerSecond: base, until: null, then: base, scheduled: false };
  // Where it can change: each window's edges on each day ahead, and the moments the clocks change.
  const transitions = offsetChanges(at, HORIZON, offsetAt);
  const offsets = new Set([offsetAt(at), ...transitions.map(offsetAt)]);
  const today = Math.floor(wallClock(at, offsetAt).wall / DAY) * DAY;
  const candidates = new Set<number>(transitions);
  for (let day = today - DAY; day <= today + HORIZON; day += DAY) {
    for (const w of windows) {
      for (const edge of [w.from, w.to > w.from ? w.to : w.to + 24 * 60]) {
        for (const t of instantsOf(day + edge * MINUTE, offsetAt, offsets)) if (t > at && t <= at + HORIZON) candidates.add(t);
      }
    }
  }
  for (const t of [...candidates].sort((a, b) => a - b)) {
    const next = limitAt(t);
    if (next.limit !== now.limit) return { maxBytesPerSecond: now.limit, until: t, then: next.limit, scheduled: now.scheduled };
  }
  return { maxBytesPerSecond: now.limit, until: null, then: now.limit, scheduled: now.scheduled };
}
