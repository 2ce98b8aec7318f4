// "Pause for 1 hour" and "Pause until tomorrow" (as OneDrive offers): every
// upload stops now and everything goes on by itself at the time. The time is
// kept in the data folder (paused-until.json), so a restart meanwhile, or a
// crash, keeps the pause and still ends it on time. Resume all ends it early.
// Rows a person paused one by one (before or during it) are kept in the same
// file and stay paused when it ends, and after a Pause all pressed during it
// every paused row does: only a person's Resume sends them.
import { readFileSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { nextMidnight, systemOffset, type OffsetAt } from '../common/local-time.ts';
import { writeConfigFile } from '../config/save.ts';
import { calendarClock, type Clock } from '../watch/clock.ts';

export type PauseChoice = 'hour' | 'tomorrow';
/** The paused rows a pause's end leaves paused: those a person paused, or all of them after a person's Pause all. */
export type Kept = readonly number[] | 'all';

export const PAUSE_FILE = 'paused-until.json';
const HOUR = 60 * 60_000;
/** Timers are armed at most this far ahead, then armed again: a sleep or a clock change is caught within it. */
const RECHECK_MS = 60_000;

export interface TimedPauseDeps {
  dataDir: string;
  /** Stops everything (pause all, and no new claims) while the pause lasts. */
  begin(): void;
  /** Lets everything go on (resume all but `keep`, claims again); `keep` undefined: a file from before it was kept, resume all. */
  end(keep: Kept | undefined): void;
  /** The pause file could not be removed at the end (a data folder turned read-only): the pause ends all the same. */
  failed?: (error: unknown) => void;
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
  #keep: Kept | undefined;
  #timer: unknown;

  constructor(deps: TimedPauseDeps) {
    this.#deps = deps;
    this.#clock = deps.clock ?? calendarClock;
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
    const saved = readPauseFile(this.#deps.dataDir);
    if (saved === null) return;
    this.#keep = saved.keep;
    if (saved.until > this.#clock.now()) this.#hold(saved.until);
    else this.#release();
  }

  /** Pauses every upload until an hour from now, or the next local midnight, but for the rows in `keep` (paused by a person); answers the end. */
  pause(choice: PauseChoice, keep: readonly number[] = []): number {
    const now = this.#clock.now();
    const until = choice === 'hour' ? now + HOUR : nextMidnight(now, this.#deps.offsetAt ?? systemOffset);
    // Paused again while paused: every row is paused by now, so `keep` would name them all; the list kept stands.
    if (this.#until === null) this.#keep = [...keep];
    // On disk before anything stops: a crash right after still ends the pause on time.
    this.#save(until);
    this.#hold(until);
    return until;
  }

  /** A person paused this row while the pause lasts: it stays paused when the pause ends. */
  keep(fileId: number): void {
    if (this.#until === null || this.#keep === 'all' || this.#keep?.includes(fileId)) return;
    this.#keep = [...(this.#keep ?? []), fileId];
    this.#save(this.#until);
  }

  /** A person pressed Pause all while the pause lasts: every paused row stays paused when it ends. */
  keepAll(): void {
    if (this.#until === null || this.#keep === 'all') return;
    this.#keep = 'all';
    this.#save(this.#until);
  }

  /** Ends the pause now (Resume all). Nothing when not paused. */
  clear(): void {
    if (this.#until !== null) this.#release();
  }

  dispose(): void {
    this.#clock.clearTimeout(this.#timer);
  }

  #save(until: number): void {
    writeConfigFile(this.#file, { until, untilLocal: new Date(until).toString(), keep: this.#keep ?? [] });
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
    // A folder that cannot be written must not keep everything paused (nor throw from a timer:
    // that ends the engine): it ends here; the next start finds its time passed and ends it again.
    try {
      rmSync(this.#file, { force: true });
    } catch (error) {
      this.#deps.failed?.(error);
    }
    const keep = this.#keep;
    this.#until = null;
    this.#keep = undefined;
    this.#deps.end(keep);
    this.#deps.changed?.(null);
  }
}

/** The saved end of a timed pause in a data folder (`status` reads it too); null when there is none or the file is not one of ours. */
export function readPausedUntil(dataDir: string): number | null {
  return readPauseFile(dataDir)?.until ?? null;
}

/** The saved pause: its end, and the rows a person paused (undefined in a file written before they were kept). */
function readPauseFile(dataDir: string): { until: number; keep: Kept | undefined } | null {
  try {
    const saved = JSON.parse(readFileSync(join(dataDir, PAUSE_FILE), 'utf8')) as { until?: unknown; keep?: unknown };
    if (typeof saved.until !== 'number' || !Number.isFinite(saved.until)) return null;
    const keep = saved.keep === 'all' ? 'all' : Array.isArray(saved.keep) ? saved.keep.filter((id): id is number => Number.isInteger(id)) : undefined;
    return { until: saved.until, keep };
  } catch {
    return null;
  }
}
