// A file that fits in one part goes as BioT's single upload: one create call
// and one PUT, against multipart's create, PUT, save ETags and complete (four
// S3 and BioT round trips). The bench measured 250-305 against 18 small files
// a second.
//
// Never twice: the BioT file id is recorded before the PUT. A PUT whose answer
// was lost (connection reset, the process killed) is sent again to the same
// link, which overwrites the same object; a later run first reads the recorded
// file back (size and ETag) and keeps it when it holds these bytes. Only a
// file BioT says holds nothing is given up for a new one. The size and mtime
// are checked around the PUT, and the SHA-256 on record is computed in the
// same read that sends the bytes.
import { createHash } from 'node:crypto';
import { createReadStream } from 'node:fs';
import { stat } from 'node:fs/promises';
import { basename } from 'node:path';
import { originOf } from '../biot/host-holds.ts';
import type { ReadBackResult, UploadRow } from '../store/types.ts';
import { backoffDelay } from './backoff.ts';
import { checkPartEtag } from './etag-check.ts';
import { biotNameFor, mimeTypeFor } from './mime.ts';
import { PartGaveUp, PartRefused, type TransferOutcome } from './outcome.ts';
import { putPart, StalledError } from './part-put.ts';
import { checkAtBiot } from './read-back.ts';
import { sleep } from './sleep.ts';
import { SourceReadError } from './source-read-error.ts';
import { stopReasonOf } from './stop.ts';
import type { TransferDeps, TransferJob } from './transfer-types.ts';
import { abandon } from './upload-end.ts';
import { oneCommit, settleVerdict } from './upload-steps.ts';
import { readWhole, WHOLE_READ_LIMIT } from './whole-read.ts';
import { isSetupCode, netFailureOf } from '../net/failure.ts';

type Source = { size: number; mtimeMs: number };

/**
 * Sends a file of `size` bytes (at most one part) as a single upload; ends
 * done, source-changed or needs-attention, or throws. `recorded` is the
 * file's open single upload from an earlier run, if any (same size and mtime).
 */
export async function transferSingle(
  deps: TransferDeps,
  job: TransferJob,
  source: Source,
  started: (upload: UploadRow) => void,
  recorded?: UploadRow,
): Promise<TransferOutcome> {
  if (recorded) {
    started(recorded);
    const kept = await keepIfHeld(deps, job, recorded);
    if (kept) return kept;
  }
  const { settings } = deps;
  const name = basename(job.path);
  let lastCode = 'UNKNOWN';
  let refusal: string | undefined;
  let connection: (() => void) | undefined;
  try {
    let current: { upload: UploadRow; url: string } | undefined;
    for (let attempt = 1; attempt <= settings.maxPartAttempts; attempt++) {
      job.signal.throwIfAborted();
      if (!current) {
        const created = await deps.api.createSingle({ name: biotNameFor(name), mimeType: mimeTypeFor(name) }, { signal: job.signal });
        // Recorded before any byte moves: a lost answer is then found again, never made twice.
        const upload = await deps.ledger.startUpload(
          job.fileId,
          { biotFileId: created.id, kind: 'single', partSize: source.size, partCount: 1, fileSize: source.size, fileMtimeMs: source.mtimeMs },
          [{ partNumber: 1, offset: 0, size: source.size }],
        );
        started(upload);
        current = { upload, url: created.signedUrl };
      }
      const { upload, url } = current;
      // The BioT file was made while other files sent; its PUT waits for a connection (engine/lanes.ts).
      connection ??= await connectionFor(deps, job, upload);
      // Storage asked (Retry-After) to be left alone: wait with every file aimed at it.
      await deps.holds?.wait(originOf(url), job.signal);
      // A change before the first PUT shows in the check after it; a retry looks first.
      if (attempt > 1 && (await changedSince(job.path, source))) return changed(deps, job, upload);
      let sent = 0;
      try {
        // Read whole when small, and when the bandwidth limit lets it go at once (whole-read.ts).
        const burst = deps.throttle.burst;
        const whole = source.size <= WHOLE_READ_LIMIT && (burst === 0 || source.size <= burst) ? await readWhole(job.path, source) : undefined;
        if (whole === 'changed') return changed(deps, job, upload);
        const result = await putPart({
          url,
          path: job.path,
          offset: 0,
          size: source.size,
          dispatcher: deps.dispatcher,
          throttle: deps.throttle,
          stallMs: settings.stallMs,
          signal: job.signal,
          sha256: true,
          ...(whole && { whole }),
          ...(deps.holds && { holds: deps.holds }),
          onBytes: (n) => {
            sent += n;
            job.onBytes?.(n);
          },
        });
        // Written during the PUT: BioT may hold a mix of two versions; this upload is worth nothing.
        // (Not so for a whole read: the bytes sent are the ones read, of one version.)
        if (!whole && (await changedSince(job.path, source))) return changed(deps, job, upload);
        const etag = result.ok ? checkPartEtag(result.etag, result.md5) : undefined;
        if (result.ok && etag !== 'mismatch') {
          if (job.readBackSingle === false && etag === 'match') {
            return oneCommit(deps.ledger, () => {
              deps.ledger.recordPartEtag(upload.id, 1, result.etag, result.md5);
              return settleVerdict(deps, job, upload, putAnswerVerdict(source.size, result.md5), result.sha256);
            });
          }
          deps.ledger.recordPartEtag(upload.id, 1, result.etag, result.md5);
          const checked = await checkAtBiot(deps, job, upload, result.md5);
          if (checked !== 'gone') return settleVerdict(deps, job, upload, checked, result.sha256);
          lastCode = 'READ_BACK_GONE';
        } else if (!result.ok && result.status === 403) {
          // The link expired or was refused: it cannot be renewed. Keep the upload if an earlier PUT landed.
          const kept = await keepIfHeld(deps, job, upload);
          if (kept) return kept;
          current = undefined;
          lastCode = `STORAGE_403_${result.storageCode ?? 'AccessDenied'}`;
        } else if (!result.ok && result.status >= 400 && result.status < 500 && result.status !== 408 && result.status !== 429) {
          throw new PartRefused(`STORAGE_${result.status}`, `storage refused the file (HTTP ${result.status} ${result.storageCode ?? ''})`.trim());
        } else {
          lastCode = result.ok ? 'ETAG_MISMATCH' : `STORAGE_${result.status}`;
        }
      } catch (error) {
        // Only the source's own read errors end the file here; a refused or reset connection is retried.
        if (job.signal.aborted || error instanceof PartRefused || error instanceof SourceReadError) throw error;
        // The answer was lost; the object may be stored. The next PUT goes to the same link and overwrites it.
        lastCode = error instanceof StalledError ? 'STALLED' : (netFailureOf(error)?.code ?? 'NETWORK');
        refusal = netFailureOf(error)?.message;
      }
      job.onBytes?.(-sent);
      // A certificate or proxy refusal is the same on every attempt: no backoff, the banner asks a person.
      if (isSetupCode(lastCode)) throw new PartGaveUp(lastCode, `${refusal ?? lastCode}; will try again`);
      deps.log?.({ event: 'part-retry', fileId: job.fileId, uploadId: upload.id, part: 1, code: lastCode });
      await sleep(backoffDelay(attempt, { baseMs: settings.retryBaseMs, maxMs: settings.retryMaxMs }), job.signal);
    }
    throw new PartGaveUp(lastCode, `the file failed ${settings.maxPartAttempts} times (${lastCode}); will try again`);
  } finally {
    connection?.();
  }
}

/**
 * A connection for the PUT (deps.sendSlot). Stopped while waiting for one, no
 * byte went to the BioT file made ahead of its turn: the upload is given up
 * here rather than read back at the next start (BioT has no cancel for a
 * single upload, so that BioT file stays empty, as one whose create answer
 * was lost does).
 */
async function connectionFor(deps: TransferDeps, job: TransferJob, upload: UploadRow): Promise<() => void> {
  if (!deps.sendSlot) return () => {};
  try {
    return await deps.sendSlot(job.signal);
  } catch (error) {
    // A cancel closes it as cancelled (file-transfer.ts); any other stop gives it up here.
    if (job.signal.aborted && stopReasonOf(job.signal) !== 'cancel') {
      deps.ledger.closeUpload(upload.id, 'abandoned');
      deps.log?.({ event: 'created-unsent', fileId: job.fileId, uploadId: upload.id });
    }
    throw error;
  }
}

/**
 * The recorded upload's BioT file, read back: kept (done, with its verdict)
 * when it holds this file's bytes; closed as abandoned when BioT says it holds
 * nothing. While BioT cannot tell, nothing new is made: the run ends and the
 * file is tried again later.
 */
async function keepIfHeld(deps: TransferDeps, job: TransferJob, upload: UploadRow): Promise<TransferOutcome | undefined> {
  const digest = await digestFile(job.path, upload);
  if (digest === 'changed') return changed(deps, job, upload);
  const checked = await checkAtBiot(deps, job, upload, digest.md5);
  if (checked === 'gone') {
    deps.ledger.closeUpload(upload.id, 'abandoned');
    return undefined;
  }
  if (checked.verdict === 'not-checkable' && checked.size === undefined) {
    // No answer at all: it may hold the export, so no second BioT file is made now.
    throw new PartGaveUp('READ_BACK_FAILED', `BioT did not say whether it holds the file (${checked.reason ?? 'unknown'}); will try again`);
  }
  if (checked.verdict === 'mismatch') {
    // Some other bytes (a PUT cut short leaves none on S3, so this is rare): a fresh upload is made.
    deps.ledger.recordVerification(upload.id, checked);
    deps.ledger.closeUpload(upload.id, 'abandoned');
    return undefined;
  }
  deps.log?.({ event: 'single-upload-found', fileId: job.fileId, uploadId: upload.id });
  deps.ledger.recordPartEtag(upload.id, 1, `"${digest.md5}"`, digest.md5);
  return settleVerdict(deps, job, upload, checked, digest.sha256);
}

/**
 * The verdict a single PUT's own answer gives: storage stored `size` bytes
 * whose MD5 is the ETag it answered (checked equal before this is called).
 */
function putAnswerVerdict(size: number, md5: string): ReadBackResult {
  return { verdict: 'verified', reason: 'PUT_ETAG', size, etag: md5, expectedEtag: md5 };
}

/** MD5 and SHA-256 of the file in one read, or 'changed' when its size or mtime moved meanwhile. */
async function digestFile(path: string, upload: UploadRow): Promise<{ md5: string; sha256: string } | 'changed'> {
  const source = { size: upload.fileSize, mtimeMs: upload.fileMtimeMs };
  if (await changedSince(path, source)) return 'changed';
  const md5 = createHash('md5');
  const sha256 = createHash('sha256');
  for await (const chunk of createReadStream(path, { highWaterMark: 1024 * 1024 })) {
    md5.update(chunk as Buffer);
    sha256.update(chunk as Buffer);
  }
  if (await changedSince(path, source)) return 'changed';
  return { md5: md5.digest('hex'), sha256: sha256.digest('hex') };
}

/** Whether the file's size or mtime differ from `source` (a stat error other than a change is thrown). */
async function changedSince(path: string, source: Source): Promise<boolean> {
  const now = await stat(path);
  return now.size !== source.size || Math.trunc(now.mtimeMs) !== source.mtimeMs;
}

/** The source changed around the PUT: give the upload up and queue the new version. */
async function changed(deps: TransferDeps, job: TransferJob, upload: UploadRow): Promise<TransferOutcome> {
  await abandon(deps, job, upload);
  const now = await stat(job.path);
  return { kind: 'source-changed', size: now.size, mtimeMs: Math.trunc(now.mtimeMs) };
}
