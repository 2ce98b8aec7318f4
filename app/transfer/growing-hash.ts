// The SHA-256 of a growing file, taken while it grows (issue 12: the last write
// to "complete at BioT" must be about the quiet period, not a whole-file hash
// after it). Each part is read again once S3 has its ETag — usually from the
// page cache, while the device is still writing — into one running SHA-256 in
// part order, with the part's own MD5 alongside. The running hash stands for
// the bytes sent only if every part's MD5 matches the one recorded when it was
// sent; if any differs (rewritten in place meanwhile), there is no hash and
// the scheduler hashes the file after completion as before.
import { createHash, type Hash } from 'node:crypto';
import { createReadStream } from 'node:fs';

interface SentPart {
  partNumber: number;
  offset: number;
  size: number;
  md5: string | null;
}

export class GrowingHash {
  readonly #path: string;
  readonly #sha = createHash('sha256');
  /** Parts hashed so far (1..done), in order. */
  #done = 0;
  #broken = false;

  constructor(path: string) {
    this.#path = path;
  }

  /** Hashes the sent parts that follow those already hashed, in order; stops at the first gap. Never throws. */
  async advance(parts: readonly SentPart[]): Promise<void> {
    try {
      await this.#advance(parts);
    } catch {
      this.#broken = true; // unreadable now: the transfer goes on, the scheduler hashes later if it can
    }
  }

  async #advance(parts: readonly SentPart[]): Promise<void> {
    const byNumber = new Map(parts.map((p) => [p.partNumber, p]));
    for (let next = byNumber.get(this.#done + 1); next && next.md5 && !this.#broken; next = byNumber.get(this.#done + 1)) {
      const md5 = createHash('md5');
      await readInto(this.#path, next.offset, next.size, [this.#sha, md5]);
      if (md5.digest('hex') !== next.md5) this.#broken = true;
      this.#done = next.partNumber;
    }
  }

  /** The file's SHA-256 when every part of `parts` was hashed and matched what was sent; otherwise undefined. */
  digest(parts: readonly SentPart[]): string | undefined {
    if (this.#broken || this.#done !== parts.length) return undefined;
    this.#broken = true; // a digest is final
    return this.#sha.digest('hex');
  }
}

async function readInto(path: string, offset: number, size: number, hashes: Hash[]): Promise<void> {
  if (size === 0) return;
  for await (const chunk of createReadStream(path, { start: offset, end: offset + size - 1, highWaterMark: 1024 * 1024 })) {
    for (const h of hashes) h.update(chunk as Buffer);
  }
}
