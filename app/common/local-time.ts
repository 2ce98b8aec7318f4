// The PC's local time (what a clinic means by "mon-fri", "07:30" or "tomorrow") from
// an instant, and back, through an offset function rather than Date's local
// getters, so tests can give any time zone (Intl's data) and daylight-saving
// changes are handled the same way in both. Days go Sunday 0 to Saturday 6.

/** Minutes east of UTC in force at an instant. */
export type OffsetAt = (instant: number) => number;

export const MINUTE = 60_000;
export const DAY = 24 * 60 * MINUTE;

/** This machine's zone, as Date knows it (TZ on Linux and macOS, the system setting on Windows). */
export const systemOffset: OffsetAt = (instant) => -new Date(instant).getTimezoneOffset();

/** A named IANA zone, from Intl's data (tests; a config naming a zone). */
export function zoneOffset(timeZone: string): OffsetAt {
  const format = new Intl.DateTimeFormat('en-US', {
    timeZone,
    hourCycle: 'h23',
    year: 'numeric',
    month: 'numeric',
    day: 'numeric',
    hour: 'numeric',
    minute: 'numeric',
  });
  return (instant) => {
    const p = Object.fromEntries(format.formatToParts(instant).map((x) => [x.type, Number(x.value)]));
    const wall = Date.UTC(p.year!, p.month! - 1, p.day!, p.hour!, p.minute!);
    return Math.round((wall - Math.floor(instant / MINUTE) * MINUTE) / MINUTE);
  };
}

export interface WallClock {
  /** The local wall time as if it were UTC milliseconds (so whole-day arithmetic needs no zone). */
  wall: number;
  /** 0 Sunday ... 6 Saturday. */
  weekday: number;
  /** Minutes since local midnight. */
  minute: number;
}

export function wallClock(instant: number, offsetAt: OffsetAt): WallClock {
  const wall = instant + offsetAt(instant) * MINUTE;
  const day = Math.floor(wall / DAY);
  // 1970-01-01 was a Thursday.
  return { wall, weekday: (((day + 4) % 7) + 7) % 7, minute: Math.floor((wall - day * DAY) / MINUTE) };
}

/**
 * The instants at which the wall clock reads `wall`: usually one; two in the
 * hour repeated when clocks go back; none in the hour skipped when they go
 * forward (then the first instant after the gap). `offsets` are the offsets
 * that may be in force around it.
 */
export function instantsOf(wall: number, offsetAt: OffsetAt, offsets: Iterable<number>): number[] {
  const found = new Set<number>();
  for (const o of offsets) {
    const t = wall - o * MINUTE;
    if (wallClock(t, offsetAt).wall === wall) found.add(t);
  }
  if (found.size === 0) {
    // In a gap: where the guess from the later offset lands, just after the jump.
    const guess = wall - offsetAt(wall - offsetAt(wall) * MINUTE) * MINUTE;
    found.add(guess);
  }
  return [...found].sort((a, b) => a - b);
}

/** The instants in (from, from + span] where the offset changes (daylight saving), to the minute. */
export function offsetChanges(from: number, span: number, offsetAt: OffsetAt): number[] {
  const changes: number[] = [];
  const HOUR = 60 * MINUTE;
  // Zones change on whole minutes: search on them.
  const start = Math.floor(from / MINUTE) * MINUTE;
  const end = start + Math.ceil(span / MINUTE) * MINUTE;
  for (let t = start; t < end; t += HOUR) {
    const next = Math.min(t + HOUR, end);
    if (offsetAt(t) === offsetAt(next)) continue;
    let lo = t;
    let hi = next;
    while (hi - lo > MINUTE) {
      const mid = lo + Math.floor((hi - lo) / 2 / MINUTE) * MINUTE;
      if (offsetAt(mid) === offsetAt(t)) lo = mid;
      else hi = mid;
    }
    changes.push(hi);
  }
  return changes;
}

/** The next local midnight after `instant` ("until tomorrow"). */
export function nextMidnight(instant: number, offsetAt: OffsetAt): number {
  const { wall } = wallClock(instant, offsetAt);
  const midnight = (Math.floor(wall / DAY) + 1) * DAY;
  const offsets = new Set([offsetAt(instant), ...offsetChanges(instant, 2 * DAY, offsetAt).map(offsetAt)]);
  return instantsOf(midnight, offsetAt, offsets).find((t) => t > instant) ?? instant + DAY;
}

const DAY_NAMES = ['sunday', 'monday', 'tuesday', 'wednesday', 'thursday', 'friday', 'saturday'];

/** "mon", "Monday" -> 1 (three letters at least); undefined for anything else. */
function dayIndex(word: string): number | undefined {
  const w = word.trim().toLowerCase();
  const i = w.length >= 3 ? DAY_NAMES.findIndex((name) => name.startsWith(w)) : -1;
  return i < 0 ? undefined : i;
}

/** "mon-fri" -> [1, 2, 3, 4, 5], "fri-mon" wraps round the weekend; undefined when it is not a list of days and ranges. */
export function parseDays(text: string): number[] | undefined {
  const spec = text.trim().toLowerCase();
  if (spec === 'daily' || spec === '*') return [0, 1, 2, 3, 4, 5, 6];
  const days = new Set<number>();
  for (const part of spec.split(',')) {
    const ends = part.split('-').map(dayIndex);
    if (ends.length > 2 || ends.includes(undefined)) return undefined;
    const first = ends[0]!;
    const last = ends[1] ?? first;
    for (let d = first; ; d = (d + 1) % 7) {
      days.add(d);
      if (d === last) break;
    }
  }
  return [...days].sort((a, b) => a - b);
}

/** "07:30" -> 450 minutes; "24:00" -> 1440; undefined when not HH:MM. */
export function parseTime(text: string): number | undefined {
  const m = /^([01]\d|2[0-4]):([0-5]\d)$/.exec(text.trim());
  if (!m) return undefined;
  const minutes = Number(m[1]) * 60 + Number(m[2]);
  return minutes <= 24 * 60 ? minutes : undefined;
}
