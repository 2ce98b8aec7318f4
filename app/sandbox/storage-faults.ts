// Fault handling shared by the two storage paths the sandbox serves (the
// embedded disk store and the S3 pass-through proxy).
import type { IncomingMessage, ServerResponse } from 'node:http';
import { Transform } from 'node:stream';
import { pause, type FaultRule } from './faults.ts';
import { sendS3Error } from './http-io.ts';

/** Applies delay, drop and status faults; true when the request is finished (answered or dropped). */
export async function applyStorageFault(fault: FaultRule | undefined, req: IncomingMessage, res: ServerResponse): Promise<boolean> {
  if (!fault) return false;
  await pause(fault.delayMs);
  if (fault.drop) {
    req.socket.destroy();
    return true;
  }
  if (fault.status !== undefined) {
    req.resume();
    if (fault.retryAfterSeconds !== undefined) res.setHeader('retry-after', String(fault.retryAfterSeconds));
    sendS3Error(
      res,
      fault.status,
      fault.code ?? (fault.status >= 500 ? 'InternalError' : 'AccessDenied'),
      fault.message ?? 'Injected by a sandbox fault rule',
    );
    return true;
  }
  return false;
}

/** A pass-through that lets `limit` bytes by and then hangs (never asks for more): a stalled transfer. */
export function stallAfter(limit: number): Transform {
  let passed = 0;
  return new Transform({
    transform(chunk: Buffer, _encoding, done) {
      if (passed >= limit) return; // never call done: the stream stops here
      const room = limit - passed;
      passed += chunk.length;
      if (chunk.length <= room) return done(null, chunk);
      this.push(chunk.subarray(0, room));
      // leave done uncalled: stall with the rest unread
    },
  });
}

/** The ETag a corruptEtag fault answers with: quoted, MD5-shaped, matching no real part. */
export const corruptEtag = '"00000000000000000000000000000bad"';

/** A corruptEtag fault's answer in place of `etag`: MD5-shaped, matching nothing, keeping a multipart "-N". */
export function corruptEtagLike(etag: string): string {
  const parts = /-(\d+)"?$/.exec(etag)?.[1];
  return parts ? `${corruptEtag.slice(0, -1)}-${parts}"` : corruptEtag;
}

/** The ETag an opaqueEtag fault answers with: quoted, not MD5-shaped (what SSE-KMS objects get). */
export function opaqueEtagFor(etag: string): string {
  const bare = etag.replace(/"/g, '');
  return `"kms-${bare.split('').reverse().join('')}"`;
}

/**
 * For dropAnswer / holdAnswer: the work is done, the answer never arrives.
 * true when the fault took the answer over.
 */
export function swallowAnswer(fault: FaultRule | undefined, res: ServerResponse): boolean {
  if (fault?.dropAnswer) {
    res.socket?.destroy();
    return true;
  }
  // Held until the client goes away (killed, timed out); the socket then closes by itself.
  return fault?.holdAnswer === true;
}
