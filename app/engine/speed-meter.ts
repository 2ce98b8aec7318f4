// Speed over the last few seconds from a stream of byte deltas: what the
// queue shows as speed and what its ETA is computed from. A window rather
// than a running average, so a pause or a reconnect shows within seconds.

const windowMs = 5_000;
const bucketMs = 250;

export class SpeedMeter {
  readonly #buckets = new Map<number, number>();
  readonly #now: () => number;

  constructor(now: () => number = Date.now) {
    this.#now = now;
  }

  /** Records bytes sent (negative to take back a failed attempt's bytes). */
  add(bytes: number): void {
    const now = this.#now();
    const key = Math.floor(now / bucketMs);
    // Pruned here too: a transfer nobody watches (no UI asking for rate()) runs for hours.
    if (!this.#buckets.has(key)) this.#prune(now);
    this.#buckets.set(key, (this.#buckets.get(key) ?? 0) + bytes);
  }

  /** Bytes per second over the window; never negative. */
  rate(): number {
    const now = this.#now();
    this.#prune(now);
    let sum = 0;
    let first = Infinity;
    for (const [key, bytes] of this.#buckets) {
      sum += bytes;
      first = Math.min(first, key);
    }
    if (sum <= 0 || first === Infinity) return 0;
    // A transfer that started 1 s ago is measured over 1 s, not the whole window.
    const span = Math.max(bucketMs, Math.min(windowMs, now - first * bucketMs));
    return (sum / span) * 1000;
  }

  /** Buckets held (at most one window's worth): for tests and diagnostics. */
  get bucketCount(): number {
    return this.#buckets.size;
  }

  #prune(now: number): void {
    const oldest = Math.floor((now - windowMs) / bucketMs);
    for (const key of this.#buckets.keys()) if (key < oldest) this.#buckets.delete(key);
  }
}

/** Seconds left at `speed` bytes/s, or null when there is no speed to go by. */
export function etaSeconds(bytesLeft: number, speed: number): number | null {
  if (bytesLeft <= 0) return 0;
  return speed > 0 ? Math.ceil(bytesLeft / speed) : null;
}
