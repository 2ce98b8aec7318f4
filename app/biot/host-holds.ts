// Hosts that asked us to wait: a 429 or 503 with Retry-After from BioT or
// from storage. One book per engine, keyed by origin, so the wait one file
// was told is kept by every file aimed at the same host, instead of the
// others knocking on meanwhile. Measured on the monotonic clock: a PC clock
// set back must not stretch a 20-second wait into hours.
import { setTimeout as sleep } from 'node:timers/promises';
import { asksToWait, retryAfterMs } from './retry-after.ts';

/** A hold just set, for the log: the host's origin (no path, no query) and how long. */
export type HoldEvent = { origin: string; ms: number };

type Headers = Record<string, string | string[] | undefined>;

export class HostHolds {
  /** Origin -> the monotonic time its hold ends. */
  readonly #until = new Map<string, number>();
  readonly #now: () => number;
  readonly #onHold: (event: HoldEvent) => void;

  constructor(options: { now?: () => number; onHold?: (event: HoldEvent) => void } = {}) {
    this.#now = options.now ?? (() => performance.now());
    this.#onHold = options.onHold ?? (() => {});
  }

  /** Holds `origin` for `ms` from now; a hold already in force that ends later stays. */
  hold(origin: string, ms: number): void {
    if (!(ms > 0)) return;
    const until = this.#now() + ms;
    if (until <= (this.#until.get(origin) ?? 0)) return;
    this.#until.set(origin, until);
    this.#onHold({ origin, ms });
  }

  /** Holds the answering host when a 429 or 503 says Retry-After; answers the wait taken, in ms. */
  noteAnswer(url: string, status: number, headers: Headers): number | undefined {
    if (!asksToWait(status)) return undefined;
    const date = typeof headers.date === 'string' ? Date.parse(headers.date) : Number.NaN;
    const ms = retryAfterMs(headers['retry-after'], Number.isNaN(date) ? Date.now() : date);
    if (ms) this.hold(originOf(url), ms);
    return ms;
  }

  /** How long `origin` is still held, in ms (0 when it is not). */
  heldFor(origin: string): number {
    const until = this.#until.get(origin);
    if (until === undefined) return 0;
    const left = until - this.#now();
    if (left <= 0) this.#until.delete(origin);
    return Math.max(0, left);
  }

  /**
   * Resolves once `origin` is no longer held (holds set meanwhile included);
   * true when it had to wait. Rejects with the signal's reason when it aborts
   * (a pause, a cancel, a shutdown end the wait at once).
   */
  async wait(origin: string, signal?: AbortSignal): Promise<boolean> {
    let waited = false;
    for (let left = this.heldFor(origin); left > 0; left = this.heldFor(origin)) {
      waited = true;
      try {
        await sleep(Math.ceil(left), undefined, signal && { signal });
      } catch (error) {
        throw signal?.aborted ? signal.reason : error;
      }
    }
    return waited;
  }
}

/** The origin (scheme, host, port) of a URL: what holds are kept by. */
export function originOf(url: string): string {
  try {
    return new URL(url).origin;
  } catch {
    return url;
  }
}
