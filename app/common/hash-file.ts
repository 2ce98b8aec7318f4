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
