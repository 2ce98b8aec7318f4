// What holds uploads back on purpose, in one place for the engine: the
// bandwidth timetable on the shared throttle (bandwidth-plan.ts) and a timed
// pause (timed-pause.ts). A timed pause is Pause all plus no new claims, so
// an export arriving meanwhile waits too; at its end (or on Resume all) the
// rows resume and claims go on. The window and the tray hear of every change.
import type { Limits, PauseFor } from '../api.ts';
import type { OffsetAt } from '../common/local-time.ts';
import type { Config } from '../config/schema.ts';
import type { Throttle } from '../transfer/throttle.ts';
import type { Clock } from '../watch/clock.ts';
import { BandwidthPlan } from './bandwidth-plan.ts';
import { TimedPause } from './timed-pause.ts';

export interface UploadLimitsDeps {
  dataDir: string;
  throttle: Throttle;
  transfer: Config['transfer'];
  /** Claims stop (true) or go on (false); rows already claimed are the pause's own business. */
  holdClaims(on: boolean): void;
  /** Every row paused and its transfer stopped (Pause all); answers how many. */
  pauseRows(): Promise<number>;
  /** Every paused row queued again (Resume all). */
  resumeRows(): Promise<unknown>;
  /** A pause or resume of the rows that failed (the queue could not be written): said, not thrown from a timer. */
  failed(error: unknown): void;
  changed(limits: Limits): void;
  /** Tests: a clock and a zone of their own. */
  clock?: Clock | undefined;
  offsetAt?: OffsetAt | undefined;
}

export class UploadLimits {
  readonly #plan: BandwidthPlan;
  readonly #pause: TimedPause;
  #started = false;
  #pausing: Promise<number> = Promise.resolve(0);

  constructor(deps: UploadLimitsDeps) {
    const tell = () => {
      if (this.#started) deps.changed(this.state);
    };
    const clock = deps.clock && { clock: deps.clock };
    const zone = deps.offsetAt && { offsetAt: deps.offsetAt };
    this.#plan = new BandwidthPlan(deps.throttle, deps.transfer, { ...clock, ...zone, changed: tell });
    this.#pause = new TimedPause({
      dataDir: deps.dataDir,
      ...clock,
      ...zone,
      begin: () => {
        deps.holdClaims(true);
        this.#pausing = deps.pauseRows();
        this.#pausing.catch(deps.failed);
      },
      end: () => {
        deps.resumeRows().catch(deps.failed);
        deps.holdClaims(false);
      },
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
    this.#pause.pause(choice);
    return this.#pausing;
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
