// Keeps the shared throttle at the limit the timetable gives for now: set at
// start and at each change of the config, then again when the limit changes
// (a timer at the next edge of a window). It looks again at least once a
// minute, so a PC that slept or had its clock set finds the right limit soon.
import type { OffsetAt } from '../common/local-time.ts';
import { bandwidthAt, type BandwidthNow, type BandwidthWindow } from '../transfer/bandwidth-schedule.ts';
import { calendarClock, type Clock } from '../watch/clock.ts';

const RECHECK_MS = 60_000;

export interface BandwidthSettings {
  /** The limit outside every window (0 = none). */
  maxBytesPerSecond: number;
  schedule: readonly BandwidthWindow[];
}

export interface BandwidthPlanOptions {
  clock?: Clock;
  offsetAt?: OffsetAt;
  /** The limit or the time it next changes moved (for the window's "limited until 18:00"). */
  changed?: (now: BandwidthNow) => void;
}

export class BandwidthPlan {
  readonly #throttle: { setRate(bytesPerSecond: number): void };
  readonly #clock: Clock;
  readonly #options: BandwidthPlanOptions;
  #settings: BandwidthSettings;
  #state: BandwidthNow | undefined;
  #timer: unknown;
  #disposed = false;

  constructor(throttle: { setRate(bytesPerSecond: number): void }, settings: BandwidthSettings, options: BandwidthPlanOptions = {}) {
    this.#throttle = throttle;
    this.#settings = settings;
    this.#options = options;
    this.#clock = options.clock ?? calendarClock;
  }

  /** Sets the limit in force now and follows the timetable from here on. */
  start(): void {
    this.#apply();
  }

  /** New settings (Settings saved, or the config reloaded): applied at once, no restart. */
  reconfigure(settings: BandwidthSettings): void {
    this.#settings = settings;
    this.#apply();
  }

  /** The limit in force and when it changes; before start(), what start() would set. */
  get state(): BandwidthNow {
    return this.#state ?? this.#read();
  }

  dispose(): void {
    this.#disposed = true;
    this.#clock.clearTimeout(this.#timer);
  }

  #read(): BandwidthNow {
    return bandwidthAt(this.#settings.schedule, this.#settings.maxBytesPerSecond, this.#clock.now(), this.#options.offsetAt);
  }

  #apply(): void {
    if (this.#disposed) return;
    this.#clock.clearTimeout(this.#timer);
    const before = this.#state;
    const now = this.#read();
    this.#state = now;
    if (before?.maxBytesPerSecond !== now.maxBytesPerSecond) this.#throttle.setRate(now.maxBytesPerSecond);
    if (before?.maxBytesPerSecond !== now.maxBytesPerSecond || before.until !== now.until || before.scheduled !== now.scheduled)
      this.#options.changed?.(now);
    const wait = now.until === null ? RECHECK_MS : Math.min(RECHECK_MS, Math.max(0, now.until - this.#clock.now()));
    this.#timer = this.#clock.setTimeout(() => this.#apply(), wait);
  }
}
