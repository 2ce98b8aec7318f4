// Claims due rows up to the connections they take (lanes.ts), tracks each one's run
// (file-job.ts) and hands its outcome to the outcome policy
// (outcome-policy.ts), which writes it back as one state transition. Commands
// from people (pause, cancel) move the row first and then abort its run with a
// StopRequest, so a transfer's late outcome never overrides a person.
import type { FileRow } from '../store/types.ts';
import { StopRequest, type StopReason } from '../transfer/stop.ts';
import { every, type SyncDisposable } from '../common/disposable.ts';
import { settlesWithin } from './deadline.ts';
import { errorFacts } from '../common/error-facts.ts';
import { monotonicClock } from '../common/monotonic-clock.ts';
import { runFileJob, type FileJobDeps, type FileRun } from './file-job.ts';
import { connectionsFor, sendUnits } from './lanes.ts';
import { OneAtATime } from './one-at-a-time.ts';
import { LONGEST_RETRY_MS, OutcomePolicy, type OutcomePolicyDeps } from './outcome-policy.ts';
import { SpeedMeter } from './speed-meter.ts';

// Kept here for the callers (and tests) that know it from the scheduler.
export { untilDoneOrAborted } from './file-job.ts';

/** What the scheduler needs: its file jobs' world and its outcome policy's, and how many files go at once. */
export interface SchedulerDeps extends FileJobDeps, OutcomePolicyDeps {
  /** Files sent in parts at once; small files go as many times more as they take fewer connections (lanes.ts). */
  parallelFiles: number;
}

export class Scheduler {
  readonly #deps: SchedulerDeps;
  readonly #active = new Map<number, FileRun>();
  readonly #outcomes: OutcomePolicy;
  #timer: SyncDisposable | undefined;
  #running = false;
  #held = false;
  #storeHeld = false;
  #claimsHeld = false;
  /** Retry due times are on this clock (monotonic-clock.ts): a PC clock set back does not delay them. */
  readonly #dueNow: () => number;

  constructor(deps: SchedulerDeps) {
    // One set of attach turns per engine: its files never write one entity's attribute at once.
    this.#deps = { ...deps, attachTurns: deps.attachTurns ?? new OneAtATime() };
    this.#dueNow = deps.dueNow ?? monotonicClock();
    this.#outcomes = new OutcomePolicy({ ...this.#deps, dueNow: this.#dueNow, lostUploadRetryMs: deps.settings.lostUploadRetryMs });
  }

  /** Starts claiming; checks for due retries every second. */
  start(): void {
    this.#running = true;
    this.#clampDueTimes();
    this.#timer = every(1_000, () => this.pump());
    this.pump();
  }

  /** Stops claiming (lock-out) until release(); running transfers go on. */
  hold(): void {
    this.#held = true;
  }

  release(): void {
    this.#held = false;
    this.pump();
  }

  /** Stops claiming while the queue cannot be written (data folder full or read-only); see writeHeld. */
  holdForStore(): void {
    this.#storeHeld = true;
  }

  releaseStore(): void {
    this.#storeHeld = false;
    this.pump();
  }

  /** A timed pause (upload-limits.ts): nothing new is claimed until it ends. */
  holdClaims(on: boolean): void {
    this.#claimsHeld = on;
    if (!on) this.pump();
  }

  /** Why nothing is being claimed: a refused sign-in, the data folder, or nothing. */
  get heldFor(): 'sign-in' | 'store' | undefined {
    return this.#held ? 'sign-in' : this.#storeHeld ? 'store' : undefined;
  }

  /**
   * Claims and starts as many due rows as there is room for. Never throws: it
   * runs from a timer, where a throw (SQLITE_BUSY, a full disk) would end the
   * process; the failure is logged and told to onStoreError, and the next tick tries again.
   */
  pump(): void {
    if (!this.#running || this.#held || this.#storeHeld || this.#claimsHeld) return;
    if (this.#outcomes.unwritten > 0) this.writeHeld();
    // A file whose last run is still ending (a cancel waiting for BioT's answer)
    // stays queued until that run is gone: one file never has two runs.
    const running = new Set(this.#active.keys());
    const connections = connectionsFor(this.#deps.parallelFiles, this.#deps.settings);
    try {
      // One at a time: what a row takes is known once it is claimed. While connections are free any row;
      // past them, as many again of small rows, which make their BioT file ahead of their turn (lanes.ts).
      for (let taken = this.#units(); taken < 2 * connections; taken = this.#units()) {
        const smallOnly = taken >= connections ? { smallerThan: this.#deps.settings.partSize } : undefined;
        const [row] = this.#deps.store.claimNext(1, this.#dueNow(), running, smallOnly);
        if (!row) break;
        running.add(row.id);
        this.#start(row);
      }
    } catch (error) {
      this.#deps.log.log('error', 'pump-failed', errorFacts(error, 'scheduler.pump'));
      this.#deps.onStoreError?.(error);
    }
  }

  /** Speed and bytes done (including parts still in flight) of an active transfer, for the queue view. */
  progressOf(fileId: number): { speed: number; bytesDone: number } | undefined {
    const active = this.#active.get(fileId);
    return active && { speed: active.meter.rate(), bytesDone: active.base + active.sent };
  }

  activeIds(): number[] {
    return [...this.#active.keys()];
  }

  /** Aborts one file's transfer (after its row was moved by a command). */
  stop(fileId: number, reason: StopReason): Promise<void> {
    const active = this.#active.get(fileId);
    if (!active) return Promise.resolve();
    active.controller.abort(new StopRequest(reason));
    return active.done;
  }

  /**
   * Stops claiming and aborts every transfer; uploads stay resumable. Resolves
   * once they ended, or after `deadlineMs` with those still in flight left as
   * they are (their rows stay in flight; recoverAtStartup queues them again).
   */
  async shutdown(deadlineMs = Number.POSITIVE_INFINITY): Promise<number> {
    this.#running = false;
    this.#timer?.dispose();
    const all = Promise.all([...this.#active.keys()].map((id) => this.stop(id, 'shutdown')));
    await settlesWithin(all, deadlineMs);
    return this.#active.size;
  }

  get busy(): boolean {
    return this.#active.size > 0;
  }

  #start(row: FileRow): void {
    const controller = new AbortController();
    const meter = new SpeedMeter(this.#deps.now);
    const units = sendUnits(row, this.#deps.settings, this.#deps.folders.get(row.folderId));
    const active: FileRun = { row, controller, meter, units, base: row.bytesDone, sent: 0, done: Promise.resolve() };
    this.#active.set(row.id, active);
    this.#deps.log.log('info', 'transfer-start', { fileId: row.id, attempt: row.attempts + 1 });
    active.done = this.#run(active)
      .catch((error: unknown) => {
        // A bug, not a transfer failure (those come back as outcomes): keep the row retryable.
        this.#deps.log.log('error', 'scheduler-error', { fileId: row.id, ...errorFacts(error, 'scheduler.run') });
        try {
          this.#outcomes.settle(row.id, { kind: 'retry', code: 'INTERNAL', message: 'internal error; will try again' });
        } catch (again) {
          // Not even that could be written: the row stays in flight and the next start queues it again.
          this.#deps.log.log('error', 'settle-failed', { fileId: row.id, ...errorFacts(again, 'scheduler.settle') });
        }
      })
      .finally(() => {
        if (this.#active.get(row.id) === active) this.#active.delete(row.id);
        this.#deps.log.log('info', 'transfer-end', { fileId: row.id });
        this.#deps.changed(row.id);
        this.pump();
      });
  }

  async #run(active: FileRun): Promise<void> {
    const outcome = await runFileJob(this.#deps, active, () => this.#active.values());
    if (outcome) this.#outcomes.settle(active.row.id, outcome);
  }

  /** How many outcomes wait for the store to take writes again. */
  get unwritten(): number {
    return this.#outcomes.unwritten;
  }

  /** Writes the outcomes a failing store could not take; true when none is left. */
  writeHeld(): boolean {
    return this.#outcomes.writeHeld();
  }

  /** Connections the claimed rows take (lanes.ts). */
  #units(): number {
    let units = 0;
    for (const run of this.#active.values()) units += run.units;
    return units;
  }

  /** A retry due further ahead than any backoff was written under a clock since set back: due now (queue.clampDueTimes). */
  #clampDueTimes(): void {
    try {
      const rows = this.#deps.store.clampDueTimes(this.#dueNow(), LONGEST_RETRY_MS);
      if (rows > 0) this.#deps.log.log('warn', 'due-times-clamped', { rows });
    } catch (error) {
      // Not worth stopping for: those rows are tried later than they should be.
      this.#deps.log.log('error', 'clamp-failed', errorFacts(error, 'scheduler.clamp'));
    }
  }
}
