// Verified at BioT, not assumed: after complete (or a single PUT) the object
// BioT holds is read back (size and ETag through its download link) and
// compared with what the uploader computed from the bytes it sent. S3's ETag
// for a multipart object is the MD5 of the parts' binary MD5s plus "-N"; for
// a single PUT it is the object's MD5. KMS buckets and some middleboxes answer
// other ETags: those objects are "not checkable", said with the reason, never
// taken as verified.
import { createHash } from 'node:crypto';
import { request } from 'undici';
import { BiotError } from '../biot/errors.ts';
import type { PartRow, ReadBackResult, UploadRow } from '../store/types.ts';
import { backoffDelay } from './backoff.ts';
import { sleep } from './sleep.ts';
import type { TransferDeps, TransferJob } from './transfer-types.ts';
import { CodedError } from '../common/coded-error.ts';

/** The object's size and ETag as storage reports them. */
export interface ObjectFacts {
  size: number;
  etag: string;
}

/** The ETag S3 gives an object assembled from these parts: md5(md5_1 || ... || md5_N) + "-N". */
export function multipartEtag(parts: readonly PartRow[]): string | undefined {
  if (parts.length === 0 || parts.some((p) => !p.md5)) return undefined;
  const outer = createHash('md5');
  for (const p of parts) outer.update(Buffer.from(p.md5 as string, 'hex'));
  return `${outer.digest('hex')}-${parts.length}`;
}

function bare(etag: string): string {
  return etag.trim().replace(/^W\//, '').replace(/^"|"$/g, '').toLowerCase();
}

/** Compares what storage holds with what was sent. `expectedEtag` is bare hex (with "-N" for multipart). */
export function verdictOf(facts: ObjectFacts, expected: { size: number; etag: string }): ReadBackResult {
  const etag = bare(facts.etag);
  const base = { size: facts.size, etag, expectedEtag: expected.etag };
  if (facts.size !== expected.size) return { verdict: 'mismatch', reason: 'SIZE_MISMATCH', ...base };
  if (!/^[0-9a-f]{32}(-\d{1,5})?$/.test(etag)) return { verdict: 'not-checkable', reason: 'OPAQUE_ETAG', ...base };
  return etag === expected.etag ? { verdict: 'verified', ...base } : { verdict: 'mismatch', reason: 'ETAG_MISMATCH', ...base };
}

/** Objects up to this size are read back with a plain GET rather than a ranged one. */
const wholeReadLimit = 256 * 1024;

/** Storage connections whose download links refused HEAD once (pre-signed for GET only). */
const headRefused = new WeakSet<object>();

/** A download check that cannot say anything yet (BioT or storage failing); 'gone' is BioT saying the file has no bytes. */
class ReadBackFailed extends CodedError {
  override name = 'ReadBackFailed';
  constructor(code: string) {
    super(code, `reading the object back failed (${code})`);
  }
}

/**
 * Reads the object's size and ETag through a fresh download link: HEAD first,
 * then a GET of byte 0 (a link signed for GET refuses HEAD on S3), whose
 * Content-Range carries the full size. 'gone' when BioT says the file holds
 * nothing (404); throws ReadBackFailed for anything that proves nothing.
 */
export async function readObject(deps: TransferDeps, biotFileId: string, expectedSize: number, signal: AbortSignal): Promise<ObjectFacts | 'gone'> {
  let url: string;
  try {
    url = (await deps.api.downloadLink(biotFileId, { signal: AbortSignal.any([signal, AbortSignal.timeout(30_000)]) })).signedUrl;
  } catch (error) {
    signal.throwIfAborted();
    if (error instanceof BiotError && error.code === 'FILE_ID_NOT_FOUND') return 'gone';
    throw new ReadBackFailed(error instanceof BiotError ? `DOWNLOAD_LINK_${error.code}` : 'DOWNLOAD_LINK_NETWORK');
  }
  const timeout = AbortSignal.any([signal, AbortSignal.timeout(30_000)]);
  try {
    if (!headRefused.has(deps.dispatcher)) {
      const head = await request(url, { method: 'HEAD', dispatcher: deps.dispatcher, signal: timeout });
      await head.body.dump();
      const etag = head.headers.etag;
      const length = Number(head.headers['content-length']);
      if (head.statusCode === 200 && typeof etag === 'string' && Number.isSafeInteger(length)) return { size: length, etag };
      // A link signed for GET: S3 refuses HEAD on it every time, so stop asking (one round trip per file saved).
      if (head.statusCode === 403 || head.statusCode === 405) headRefused.add(deps.dispatcher);
    }
    // A small object is read whole: radosgw answers the first ranged read of an
    // object ~40 ms late (measured), several times what 100 KiB costs on loopback.
    const whole = expectedSize <= wholeReadLimit;
    let ranged = await request(url, {
      method: 'GET',
      dispatcher: deps.dispatcher,
      signal: timeout,
      ...(!whole && { headers: { range: 'bytes=0-0' } }),
    });
    await ranged.body.dump({ limit: whole ? wholeReadLimit + 1024 : 1024 });
    if (ranged.statusCode === 416) {
      // An empty object has no byte 0: ask for all of it (nothing).
      ranged = await request(url, { method: 'GET', dispatcher: deps.dispatcher, signal: timeout });
      await ranged.body.dump({ limit: 1024 });
    }
    const rangedEtag = ranged.headers.etag;
    const total = ranged.statusCode === 206 ? sizeFromRange(ranged.headers['content-range']) : Number(ranged.headers['content-length']);
    if ((ranged.statusCode === 206 || ranged.statusCode === 200) && typeof rangedEtag === 'string' && Number.isSafeInteger(total)) {
      return { size: total as number, etag: rangedEtag };
    }
    throw new ReadBackFailed(`STORAGE_${ranged.statusCode}`);
  } catch (error) {
    signal.throwIfAborted();
    if (error instanceof ReadBackFailed) throw error;
    throw new ReadBackFailed('STORAGE_NETWORK');
  }
}

// "bytes 0-0/1234" -> 1234.
function sizeFromRange(header: string | string[] | undefined): number | undefined {
  const match = typeof header === 'string' ? /\/(\d+)\s*$/.exec(header) : null;
  return match ? Number(match[1]) : undefined;
}

/**
 * Reads the upload's object back, with backoff while BioT or storage fail, and
 * judges it. 'gone': BioT holds nothing under that id. After the attempts, a
 * check that never answered is 'not-checkable' with the last failure's code.
 */
export async function checkAtBiot(
  deps: TransferDeps,
  job: TransferJob,
  upload: UploadRow,
  expectedEtag: string | undefined,
): Promise<ReadBackResult | 'gone'> {
  const attempts = deps.settings.readBackAttempts;
  let code = 'UNKNOWN';
  for (let attempt = 1; attempt <= attempts; attempt++) {
    try {
      const facts = await readObject(deps, upload.biotFileId, upload.fileSize, job.signal);
      if (facts === 'gone') return 'gone';
      if (!expectedEtag) return { verdict: 'not-checkable', reason: 'NO_PART_MD5', size: facts.size, etag: bare(facts.etag) };
      return verdictOf(facts, { size: upload.fileSize, etag: expectedEtag });
    } catch (error) {
      if (!(error instanceof ReadBackFailed)) throw error;
      code = error.code;
      deps.log?.({ event: 'read-back-retry', fileId: job.fileId, uploadId: upload.id, code });
    }
    if (attempt < attempts) await sleep(backoffDelay(attempt, { baseMs: deps.settings.retryBaseMs, maxMs: deps.settings.retryMaxMs }), job.signal);
  }
  return { verdict: 'not-checkable', reason: code, expectedEtag: expectedEtag ?? null };
}
