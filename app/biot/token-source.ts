// TokenSource: hands out BioT access tokens for a user (login + refresh
// token) or a service user (id + secret key, asked again before expiry).
// Renews a few seconds before expiration rather than after a 401, shares one
// in-flight login among all callers, and after a lock-out or rejected
// credentials fails fast with the same error until reset(): retrying a locked
// account extends the lock, and repeating a wrong password causes one.
import { BiotError } from './errors.ts';
import type { AccessTokenProvider, BiotAnswer, BiotHttp } from './http.ts';
import { isLoginRejected, isRefreshRefused, isUsable, localExpiry, renewStep, type HeldToken } from './token-plan.ts';
import type { LoginRequest, RefreshTokenRequest, ServiceTokenRequest } from './types.ts';
import { readJwt, readLogin, readObject, readServiceToken } from './validate.ts';

/** How the uploader signs in: a BioT user, or a service user (unattended installs). */
export type BiotAuth = { type: 'user'; username: string; password: string } | { type: 'service'; id: string; secretKey: string };

/** Something worth a log line; carries no tokens, names or passwords. */
export type TokenEvent = {
  kind: 'login' | 'refresh' | 'refresh-refused' | 'service-token' | 'locked' | 'credentials-rejected';
  traceId?: string | undefined;
};

export type TokenSourceOptions = {
  http: BiotHttp;
  auth: BiotAuth;
  /** Renew this long before expiration. Default 30 s (capped at half the token's lifetime). */
  refreshMarginMs?: number;
  /** Injectable clock, epoch ms. */
  now?: () => number;
  onEvent?: (event: TokenEvent) => void;
};

export const DEFAULT_REFRESH_MARGIN_MS = 30_000;

/** Who the user login said we are (service users have no such answer). */
export type Identity = { userId?: string; ownerOrganizationId?: string };

export class TokenSource implements AccessTokenProvider {
  readonly #http: BiotHttp;
  readonly #auth: BiotAuth;
  readonly #marginMs: number;
  readonly #now: () => number;
  readonly #onEvent: (event: TokenEvent) => void;
  #access: HeldToken | undefined;
  #refresh: HeldToken | undefined;
  #inflight: Promise<HeldToken> | undefined;
  #stoppedBy: BiotError | undefined;
  #generation = 0;
  #identity: Identity = {};

  constructor(options: TokenSourceOptions) {
    this.#http = options.http;
    this.#auth = options.auth;
    this.#marginMs = options.refreshMarginMs ?? DEFAULT_REFRESH_MARGIN_MS;
    this.#now = options.now ?? Date.now;
    this.#onEvent = options.onEvent ?? (() => {});
  }

  /** A usable access token, renewing it first when it is within the margin of expiry. */
  async token(signal?: AbortSignal): Promise<string> {
    if (this.#stoppedBy) throw this.#stoppedBy;
    if (isUsable(this.#access, this.#now(), this.#marginMs)) return this.#access.token;
    // Single flight: every caller waits on the same renewal. It runs without
    // any one caller's signal, so one caller giving up does not fail the rest.
    if (!this.#inflight) {
      const renewal: Promise<HeldToken> = this.#renew().finally(() => {
        if (this.#inflight === renewal) this.#inflight = undefined;
      });
      this.#inflight = renewal;
    }
    const held = await waitOrAbort(this.#inflight, signal);
    return held.token;
  }

  /** Forgets `token` if it is the one held (the server called it TOKEN_NOT_VALID). */
  invalidate(token: string): void {
    if (this.#access?.token === token) this.#access = undefined;
  }

  /** Clears tokens and any stop, so the next call signs in again (after an admin unlocked us). */
  reset(): void {
    this.#generation += 1;
    this.#access = undefined;
    this.#refresh = undefined;
    this.#inflight = undefined;
    this.#stoppedBy = undefined;
  }

  /** The error that stops all calls until reset(): a lock-out (`locked`) or rejected credentials. */
  get lockedBy(): BiotError | undefined {
    return this.#stoppedBy;
  }

  /** userId / ownerOrganizationId from the last user login. */
  get identity(): Identity {
    return { ...this.#identity };
  }

  async #renew(): Promise<HeldToken> {
    const generation = this.#generation;
    try {
      const held = await this.#obtain();
      if (generation !== this.#generation) throw staleAfterReset();
      this.#access = held;
      return held;
    } catch (error) {
      if (error instanceof BiotError && generation === this.#generation && stopsSignIn(error)) {
        this.#stoppedBy = error;
        this.#access = undefined;
        this.#refresh = undefined;
        this.#onEvent({ kind: error.locked ? 'locked' : 'credentials-rejected', traceId: error.traceId });
      }
      throw error;
    }
  }

  async #obtain(): Promise<HeldToken> {
    if (this.#auth.type === 'service') return this.#serviceToken(this.#auth);
    if (renewStep(this.#refresh, this.#now(), this.#marginMs) === 'refresh' && this.#refresh) {
      try {
        return await this.#userRefresh(this.#refresh.token);
      } catch (error) {
        if (!(error instanceof BiotError) || !isRefreshRefused(error)) throw error;
        this.#onEvent({ kind: 'refresh-refused', traceId: error.traceId });
        this.#refresh = undefined;
      }
    }
    return this.#userLogin(this.#auth);
  }

  async #userLogin(auth: { username: string; password: string }): Promise<HeldToken> {
    const body: LoginRequest = { username: auth.username, password: auth.password };
    const sentAt = this.#now();
    const answer = await this.#http.call({ method: 'POST', path: '/ums/v2/users/login', operation: 'ums.login', body });
    const held = this.#keepUserTokens(answer, sentAt);
    this.#onEvent({ kind: 'login' });
    return held;
  }

  async #userRefresh(refreshToken: string): Promise<HeldToken> {
    const body: RefreshTokenRequest = { refreshToken };
    const sentAt = this.#now();
    const answer = await this.#http.call({
      method: 'POST',
      path: '/ums/v2/users/token/refresh',
      operation: 'ums.refresh',
      body,
    });
    const held = this.#keepUserTokens(answer, sentAt);
    this.#onEvent({ kind: 'refresh' });
    return held;
  }

  #keepUserTokens({ body, ctx, serverTime }: BiotAnswer, sentAt: number): HeldToken {
    const raw = readObject(body, ctx);
    const receivedAt = this.#now();
    if (raw.mfaRequired === true && raw.accessJwt === undefined) {
      throw new BiotError({ status: ctx.status, code: 'MFA_REQUIRED', operation: ctx.operation });
    }
    const login = readLogin(body, ctx);
    const access = readJwt(raw, 'accessJwt', ctx);
    // A refresh answer without a new refresh token keeps the old one.
    if (login.refreshJwt) {
      const refresh = readJwt(raw, 'refreshJwt', ctx);
      this.#refresh = { token: refresh.token, obtainedAt: sentAt, expiresAt: localExpiry(refresh.expiresAt, serverTime, receivedAt) };
    }
    this.#identity = { userId: login.userId, ownerOrganizationId: login.ownerOrganizationId };
    return { token: access.token, obtainedAt: sentAt, expiresAt: localExpiry(access.expiresAt, serverTime, receivedAt) };
  }

  async #serviceToken(auth: { id: string; secretKey: string }): Promise<HeldToken> {
    const body: ServiceTokenRequest = { id: auth.id, secretKey: auth.secretKey };
    const sentAt = this.#now();
    const answer = await this.#http.call({
      method: 'POST',
      path: '/ums/v2/services/accessToken',
      operation: 'ums.serviceToken',
      body,
    });
    const token = readServiceToken(answer.body, answer.ctx);
    this.#onEvent({ kind: 'service-token' });
    const expiresAt = localExpiry(Date.parse(token.accessTokenExpiration), answer.serverTime, this.#now());
    return { token: token.accessToken, expiresAt, obtainedAt: sentAt };
  }
}

/** A lock-out anywhere, or a login / service-token call refused for good (wrong credentials, MFA). */
function stopsSignIn(error: BiotError): boolean {
  if (error.locked) return true;
  const signIn = error.operation === 'ums.login' || error.operation === 'ums.serviceToken';
  return signIn && isLoginRejected(error);
}

/** Resolves with `work`, or rejects ABORTED as soon as `signal` fires. */
function waitOrAbort<T>(work: Promise<T>, signal: AbortSignal | undefined): Promise<T> {
  if (!signal) return work;
  if (signal.aborted) return Promise.reject(aborted(signal));
  return new Promise<T>((resolve, reject) => {
    const onAbort = (): void => reject(aborted(signal));
    signal.addEventListener('abort', onAbort, { once: true });
    work.then(
      (value) => {
        signal.removeEventListener('abort', onAbort);
        resolve(value);
      },
      (error: unknown) => {
        signal.removeEventListener('abort', onAbort);
        reject(error);
      },
    );
  });
}

function aborted(signal: AbortSignal): BiotError {
  return new BiotError({ status: 0, code: 'ABORTED', operation: 'ums.token', cause: signal.reason });
}

function staleAfterReset(): BiotError {
  return new BiotError({ status: 0, code: 'ABORTED', operation: 'ums.token', message: 'token renewal superseded by reset()' });
}
