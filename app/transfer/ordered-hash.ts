// The whole file's SHA-256, taken alongside the read that sends its parts.
// Parts go in parallel, but SHA-256 only takes bytes in order and cannot
// combine the hashes of ranges. So each chunk a part sender reads is offered
// here with its offset: the chunk at the hash's frontier is hashed at once; a
// chunk ahead of it is only noted as sent. When the frontier reaches bytes
// that were sent, they are read again from the file, from the page cache (the
// senders read them moments ago), through one 1 MiB buffer. Issue 12's
// version kept copies of the chunks ahead (up to 24 MiB at 8 MiB x 4, 21 MiB
// of the 1 GiB upload's peak RSS) or made senders wait; now no sender waits
// and memory does not grow with the part size (issue 20; the CPU was the
// same). Bytes hashed from the second read are the ones sent unless the file
// changed in between, which changes its size or mtime: the transfer checks
// both before it completes. A second read that fails leaves the hash unknown
// (the upload is sound without it; file-job.ts hashes the file later).
import { createHash, type Hash } from 'node:crypto';
import { open } from 'node:fs/promises';

/** The second read's buffer. */
const REREAD_BYTES = 1024 * 1024;

/** A running SHA-256 of one file, fed by parallel part senders in any order. */
export class OrderedHasher {
  readonly #hash: Hash = createHash('sha256');
  readonly #path: string;
  readonly #size: number;
  #frontier = 0;
  /** Ranges [start, end) offered so far (sent, or being sent) beyond the frontier, disjoint. */
  #sent: [number, number][] = [];
  /** The second read in progress, if any: it owns the frontier while it runs. */
  #reading: Promise<void> | undefined;
  #buffer: Buffer | undefined;
  #reread = 0;
  #failed = false;

  /** `path`: the file, read again for the bytes sent ahead of the frontier. */
  constructor(path: string, size: number) {
    this.#path = path;
    this.#size = size;
  }

  /** Bytes hashed so far (the frontier). */
  get hashed(): number {
    return this.#frontier;
  }

  /** Bytes hashed from the second read. */
  get reread(): number {
    return this.#reread;
  }

  /** Offers a chunk read at `offset`; the sender may read into the same buffer once this returns. */
  offer(offset: number, chunk: Buffer): void {
    const end = offset + chunk.length;
    if (this.#failed || end <= this.#frontier) return;
    if (this.#reading || offset > this.#frontier) {
      this.#note(offset, end);
      return;
    }
    this.#hash.update(offset === this.#frontier ? chunk : chunk.subarray(this.#frontier - offset));
    this.#frontier = end;
    this.#readSent();
  }

  /**
   * The file's SHA-256 once the second read (if any) caught up; undefined
   * when some byte was never offered (a resumed upload) or that read failed.
   */
  async finish(): Promise<string | undefined> {
    while (this.#reading) await this.#reading;
    return !this.#failed && this.#frontier === this.#size ? this.#hash.copy().digest('hex') : undefined;
  }

  // Starts the second read when the frontier reached bytes that were sent.
  #readSent(): void {
    const until = this.#sent.find(([start, end]) => start <= this.#frontier && this.#frontier < end)?.[1];
    if (until === undefined || this.#reading || this.#failed) return;
    this.#reading = this.#readAgain(until).then(
      () => {
        this.#reading = undefined;
        this.#readSent(); // more was sent meanwhile
      },
      () => {
        this.#reading = undefined;
        this.#failed = true;
      },
    );
  }

  async #readAgain(until: number): Promise<void> {
    const file = await open(this.#path, 'r');
    try {
      const buffer = (this.#buffer ??= Buffer.allocUnsafeSlow(REREAD_BYTES));
      while (this.#frontier < until) {
        const { bytesRead } = await file.read(buffer, 0, Math.min(buffer.length, until - this.#frontier), this.#frontier);
        if (bytesRead === 0) throw new Error('the file is shorter than the bytes sent');
        this.#hash.update(buffer.subarray(0, bytesRead));
        this.#frontier += bytesRead;
        this.#reread += bytesRead;
      }
    } finally {
      await file.close();
    }
    // What the frontier passed is no longer needed.
    this.#sent = this.#sent.filter(([, end]) => end > this.#frontier);
  }

  // Adds [start, end) to the sent ranges, merging those it touches.
  #note(start: number, end: number): void {
    const kept: [number, number][] = [];
    for (const range of this.#sent) {
      if (range[1] < start || range[0] > end) kept.push(range);
      else {
        start = Math.min(start, range[0]);
        end = Math.max(end, range[1]);
      }
    }
    kept.push([start, end]);
    this.#sent = kept;
  }
}
