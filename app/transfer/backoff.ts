// Capped exponential backoff with equal jitter (AWS architecture blog, "Exponential
// Backoff And Jitter"): half the ceiling is a floor, the other half is random.
// The jitter spreads the retries of many clinic PCs after an outage; the floor
// keeps any one retry from coming back almost at once (full jitter can pick ~0).

export interface BackoffOptions {
  baseMs: number;
  maxMs: number;
}

export const defaultBackoff: BackoffOptions = { baseMs: 500, maxMs: 60_000 };

/** Delay before retry number `attempt` (1-based); `random` in [0,1) is injectable for tests. */
export function backoffDelay(attempt: number, options: BackoffOptions = defaultBackoff, random = Math.random): number {
  const ceiling = Math.min(options.maxMs, options.baseMs * 2 ** Math.max(0, attempt - 1));
  return Math.round(ceiling / 2 + (random() * ceiling) / 2);
}
