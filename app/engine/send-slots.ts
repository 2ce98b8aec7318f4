// The engine's connections to storage, shared by every file in flight
// (issue 20): a file of one part (a single PUT) takes one while its PUT goes,
// a larger file `parallelParts` for its whole transfer. There are
// parallelFiles x parallelParts of them: the connections parallelFiles large
// files would use, so small files go that many at once (the small-file lane)
// without the engine ever using more. Taken first come, first served: a large
// file waiting for its share is not passed by the small ones behind it.

/** Gives `units` back. */
export type Release = () => void;

interface Waiter {
  units: number;
  grant: (release: Release) => void;
}

export class SendSlots {
  readonly #capacity: number;
  #free: number;
  readonly #waiting: Waiter[] = [];

  constructor(capacity: number) {
    this.#capacity = Math.max(1, capacity);
    this.#free = this.#capacity;
  }

  get capacity(): number {
    return this.#capacity;
  }

  /** Units held now (for tests and the queue view). */
  get inUse(): number {
    return this.#capacity - this.#free;
  }

  /** Resolves with a release once `units` are free (never more than the capacity); rejects with the signal's reason when it aborts first. */
  take(units: number, signal: AbortSignal): Promise<Release> {
    if (signal.aborted) return Promise.reject(signal.reason);
    const wanted = Math.min(Math.max(1, units), this.#capacity);
    return new Promise((resolve, reject) => {
      const waiter: Waiter = {
        units: wanted,
        grant: (release) => {
          signal.removeEventListener('abort', onAbort);
          resolve(release);
        },
      };
      const onAbort = () => {
        const at = this.#waiting.indexOf(waiter);
        if (at >= 0) this.#waiting.splice(at, 1);
        reject(signal.reason);
        this.#grant(); // a large file that left the head of the line lets the smaller ones behind it go
      };
      signal.addEventListener('abort', onAbort, { once: true });
      this.#waiting.push(waiter);
      this.#grant();
    });
  }

  #grant(): void {
    while (this.#waiting.length > 0 && (this.#waiting[0] as Waiter).units <= this.#free) {
      const waiter = this.#waiting.shift() as Waiter;
      this.#free -= waiter.units;
      let given = false;
      waiter.grant(() => {
        if (given) return;
        given = true;
        this.#free += waiter.units;
        this.#grant();
      });
    }
  }
}
