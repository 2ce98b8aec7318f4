// What holds uploads back on purpose, in one place for the engine: the
// bandwidth timetable on the shared throttle (bandwidth-plan.ts) and a timed
// pause (timed-pause.ts). A timed pause is Pause all plus no new claims, so
// an export arriving meanwhile waits too; at its end (or on Resume all) the
// rows resume and claims go on, but for those a person paused (one by one, or
// with Pause all during it: they wait for that person's Resume). The window and the tray hear of every change.
import type { Limits, PauseFor } from '../api.ts';
import { errorFacts } from '../common/error-facts.ts';
import type { OffsetAt } from '../common/local-time.ts';
import type { Logger } from '../common/logger.ts';
import type { Config } from '../config/schema.ts';
import type { Throttle } from '../transfer/throttle.ts';
import type { Clock } from '../watch/clock.ts';
import { BandwidthPlan } from './bandwidth-plan.ts';
import { TimedPause } from './timed-pause.ts';

export interface UploadLimitsDeps {
  dataDir: string;
  throttle: Throttle;
  transfer: Config['transfer'];
  /** Its holdClaims: claims stop (true) or go on (false). */
  scheduler: { holdClaims(on: boolean): void };
  /** The engine's Pause all (the engine is built after this, hence a function). */
  rows: () => { pause(target: { all: true }): Promise<number> };
  /** The rows a person paused (kept paused at the end), and the end's resume of the others. */
  store: { pausedIds(): number[]; resumeAll(keep?: readonly number[]): number };
  /** Where a pause or resume of the rows that failed (the queue could not be written) is said: not thrown from a timer. */
  log: Logger;
  /** Where the window and the tray hear of a change (a 'limits' event; 'changed' when rows resumed). */
  events: { emit(event: { type: 'limits'; at: number; limits: Limits } | { type: 'changed'; at: number; fileIds: number[] }): void };
  now: () => number;
  /** Tests: a clock and a zone of their own. */
  clock?: Clock | undefined;
  offsetAt?: OffsetAt | undefined;
}

export class UploadLimits {
  readonly #plan: BandwidthPlan;
  readonly #pause: TimedPause;
  readonly #pausedIds: () => number[];
  #started = false;
  #beginning = false;
  #pausing: Promise<number> = Promise.resolve(0);

  constructor(deps: UploadLimitsDeps) {
    const tell = () => {
      if (this.#started) deps.events.emit({ type: 'limits', at: deps.now(), limits: this.state });
    };
    this.#pausedIds = () => deps.store.pausedIds();
    const failed = (error: unknown) => deps.log.log('error', 'timed-pause-failed', errorFacts(error, 'limits'));
    const clock = deps.clock && { clock: deps.clock };
    const zone = deps.offsetAt && { offsetAt: deps.offsetAt };
    this.#plan = new BandwidthPlan(deps.throttle, deps.transfer, { ...clock, ...zone, changed: tell });
    this.#pause = new TimedPause({
      dataDir: deps.dataDir,
      ...clock,
      ...zone,
      begin: () => {
        deps.scheduler.holdClaims(true);
        // Its own Pause all, not a person's: keepPaused ignores it (the engine tells it synchronously).
        this.#beginning = true;
        try {
          this.#pausing = deps.rows().pause({ all: true });
        } finally {
          this.#beginning = false;
        }
        this.#pausing.catch(failed);
      },
      end: (keep) => {
        try {
          if (keep !== 'all' && deps.store.resumeAll(keep) > 0) deps.events.emit({ type: 'changed', at: deps.now(), fileIds: [] });
        } catch (error) {
          failed(error);
        }
        deps.scheduler.holdClaims(false);
      },
      failed,
      changed: tell,
    });
  }

  /** Sets the limit in force and takes up a timed pause kept from before a restart. */
  start(): void {
    this.#plan.start();
    this.#pause.restore();
    this.#started = true;
  }

  get state(): Limits {
    return { bandwidth: this.#plan.state, pausedUntil: this.#pause.until };
  }

  /** Pauses every upload for an hour or until midnight; answers how many rows it paused. */
  pauseFor(choice: PauseFor): Promise<number> {
    this.#pause.pause(choice, this.#pausedIds());
    return this.#pausing;
  }

  /** A person paused one row, or all: a timed pause in force leaves them paused when it ends. */
  keepPaused(target: { fileId: number } | { all: true }): void {
    if (this.#beginning) return;
    if ('all' in target) this.#pause.keepAll();
    else this.#pause.keep(target.fileId);
  }

  /** Resume all: a timed pause ends now. */
  endPause(): void {
    this.#pause.clear();
  }

  /** New transfer settings: the timetable and limit apply at once. */
  reconfigure(transfer: Config['transfer']): void {
    this.#plan.reconfigure(transfer);
  }

  dispose(): void {
    this.#plan.dispose();
    this.#pause.dispose();
  }
}
