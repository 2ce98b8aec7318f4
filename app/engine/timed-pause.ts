// "Pause for 1 hour" and "Pause until tomorrow" (as OneDrive offers): every
// upload stops now and everything goes on by itself at the time. The time is
// kept in the data folder (paused-until.json), so a restart meanwhile, or a
// crash, keeps the pause and still ends it on time. Resume all ends it early.
import { readFileSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { nextMidnight, systemOffset, type OffsetAt } from '../common/local-time.ts';
import { writeConfigFile } from '../config/save.ts';
import { realClock, type Clock } from '../watch/clock.ts';

export type PauseChoice = 'hour' | 'tomorrow';

export const PAUSE_FILE = 'paused-until.json';
const HOUR = 60 * 60_000;
/** Timers are armed at most this far ahead, then armed again: a sleep or a clock change is caught within it. */
const RECHECK_MS = 60_000;

export interface TimedPauseDeps {
  dataDir: string;
  /** Stops everything (pause all, and no new claims) while the pause lasts. */
  begin(): void;
  /** Lets everything go on (resume all, claims again). */
  end(): void;
  /** The pause began, moved or ended (null). */
  changed?: (until: number | null) => void;
  clock?: Clock;
  offsetAt?: OffsetAt;
}

export class TimedPause {
  readonly #deps: TimedPauseDeps;
  readonly #clock: Clock;
  readonly #file: string;
  #until: number | null = null;
  #timer: unknown;

  constructor(deps: TimedPauseDeps) {
    this.#deps = deps;
    this.#clock = deps.clock ?? realClock;
    this.#file = join(deps.dataDir, PAUSE_FILE);
  }

  /** When the pause ends (epoch ms); null when not paused. */
  get until(): number | null {
    return this.#until;
  }

  /**
   * At start-up: a pause kept from before goes on until its time; one whose
   * time passed while the uploader was off ends now (its rows resume).
   */
  restore(): void {
    const saved = readPausedUntil(this.#deps.dataDir);
    if (saved === null) return;
    if (saved > this.#clock.now()) this.#hold(saved);
    else this.#release();
  }

  /** Pauses every upload until an hour from now, or the next local midnight; answers the end. */
  pause(choice: PauseChoice): number {
    const now = this.#clock.now();
    const until = choice === 'hour' ? now + HOUR : nextMidnight(now, this.#deps.offsetAt ?? systemOffset);
    // On disk before anything stops: a crash right after still ends the pause on time.
    writeConfigFile(this.#file, { until, untilLocal: new Date(until).toString() });
    this.#hold(until);
    return until;
  }

  /** Ends the pause now (Resume all). Nothing when not paused. */
  clear(): void {
    if (this.#until !== null) this.#release();
  }

  dispose(): void {
    this.#clock.clearTimeout(this.#timer);
  }

  #hold(until: number): void {
    this.#until = until;
    this.#deps.begin();
    this.#deps.changed?.(until);
    this.#arm();
  }

  #arm(): void {
    this.#clock.clearTimeout(this.#timer);
    const left = (this.#until ?? 0) - this.#clock.now();
    if (left <= 0) return this.#release();
    this.#timer = this.#clock.setTimeout(() => this.#arm(), Math.min(left, RECHECK_MS));
  }

  #release(): void {
    this.#clock.clearTimeout(this.#timer);
    // Off the disk first: a crash between the two must not pause everything again at the next start.
    rmSync(this.#file, { force: true });
    this.#until = null;
    this.#deps.end();
    this.#deps.changed?.(null);
  }
}

/** The saved end of a timed pause in a data folder (`status` reads it too); null when there is none or the file is not one of ours. */
export function readPausedUntil(dataDir: string): number | null {
  try {
    const until = (JSON.parse(readFileSync(join(dataDir, PAUSE_FILE), 'utf8')) as { until?: unknown }).until;
    return typeof until === 'number' && Number.isFinite(until) ? until : null;
  } catch {
    return null;
  }
}
