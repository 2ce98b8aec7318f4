// Pure decisions of the token source: when a held token must be renewed, and
// how (refresh with the refresh token, or log in again with the secret).
import type { BiotError } from './errors.ts';

/** A token and the window it is good for, in epoch ms on the local clock. */
export type HeldToken = { token: string; obtainedAt: number; expiresAt: number };

/**
 * When to stop using a token: `marginMs` before its expiration, but never more
 * than half its lifetime early, so a short-lived token (a sandbox with a
 * 2-second TTL) is still used instead of causing a login per call.
 */
export function renewAt(held: HeldToken, marginMs: number): number {
  const lifetime = Math.max(0, held.expiresAt - held.obtainedAt);
  return held.expiresAt - Math.min(marginMs, lifetime / 2);
}

/** True while the token can be sent without renewing it first. */
export function isUsable(held: HeldToken | undefined, now: number, marginMs: number): held is HeldToken {
  return held !== undefined && now < renewAt(held, marginMs);
}

/** Clocks closer than this are taken to agree (Date has 1 s resolution, plus latency). */
export const CLOCK_TOLERANCE_MS = 10_000;

/**
 * A server expiration moved onto the local clock. Clinic PCs often run
 * minutes or hours off; comparing BioT's expiration with a fast local clock
 * would make every token look expired (a login per call). When the answer's
 * Date header disagrees with the local clock by more than the tolerance, the
 * expiration is shifted by that difference.
 */
export function localExpiry(serverExpiresAt: number, serverTime: number | undefined, localReceivedAt: number): number {
  if (serverTime === undefined) return serverExpiresAt;
  const skew = serverTime - localReceivedAt;
  return Math.abs(skew) <= CLOCK_TOLERANCE_MS ? serverExpiresAt : serverExpiresAt - skew;
}

export type RenewStep = 'refresh' | 'login';

/** How to get a new access token: refresh while a usable refresh token is held, else log in. */
export function renewStep(refresh: HeldToken | undefined, now: number, marginMs: number): RenewStep {
  return isUsable(refresh, now, marginMs) ? 'refresh' : 'login';
}

/**
 * True when a refresh was refused in a way a fresh login can fix: BioT's 403
 * REFRESH_TOKEN_NOT_VALID, or any other 401/403 that is not a lock-out.
 * Timeouts and 5xx are not refusals: they propagate so the caller retries later.
 */
export function isRefreshRefused(error: BiotError): boolean {
  if (error.locked) return false;
  return error.status === 401 || error.status === 403;
}

/**
 * True when a login (password or service secret) failed in a way that trying
 * again with the same credentials cannot fix: a lock-out, wrong credentials
 * (403 LOGIN_FAILED), MFA. Repeating a wrong password is what gets an account
 * locked, so the token source stops on these until reset().
 */
export function isLoginRejected(error: BiotError): boolean {
  if (error.locked || error.code === 'MFA_REQUIRED') return true;
  return (error.status === 401 || error.status === 403) && !error.retryable;
}
