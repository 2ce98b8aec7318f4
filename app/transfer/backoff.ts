// Capped exponential backoff with full jitter (AWS architecture blog, "Exponential
// Backoff And Jitter"): spreads the retries of many clinic PCs after an outage.

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
