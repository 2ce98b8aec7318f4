// Why uploads are held and will not go on without a person or the disk: a
// sign-in BioT refused or locked (until Retry), or a data folder that cannot
// be written (until it can). Said in one line with codes, no names: the
// line `run --once` prints and exits non-zero on.
import type { Logger } from '../common/logger.ts';
import type { DataFolderHealth } from './data-folder-health.ts';
import type { Scheduler } from './scheduler.ts';

export class Holds {
  readonly #health: DataFolderHealth;
  readonly #scheduler: Scheduler;
  readonly #log: Logger;
  /** The sign-in stopped for good (refused or locked) until Retry: why, for --once's one line. */
  #signIn: { code: string; locked: boolean } | undefined;

  constructor(health: DataFolderHealth, scheduler: Scheduler, log: Logger) {
    this.#health = health;
    this.#scheduler = scheduler;
    this.#log = log;
  }

  /** The scheduler's signInStopped: claims stop until a person presses Retry (which resets the sign-in) or restarts with new credentials. */
  signInStopped(code: string, locked: boolean): void {
    this.#signIn = { code, locked };
    this.#scheduler.hold();
    this.#log.log('error', locked ? 'account-locked' : 'sign-in-refused', { code });
  }

  /** A person retried: the sign-in may go again. */
  signInRetried(): void {
    this.#signIn = undefined;
    this.#scheduler.release();
  }

  /** A queue read or write failed: when it is the data folder (full, read-only), uploads are held until it recovers. */
  noteStoreError(error: unknown): void {
    if (this.#health.note(error)) this.#scheduler.holdForStore();
  }

  /**
   * Why uploads are held and will not go on without a person or the disk
   * (a refused or locked sign-in, a data folder that cannot be written), in
   * one line with codes, no names; undefined while nothing holds them.
   */
  heldBecause(): string | undefined {
    const data = this.#health.status;
    if (data) return data.advice ?? 'the data folder cannot be written';
    if (!this.#scheduler.heldFor || !this.#signIn) return undefined;
    return this.#signIn.locked
      ? `BioT locked the account (${this.#signIn.code}): ask your BioT administrator to unlock it`
      : `BioT refused the login (${this.#signIn.code}): check the user name and password (or service key) in the config`;
  }
}
