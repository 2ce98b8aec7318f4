// Sends one part: a byte range of the file streamed from disk to a pre-signed
// link with undici, its MD5 computed in the same read, never the whole part in
// memory. A small single upload read whole beforehand (whole-read.ts) goes as
// its one buffer. A request that makes no progress for `stallMs` is aborted;
// time spent waiting for our own bandwidth limit does not count against it.
import { createHash } from 'node:crypto';
import { open, type FileHandle } from 'node:fs/promises';
import type { Readable } from 'node:stream';
import { request, type Dispatcher } from 'undici';
import type { HostHolds } from '../biot/host-holds.ts';
import type { OrderedHasher } from './ordered-hash.ts';
import type { Throttle } from './throttle.ts';
import { SourceReadError } from './source-read-error.ts';
import type { WholeFile } from './whole-read.ts';

export interface PartPutInput {
  url: string;
  path: string;
  offset: number;
  size: number;
  dispatcher: Dispatcher;
  throttle: Throttle;
  stallMs: number;
  signal: AbortSignal;
  /** Called with each chunk's byte count as it is handed to the socket. */
  onBytes?: (bytes: number) => void;
  /** Also compute the SHA-256 of the bytes sent (a single upload's record of what BioT got). */
  sha256?: boolean;
  /** The whole file's running SHA-256 (multipart): every chunk read is offered to it with its offset. */
  hasher?: OrderedHasher;
  /** Told of a 429 / 503 whose Retry-After asks storage's host to be left alone a while. */
  holds?: HostHolds;
  /** The whole part already read and hashed (a small single upload, whole-read.ts): sent as one buffer, nothing read here. */
  whole?: WholeFile;
}

export type PartPutResult = { ok: true; etag: string; md5: string; sha256?: string } | { ok: false; status: number; storageCode: string | undefined };

/** Thrown when a part made no progress for stallMs; retryable. */
export class StalledError extends Error {
  override name = 'StalledError';
}

const maxChunk = 1024 * 1024;

/**
 * Read buffers of parts that ended, for the next parts: every part allocating
 * its own two left 2 MiB of garbage per 8 MiB part. Bounded: sixteen is
 * eight parts in flight at once; more are allocated and dropped.
 */
const spareBuffers: Buffer[] = [];
const maxSpare = 16;

/** PUTs one part and returns its ETag and MD5, or the storage's refusal. Throws on network errors, and SourceReadError for the source's open/read. */
export async function putPart(input: PartPutInput): Promise<PartPutResult> {
  const stall = new AbortController();
  const signal = AbortSignal.any([input.signal, stall.signal]);
  // Waiting for our own bandwidth limit is not a stall: while a chunk waits
  // for the throttle the timer re-arms itself instead of aborting.
  let throttled = false;
  // One timer re-armed in place on progress: clear + setTimeout per 1 MiB chunk
  // showed up in profiles (timer list churn) at hundreds of MiB/s.
  const timer: NodeJS.Timeout = setTimeout(() => {
    if (throttled) timer.refresh();
    else stall.abort(new StalledError(`no progress for ${input.stallMs} ms`));
  }, input.stallMs);
  const touch = () => void timer.refresh();
  const md5 = createHash('md5');
  const sha256 = input.sha256 ? createHash('sha256') : undefined;
  let file: FileHandle | undefined;
  // The first error of the file itself: it, not undici's view of the broken body, is what we throw.
  let sourceError: unknown;
  let body: AsyncGenerator<Buffer> | undefined;
  let buffers: Buffer[] = [];
  try {
    if (input.whole) {
      // One buffer: the bandwidth limit is paid for it at once (whole reads stay within its burst).
      throttled = true;
      try {
        await input.throttle.take(input.size, signal);
      } finally {
        throttled = false;
      }
      input.onBytes?.(input.size);
    } else if (input.size > 0) {
      // Opened first, so ENOENT / EBUSY / EPERM reject here instead of in a body nobody listens to.
      file = await open(input.path, 'r').catch((error: unknown) => {
        throw new SourceReadError(error);
      });
      // At a low limit, chunks no larger than the throttle's bucket keep every part moving.
      const burst = input.throttle.burst;
      const chunkSize = burst > 0 ? Math.min(maxChunk, burst) : maxChunk;
      const handle = file;
      if (chunkSize === maxChunk)
        buffers = [spareBuffers.pop() ?? Buffer.allocUnsafeSlow(maxChunk), spareBuffers.pop() ?? Buffer.allocUnsafeSlow(maxChunk)];
      body = readChunks(
        handle,
        input.offset,
        input.size,
        chunkSize,
        buffers,
        async (at, chunk) => {
          // Waiting for the bandwidth limit is not a stall.
          throttled = true;
          try {
            await input.throttle.take(chunk.length, signal);
          } finally {
            throttled = false;
          }
          input.hasher?.offer(at, chunk);
          md5.update(chunk);
          sha256?.update(chunk);
          touch();
          input.onBytes?.(chunk.length);
        },
        (error) => (sourceError ??= error),
      );
    }
    touch();
    const response = await request(input.url, {
      method: 'PUT',
      dispatcher: input.dispatcher,
      signal,
      headers: { 'content-length': String(input.size) },
      // undici sends any async iterable (client-h1 writeIterable); its types list only streams.
      body: input.whole ? input.whole.bytes : ((body ?? '') as unknown as Readable),
    });
    touch();
    input.holds?.noteAnswer(input.url, response.statusCode, response.headers);
    const text = await response.body.text();
    if (response.statusCode >= 200 && response.statusCode < 300) {
      const etag = response.headers.etag;
      if (typeof etag !== 'string' || etag === '') return { ok: false, status: response.statusCode, storageCode: 'NoETag' };
      if (input.whole) return { ok: true, etag, md5: input.whole.md5, ...(input.sha256 && { sha256: input.whole.sha256 }) };
      return { ok: true, etag, md5: md5.digest('hex'), ...(sha256 && { sha256: sha256.digest('hex') }) };
    }
    return { ok: false, status: response.statusCode, storageCode: /<Code>([^<]+)<\/Code>/.exec(text)?.[1] };
  } catch (error) {
    if (input.signal.aborted) throw error;
    if (sourceError !== undefined) throw new SourceReadError(sourceError);
    if (stall.signal.aborted) throw stall.signal.reason;
    throw error;
  } finally {
    clearTimeout(timer);
    // Ends a body undici stopped reading (an abort, a refusal): its read in flight, if any, settles first.
    await body?.return(undefined).catch(() => undefined);
    await file?.close().catch(() => undefined);
    // Only now are the read buffers free: the answer came (storage has every byte) or the request and its socket are gone.
    for (const buffer of buffers) if (spareBuffers.length < maxSpare) spareBuffers.push(buffer);
  }
}

/**
 * The part's bytes as chunks read into two buffers used in turn, not a fresh
 * buffer per read: a 1 GiB upload through fresh 1 MiB buffers left ~100 MiB
 * of garbage in RSS before the GC caught up (issue 12). A buffer is read into
 * again only after the next chunk was handed to the socket, and undici asks
 * for that one only once the socket took the previous chunk whole (its write
 * returned true with nothing queued before it, or it drained). That holds for
 * chunks above the socket's 16 KiB high-water mark; a bandwidth limit's
 * smaller chunks get fresh buffers (few, at such a rate). A part's two
 * buffers come from, and go back to, a small spare list (putPart's finally). Were that ever
 * not so, the part's MD5 (of the bytes read) would not match the storage's
 * ETag (of the bytes received) and the part would be sent again.
 */
async function* readChunks(
  file: FileHandle,
  offset: number,
  size: number,
  chunkSize: number,
  buffers: readonly Buffer[],
  sent: (at: number, chunk: Buffer) => Promise<void>,
  failed: (error: unknown) => void,
): AsyncGenerator<Buffer> {
  const reuse = buffers.length === 2 && chunkSize === maxChunk;
  const length = Math.min(chunkSize, size);
  const end = offset + size;
  for (let at = offset, turn = 0; at < end; turn++) {
    const buffer = reuse ? (buffers[turn % 2] as Buffer) : Buffer.allocUnsafe(length);
    let bytesRead: number;
    try {
      ({ bytesRead } = await file.read(buffer, 0, Math.min(buffer.length, end - at), at));
    } catch (error) {
      failed(error);
      throw error;
    }
    // The file shrank: the body ends short and the request fails on its length; the transfer then sees the change.
    if (bytesRead === 0) return;
    const chunk = buffer.subarray(0, bytesRead);
    await sent(at, chunk);
    yield chunk;
    at += bytesRead;
  }
}
