// The whole file's SHA-256, taken in the same read that sends its parts.
// Parts go in parallel, but SHA-256 only takes bytes in order and cannot
// combine the hashes of ranges. So each chunk a part sender reads is offered
// here with its offset: the chunk at the hash's frontier is hashed at once,
// a chunk ahead of it is held until the gap before it closes. What is held is
// bounded (`budget`): a sender whose chunk does not fit waits (it is not a
// stall, see part-put.ts) until the frontier moves. The frontier's own chunk
// always fits, and the pool starts parts in order, so the part at the
// frontier is always being sent (or retried) and the wait always ends.
// Chunks before the frontier (an attempt that failed and goes again) were
// hashed already and are ignored: a file changed between the two reads
// changes its mtime, which the transfer checks before completing.
import { createHash, type Hash } from 'node:crypto';

/** A running SHA-256 of one file, fed by parallel part senders in any order. */
export class OrderedHasher {
  readonly #hash: Hash = createHash('sha256');
  readonly #size: number;
  readonly #budget: number;
  /** Chunks ahead of the frontier, by offset. */
  readonly #held = new Map<number, Buffer>();
  #heldBytes = 0;
  #frontier = 0;
  #waiters: (() => void)[] = [];
  /** Buffers of chunks hashed since, to hold the next ones in. */
  readonly #slabs: Buffer[] = [];

  constructor(size: number, budget: number) {
    this.#size = size;
    this.#budget = budget;
  }

  /** Bytes hashed so far (the frontier). */
  get hashed(): number {
    return this.#frontier;
  }

  /** The file's SHA-256 once every byte was hashed; undefined before. */
  digest(): string | undefined {
    return this.#frontier === this.#size ? this.#hash.copy().digest('hex') : undefined;
  }

  /** Offers a chunk read at `offset`; resolves once it is hashed or held. Rejects when `signal` aborts while waiting. */
  async offer(offset: number, chunk: Buffer, signal: AbortSignal): Promise<void> {
    for (;;) {
      if (this.#take(offset, chunk)) return;
      signal.throwIfAborted();
      await this.#moved(signal);
    }
  }

  // True when the chunk was hashed, held or is not needed; false when it must wait for room.
  #take(offset: number, chunk: Buffer): boolean {
    const end = offset + chunk.length;
    if (end <= this.#frontier) return true;
    if (offset <= this.#frontier) {
      this.#hash.update(offset === this.#frontier ? chunk : chunk.subarray(this.#frontier - offset));
      this.#frontier = end;
      this.#drain();
      return true;
    }
    const previous = this.#held.get(offset);
    const grow = chunk.length - (previous?.length ?? 0);
    if (grow > 0 && this.#heldBytes + grow > this.#budget) return false;
    // Copied: the sender reads its next chunks into the same buffer (part-put.ts).
    if (!previous || previous.length < chunk.length) {
      if (previous) this.#slabs.push(previous);
      this.#held.set(offset, this.#copy(chunk));
    }
    this.#heldBytes += Math.max(0, grow);
    return true;
  }

  // Hashes the held chunks the frontier has reached, then wakes the waiting senders.
  #drain(): void {
    for (;;) {
      let next: [number, Buffer] | undefined;
      for (const entry of this.#held) {
        const [offset, chunk] = entry;
        if (offset + chunk.length <= this.#frontier) {
          this.#forget(offset, chunk);
        } else if (offset <= this.#frontier) {
          next = entry;
          break;
        }
      }
      if (!next) break;
      const [offset, chunk] = next;
      this.#forget(offset, chunk);
      this.#hash.update(offset === this.#frontier ? chunk : chunk.subarray(this.#frontier - offset));
      this.#frontier = offset + chunk.length;
    }
    const waiters = this.#waiters;
    this.#waiters = [];
    for (const wake of waiters) wake();
  }

  #forget(offset: number, chunk: Buffer): void {
    this.#held.delete(offset);
    this.#heldBytes -= chunk.length;
    this.#slabs.push(chunk);
  }

  // Held copies live in buffers kept for reuse: a fresh buffer per held chunk
  // (three in four, with four parts in flight) left the GC behind and RSS grew.
  #copy(chunk: Buffer): Buffer {
    let slab = this.#slabs.pop();
    if (slab && slab.buffer.byteLength - slab.byteOffset < chunk.length) slab = undefined;
    const target = slab ? Buffer.from(slab.buffer, slab.byteOffset, chunk.length) : Buffer.allocUnsafeSlow(chunk.length);
    chunk.copy(target);
    return target;
  }

  #moved(signal: AbortSignal): Promise<void> {
    return new Promise((resolve, reject) => {
      const onAbort = () => reject(signal.reason);
      signal.addEventListener('abort', onAbort, { once: true });
      this.#waiters.push(() => {
        signal.removeEventListener('abort', onAbort);
        resolve();
      });
    });
  }
}
