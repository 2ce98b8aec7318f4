// After BioT refused the login (a password reset by IT, a locked account,
// a service key replaced), uploads wait, and the engine tries the login
// again by itself: after a wait of minutes that doubles with each refusal
// (capped), and at once when the credentials change in Settings. Once BioT
// accepts it, uploads go on without a restart or a Retry. Minutes, not
// seconds: a login refused over and over is what locks an account.
import type { BiotError } from '../biot/errors.ts';
import type { BiotAuth } from '../biot/index.ts';
import type { Config } from '../config/schema.ts';
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
  tokens: SignInTokens;
  log: Logger;
  /** The login was refused (again): why, for the banner and heldBecause. */
  refused: (code: string, locked: boolean) => void;
  /** BioT accepted the login again: uploads may go on. */
  recovered: () => void;
  /** Waits between tries; default 2 minutes doubling to 30. */
  backoff?: BackoffOptions;
}

/** The login a config names, as the BioT client takes it (a secret not given is an empty one: BioT refuses it). */
export function loginOf(config: Config): BiotAuth {
  const auth = config.server.auth;
  return auth.type === 'user'
    ? { type: 'user', username: auth.username, password: auth.password ?? '' }
    : { type: 'service', id: auth.id, secretKey: auth.secretKey ?? '' };
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
  /** Credentials changed while a try was in flight (with the old ones): try again once it ends. */
  #again = false;
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

  /** The credentials changed (Settings): try them at once. */
  tryNow(): void {
    if (!this.#stop || this.#disposed) return;
    clearTimeout(this.#timer);
    this.#timer = undefined;
    this.#refusals = 0;
    if (this.#trying) this.#again = true;
    else void this.#try();
  }

  /** A person pressed Retry (which signs in again itself): forget the stop and any scheduled try. */
  clear(): void {
    clearTimeout(this.#timer);
    this.#timer = undefined;
    this.#stop = undefined;
    this.#refusals = 0;
    this.#again = false;
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
    this.#trying ??= this.#attempt().finally(() => {
      this.#trying = undefined;
      if (!this.#again) return;
      this.#again = false;
      clearTimeout(this.#timer);
      this.#timer = undefined;
      if (this.#stop && !this.#disposed) void this.#try();
    });
    return this.#trying;
  }

  async #attempt(): Promise<void> {
    const { tokens, log } = this.#deps;
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
