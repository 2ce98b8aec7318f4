// Sends one part: a byte range of the file streamed from disk to a pre-signed
// link with undici, its MD5 computed in the same read, never the whole part in
// memory. A request that makes no progress for `stallMs` is aborted; time spent
// waiting for our own bandwidth limit does not count against it.
import { createHash } from 'node:crypto';
import { open, type FileHandle } from 'node:fs/promises';
import { Transform, type Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { request, type Dispatcher } from 'undici';
import type { OrderedHasher } from './ordered-hash.ts';
import type { Throttle } from './throttle.ts';

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
}

export type PartPutResult =
  | { ok: true; etag: string; md5: string; sha256?: string }
  | { ok: false; status: number; storageCode: string | undefined };

/** Thrown when a part made no progress for stallMs; retryable. */
export class StalledError extends Error {
  override name = 'StalledError';
}

const maxChunk = 1024 * 1024;

/** PUTs one part and returns its ETag and MD5, or the storage's refusal. Throws on network errors and on source errors (open/read, with their syscall). */
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
  let source: Readable | undefined;
  let meter: Transform | undefined;
  // The first error of the file itself: it, not undici's view of the broken body, is what we throw.
  let sourceError: unknown;
  try {
    if (input.size > 0) {
      // Opened first, so ENOENT / EBUSY / EPERM reject here instead of in a stream nobody listens to.
      file = await open(input.path, 'r');
      // At a low limit, chunks no larger than the throttle's bucket keep every part moving.
      const burst = input.throttle.burst;
      const chunkSize = burst > 0 ? Math.min(maxChunk, burst) : maxChunk;
      source = file.createReadStream({ start: input.offset, end: input.offset + input.size - 1, highWaterMark: chunkSize, autoClose: false });
      source.once('error', (error) => (sourceError ??= error));
      let position = input.offset;
      const hasher = input.hasher;
      meter = new Transform({
        transform(chunk: Buffer, _encoding, callback) {
          const at = position;
          position += chunk.length;
          // Waiting for the bandwidth limit or for the file hash's frontier (ordered-hash.ts) is not a stall.
          throttled = true;
          input.throttle.take(chunk.length, signal).then(() => hasher?.offer(at, chunk, signal)).then(() => {
            throttled = false;
            md5.update(chunk);
            sha256?.update(chunk);
            touch();
            input.onBytes?.(chunk.length);
            callback(null, chunk);
          }, (error: unknown) => {
            throttled = false;
            callback(error as Error);
          });
        },
      });
      // Errors either side destroy both; the request sees its body fail and rejects.
      pipeline(source, meter).catch(() => undefined);
    }
    touch();
    const response = await request(input.url, {
      method: 'PUT',
      dispatcher: input.dispatcher,
      signal,
      headers: { 'content-length': String(input.size) },
      body: meter ?? '',
    });
    touch();
    const text = await response.body.text();
    if (response.statusCode >= 200 && response.statusCode < 300) {
      const etag = response.headers.etag;
      if (typeof etag !== 'string' || etag === '') return { ok: false, status: response.statusCode, storageCode: 'NoETag' };
      return { ok: true, etag, md5: md5.digest('hex'), ...(sha256 && { sha256: sha256.digest('hex') }) };
    }
    return { ok: false, status: response.statusCode, storageCode: /<Code>([^<]+)<\/Code>/.exec(text)?.[1] };
  } catch (error) {
    if (input.signal.aborted) throw error;
    if (sourceError !== undefined) throw sourceError;
    if (stall.signal.aborted) throw stall.signal.reason;
    throw error;
  } finally {
    clearTimeout(timer);
    meter?.destroy();
    if (source) {
      // A read may still be in flight: the handle is closed only once the stream has let go of it.
      source.destroy();
      if (!source.closed) await new Promise((resolve) => source!.once('close', resolve));
    }
    await file?.close().catch(() => undefined);
  }
}
