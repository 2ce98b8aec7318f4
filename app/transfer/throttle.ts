// One bandwidth limit shared by every transfer: a token bucket refilled at
// `bytesPerSecond`. Readers ask before they send a chunk, so the limit shapes
// what leaves the PC rather than what is read from disk.

import { sleep } from './sleep.ts';

const noLimit = 0;

export class Throttle {
  #rate: number;
  #tokens = 0;
  #last = performance.now();
  #queue: Promise<void> = Promise.resolve();

  constructor(bytesPerSecond = noLimit) {
    this.#rate = bytesPerSecond;
  }

  /** Changes the limit at once for every transfer; 0 means unlimited. */
  setRate(bytesPerSecond: number): void {
    this.#refill();
    this.#rate = bytesPerSecond;
    this.#tokens = Math.min(this.#tokens, this.#burst());
  }

  get rate(): number {
    return this.#rate;
  }

  /** The bucket size: the largest chunk that passes without running into debt (0 when unlimited). */
  get burst(): number {
    return this.#rate === noLimit ? 0 : this.#burst();
  }

  /** Resolves when `bytes` may be sent; callers are served in order so none starves. */
  take(bytes: number, signal?: AbortSignal): Promise<void> {
    if (this.#rate === noLimit) return Promise.resolve();
    const turn = this.#queue.then(() => this.#wait(bytes, signal));
    // A rejected (aborted) waiter must not block the ones behind it.
    this.#queue = turn.catch(() => undefined);
    return turn;
  }

  async #wait(bytes: number, signal?: AbortSignal): Promise<void> {
    while (this.#rate !== noLimit) {
      signal?.throwIfAborted();
      this.#refill();
      // A chunk larger than the bucket is let through once the bucket is full,
      // then paid for as debt, so the average rate still holds.
      if (this.#tokens >= Math.min(bytes, this.#burst())) {
        this.#tokens -= bytes;
        return;
      }
      const missing = Math.min(bytes, this.#burst()) - this.#tokens;
      await sleep(Math.max(1, Math.ceil((missing / this.#rate) * 1000)), signal);
    }
  }

  #burst(): number {
    // A quarter second of traffic: smooth enough for a 10 MiB/s cap, still
    // large enough that 1 MiB chunks flow at low rates.
    return Math.max(this.#rate / 4, 64 * 1024);
  }

  #refill(): void {
    const now = performance.now();
    this.#tokens = Math.min(this.#burst(), this.#tokens + ((now - this.#last) / 1000) * this.#rate);
    this.#last = now;
  }
}
