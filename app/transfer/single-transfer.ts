// A file that fits in one part goes as BioT's single upload: one create call
// and one PUT, against multipart's create, PUT, save ETags and complete (four
// S3 and BioT round trips). The bench measured 250-305 against 18 small files
// a second. Resuming is moot for one part, so a single upload that did not
// finish is simply made again; the MD5 check of the ETag stays.
import { basename } from 'node:path';
import type { UploadRow } from '../store/types.ts';
import { backoffDelay } from './backoff.ts';
import { checkPartEtag } from './etag-check.ts';
import { biotNameFor, mimeTypeFor } from './mime.ts';
import { PartGaveUp, PartRefused, type TransferOutcome } from './outcome.ts';
import { putPart, StalledError } from './part-put.ts';
import { sleep } from './sleep.ts';
import { SourceReadError } from './source-read-error.ts';
import type { TransferDeps, TransferJob } from './transfer-types.ts';

/** Sends a file of `size` bytes (at most one part) as a single upload; ends done or throws. */
export async function transferSingle(
  deps: TransferDeps,
  job: TransferJob,
  source: { size: number; mtimeMs: number },
  started: (upload: UploadRow) => void,
): Promise<TransferOutcome> {
  const { settings } = deps;
  const name = basename(job.path);
  let lastCode = 'UNKNOWN';
  for (let attempt = 1; attempt <= settings.maxPartAttempts; attempt++) {
    job.signal.throwIfAborted();
    // Each attempt has its own upload: a single upload's link cannot be renewed.
    const created = await deps.api.createSingle({ name: biotNameFor(name), mimeType: mimeTypeFor(name) }, { signal: job.signal });
    const upload = deps.ledger.startUpload(
      job.fileId,
      { biotFileId: created.id, kind: 'single', partSize: source.size, partCount: 1, fileSize: source.size, fileMtimeMs: source.mtimeMs },
      [{ partNumber: 1, offset: 0, size: source.size }],
    );
    started(upload);
    let sent = 0;
    try {
      const result = await putPart({
        url: created.signedUrl,
        path: job.path,
        offset: 0,
        size: source.size,
        dispatcher: deps.dispatcher,
        throttle: deps.throttle,
        stallMs: settings.stallMs,
        signal: job.signal,
        onBytes: (n) => {
          sent += n;
          job.onBytes?.(n);
        },
      });
      if (result.ok && checkPartEtag(result.etag, result.md5) !== 'mismatch') {
        deps.ledger.recordPartEtag(upload.id, 1, result.etag, result.md5);
        deps.ledger.closeUpload(upload.id, 'completed');
        deps.log?.({ event: 'completed', fileId: job.fileId, uploadId: upload.id });
        return { kind: 'done', biotFileId: created.id };
      }
      if (!result.ok && result.status >= 400 && result.status < 500 && result.status !== 403 && result.status !== 408 && result.status !== 429) {
        throw new PartRefused(`STORAGE_${result.status}`, `storage refused the file (HTTP ${result.status} ${result.storageCode ?? ''})`.trim());
      }
      lastCode = result.ok ? 'ETAG_MISMATCH' : `STORAGE_${result.status}`;
    } catch (error) {
      // Only the source's own read errors end the file here; a refused or reset connection is retried.
      if (job.signal.aborted || error instanceof PartRefused || error instanceof SourceReadError) throw error;
      lastCode = error instanceof StalledError ? 'STALLED' : 'NETWORK';
    }
    job.onBytes?.(-sent);
    deps.ledger.closeUpload(upload.id, 'abandoned');
    deps.log?.({ event: 'part-retry', fileId: job.fileId, uploadId: upload.id, part: 1, code: lastCode });
    await sleep(backoffDelay(attempt, { baseMs: settings.retryBaseMs, maxMs: settings.retryMaxMs }), job.signal);
  }
  throw new PartGaveUp(lastCode, `the file failed ${settings.maxPartAttempts} times (${lastCode}); will try again`);
}
