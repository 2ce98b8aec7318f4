// SHA-256 of a file, streamed: the dedup key and the integrity proof in the
// audit. Streams in 1 MiB reads so a 4 GiB export never sits in memory.
import { createHash } from 'node:crypto';
import { createReadStream } from 'node:fs';

/** The file's SHA-256 as lower-case hex. */
export async function sha256File(path: string, signal?: AbortSignal): Promise<string> {
  const hash = createHash('sha256');
  const stream = createReadStream(path, { highWaterMark: 1024 * 1024, ...(signal && { signal }) });
  for await (const chunk of stream) hash.update(chunk as Buffer);
  return hash.digest('hex');
}

/**
 * Whether a file must be hashed before it is sent: only when dedup applies
 * and a row of the same size exists (done: maybe a duplicate; on its way:
 * maybe a twin to wait for). Otherwise its hash is taken in the read that
 * sends it (app/transfer/ordered-hash.ts), so the file is read once; a
 * duplicate found only then is cancelled at BioT rather than completed.
 */
export function hashUpFront(store: { hasSizeCandidate(size: number): boolean }, policy: 'skip' | 'upload', size: number): boolean {
  return policy === 'skip' && store.hasSizeCandidate(size);
}
