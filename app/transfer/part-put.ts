// Sends one part: a byte range of the file streamed from disk to a pre-signed
// link with undici, its MD5 computed in the same read, never the whole part in
// memory. A request that makes no progress for `stallMs` is aborted.
import { createHash } from 'node:crypto';
import { createReadStream } from 'node:fs';
import { Transform } from 'node:stream';
import { request, type Dispatcher } from 'undici';
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
}

export type PartPutResult =
  | { ok: true; etag: string; md5: string }
  | { ok: false; status: number; storageCode: string | undefined };

/** Thrown when a part made no progress for stallMs; retryable. */
export class StalledError extends Error {
  override name = 'StalledError';
}

const chunkSize = 1024 * 1024;

/** PUTs one part and returns its ETag and MD5, or the storage's refusal. Throws on network errors. */
export async function putPart(input: PartPutInput): Promise<PartPutResult> {
  const stall = new AbortController();
  const signal = AbortSignal.any([input.signal, stall.signal]);
  // One timer re-armed in place on progress: clear + setTimeout per 1 MiB chunk
  // showed up in profiles (timer list churn) at hundreds of MiB/s.
  const timer = setTimeout(() => stall.abort(new StalledError(`no progress for ${input.stallMs} ms`)), input.stallMs);
  const touch = () => void timer.refresh();
  const md5 = createHash('md5');
  const source =
    input.size === 0
      ? undefined
      : createReadStream(input.path, { start: input.offset, end: input.offset + input.size - 1, highWaterMark: chunkSize });
  const meter = new Transform({
    transform(chunk: Buffer, _encoding, callback) {
      input.throttle.take(chunk.length, signal).then(() => {
        md5.update(chunk);
        touch();
        input.onBytes?.(chunk.length);
        callback(null, chunk);
      }, callback);
    },
  });
  touch();
  try {
    const response = await request(input.url, {
      method: 'PUT',
      dispatcher: input.dispatcher,
      signal,
      headers: { 'content-length': String(input.size) },
      body: source ? source.pipe(meter) : '',
    });
    touch();
    const text = await response.body.text();
    if (response.statusCode >= 200 && response.statusCode < 300) {
      const etag = response.headers.etag;
      if (typeof etag !== 'string' || etag === '') return { ok: false, status: response.statusCode, storageCode: 'NoETag' };
      return { ok: true, etag, md5: md5.digest('hex') };
    }
    return { ok: false, status: response.statusCode, storageCode: /<Code>([^<]+)<\/Code>/.exec(text)?.[1] };
  } catch (error) {
    if (stall.signal.aborted && !input.signal.aborted) throw stall.signal.reason;
    throw error;
  } finally {
    clearTimeout(timer);
    source?.destroy();
  }
}
