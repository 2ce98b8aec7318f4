// After BioT refused the login (a password reset by IT, a locked account
// unlocked later), uploads wait, and the engine tries the same login again
// by itself: after a wait of minutes that doubles with each refusal
// (capped). Once BioT accepts it, uploads go on without a restart or a
// Retry. Minutes, not seconds: a login refused over and over is what locks
// an account. New credentials saved in Settings are another matter: they
// are tried at once (apply-server.ts), which ends this wait (clear()).
import type { BiotError } from '../biot/errors.ts';
import { backoffDelay, type BackoffOptions } from '../transfer/backoff.ts';
import { errorFacts } from '../common/error-facts.ts';
import type { Logger } from '../common/logger.ts';

/** The token source as far as trying the login again goes. */
export interface SignInTokens {
  /** Drops tokens and the stop, so the next token() signs in again. */
  reset(): void;
  token(signal?: AbortSignal): Promise<string>;
  readonly lockedBy: BiotError | undefined;
}

export interface SignInRecoveryDeps {
  /** The BioT client whose login is tried: read at each try (Settings may have replaced it, server-switch.ts). */
  client: { readonly tokens: SignInTokens };
  log: Logger;
  /** The login was refused (again): why, for the banner and heldBecause. */
  refused: (code: string, locked: boolean) => void;
  /** BioT accepted the login again: uploads may go on. */
  recovered: () => void;
  /** Waits between tries; default 2 minutes doubling to 30. */
  backoff?: BackoffOptions;
}

export const SIGN_IN_BACKOFF: BackoffOptions = { baseMs: 2 * 60_000, maxMs: 30 * 60_000 };
/** A try that hears nothing back is given up after this (the next one is scheduled). */
const TRY_TIMEOUT_MS = 60_000;

export class SignInRecovery {
  readonly #deps: SignInRecoveryDeps;
  #stop: { code: string; locked: boolean } | undefined;
  /** Refusals in a row: the next wait grows with them. */
  #refusals = 0;
  #timer: NodeJS.Timeout | undefined;
  #trying: Promise<void> | undefined;
  #disposed = false;

  constructor(deps: SignInRecoveryDeps) {
    this.#deps = deps;
  }

  /** Why the login is stopped now (refused or locked), or undefined while it is not. */
  get stop(): { code: string; locked: boolean } | undefined {
    return this.#stop;
  }

  /**
   * The login was refused (told by every file that met the refusal): uploads
   * wait, and one try is scheduled if none is.
   */
  stopped(code: string, locked: boolean): void {
    if (this.#disposed) return;
    const news = this.#stop?.code !== code || this.#stop.locked !== locked;
    this.#stop = { code, locked };
    this.#refusals = Math.max(this.#refusals, 1);
    if (news) this.#deps.refused(code, locked);
    if (!this.#timer && !this.#trying) this.#schedule();
  }

  /** A person pressed Retry, or new credentials were applied: the next file signs in itself; forget the stop and any scheduled try. */
  clear(): void {
    clearTimeout(this.#timer);
    this.#timer = undefined;
    this.#stop = undefined;
    this.#refusals = 0;
  }

  dispose(): void {
    this.#disposed = true;
    this.clear();
  }

  #schedule(): void {
    const wait = backoffDelay(this.#refusals, this.#deps.backoff ?? SIGN_IN_BACKOFF);
    this.#deps.log.log('info', 'sign-in-retry-scheduled', { inSeconds: Math.round(wait / 1000) });
    this.#timer = setTimeout(() => {
      this.#timer = undefined;
      void this.#try();
    }, wait);
    // A tray app runs for weeks; this timer must never keep a finished process alive.
    this.#timer.unref();
  }

  #try(): Promise<void> {
    this.#trying ??= this.#attempt().finally(() => (this.#trying = undefined));
    return this.#trying;
  }

  async #attempt(): Promise<void> {
    const { client, log } = this.#deps;
    const tokens = client.tokens;
    tokens.reset();
    try {
      await tokens.token(AbortSignal.timeout(TRY_TIMEOUT_MS));
    } catch (error) {
      if (this.#disposed || !this.#stop) return;
      const refusal = tokens.lockedBy;
      if (refusal) {
        this.#refusals += 1;
        const news = this.#stop.code !== refusal.code || this.#stop.locked !== refusal.locked;
        this.#stop = { code: refusal.code, locked: refusal.locked };
        if (news) this.#deps.refused(refusal.code, refusal.locked);
      }
      // Not a refusal (BioT unreachable, no answer): whether the login is good is still unknown.
      log.log('warn', 'sign-in-retry-failed', errorFacts(error, 'signIn.retry'));
      if (!this.#timer) this.#schedule();
      return;
    }
    if (this.#disposed || !this.#stop) return;
    this.#stop = undefined;
    this.#refusals = 0;
    log.log('info', 'sign-in-accepted', {});
    this.#deps.recovered();
  }
}
