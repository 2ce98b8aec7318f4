// Why uploads are held: a sign-in BioT refused or locked (until BioT accepts
// the login again: sign-in-recovery.ts tries it by itself; new credentials
// from Settings and a person's Retry lift it at once), or a data folder that
// cannot be written (until it can). Said in one line with codes, no names:
// the line `run --once` prints and exits non-zero on.
import type { Logger } from '../common/logger.ts';
import type { BackoffOptions } from '../transfer/backoff.ts';
import type { ConnectionState } from './connection.ts';
import { signInRefusedConnection } from './connection.ts';
import type { DataFolderHealth } from './data-folder-health.ts';
import type { Scheduler } from './scheduler.ts';
import { SignInRecovery, type SignInTokens } from './sign-in-recovery.ts';

export interface HoldsDeps {
  health: DataFolderHealth;
  scheduler: Scheduler;
  connection: ConnectionState;
  /** The BioT client (replaceable: its current tokens are read at each try). */
  biot: { readonly tokens: SignInTokens };
  log: Logger;
  now: () => number;
  /** Waits between the engine's own tries of a refused login (default: minutes, see SIGN_IN_BACKOFF). */
  signInRetry?: BackoffOptions | undefined;
}

export class Holds {
  readonly #deps: HoldsDeps;
  readonly #signIn: SignInRecovery;

  constructor(deps: HoldsDeps) {
    this.#deps = deps;
    this.#signIn = new SignInRecovery({
      client: deps.biot,
      log: deps.log,
      ...(deps.signInRetry && { backoff: deps.signInRetry }),
      refused: (code, locked) => {
        deps.scheduler.hold();
        deps.connection.set(signInRefusedConnection(locked, deps.now()));
        deps.log.log('error', locked ? 'account-locked' : 'sign-in-refused', { code });
      },
      recovered: () => {
        deps.connection.set({ state: 'ok', advice: null, since: deps.now() });
        deps.scheduler.release();
      },
    });
  }

  /** The scheduler's signInStopped: nothing more is claimed until BioT accepts the login again. */
  signInStopped(code: string, locked: boolean): void {
    this.#signIn.stopped(code, locked);
  }

  /** A person retried, or new server settings were applied (apply-server.ts): the sign-in may go again now. */
  signInRetried(): void {
    this.#signIn.clear();
    this.#deps.scheduler.release();
  }

  /** A queue read or write failed: when it is the data folder (full, read-only), uploads are held until it recovers. */
  noteStoreError(error: unknown): void {
    if (this.#deps.health.note(error)) this.#deps.scheduler.holdForStore();
  }

  /**
   * Why uploads are held and will not go on without a person, BioT or the
   * disk (a refused or locked sign-in, a data folder that cannot be written),
   * in one line with codes, no names; undefined while nothing holds them.
   */
  heldBecause(): string | undefined {
    const data = this.#deps.health.status;
    if (data) return data.advice ?? 'the data folder cannot be written';
    const stop = this.#signIn.stop;
    if (!this.#deps.scheduler.heldFor || !stop) return undefined;
    return stop.locked
      ? `BioT locked the account (${stop.code}): ask your BioT administrator to unlock it`
      : `BioT refused the login (${stop.code}): check the user name and password (or service key) in the config`;
  }

  dispose(): void {
    this.#signIn.dispose();
  }
}
