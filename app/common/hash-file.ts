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

/** A byte range of a file and the MD5 storage acknowledged for it (null: not known). */
export interface SentRange {
  offset: number;
  size: number;
  md5: string | null;
}

/**
 * The file's SHA-256, and whether each range's MD5 is still the one recorded
 * when it was sent, in one read. The ranges are what BioT holds (a part's
 * ETag is its MD5), one after another from offset 0: when they all match, the
 * SHA-256 is of BioT's bytes. A file of another length, or ranges with a gap,
 * never match.
 */
export async function sha256CheckingRanges(
  path: string,
  ranges: readonly SentRange[],
  signal?: AbortSignal,
): Promise<{ sha256: string; rangesMatch: boolean }> {
  const sorted = [...ranges].sort((a, b) => a.offset - b.offset);
  const contiguous = sorted.every((r, i) => r.offset === (i === 0 ? 0 : sorted[i - 1]!.offset + sorted[i - 1]!.size));
  const sha = createHash('sha256');
  let index = 0;
  let md5 = createHash('md5');
  let position = 0;
  let rangesMatch = contiguous;
  const endRange = () => {
    const range = sorted[index++]!;
    if (range.md5 !== null && md5.digest('hex') !== range.md5.toLowerCase()) rangesMatch = false;
    md5 = createHash('md5');
  };
  const stream = createReadStream(path, { highWaterMark: 1024 * 1024, ...(signal && { signal }) });
  for await (const chunk of stream as AsyncIterable<Buffer>) {
    sha.update(chunk);
    for (let at = 0; at < chunk.length;) {
      const range = contiguous ? sorted[index] : undefined;
      if (!range) break; // bytes beyond every range: caught by the length check below
      const take = Math.min(chunk.length - at, range.offset + range.size - position);
      md5.update(chunk.subarray(at, at + take));
      at += take;
      position += take;
      if (position === range.offset + range.size) endRange();
    }
  }
  while (index < sorted.length && sorted[index]!.size === 0) endRange();
  const end = sorted.reduce((max, r) => Math.max(max, r.offset + r.size), 0);
  const length = stream.bytesRead;
  return { sha256: sha.digest('hex'), rangesMatch: rangesMatch && index === sorted.length && length === end };
}
