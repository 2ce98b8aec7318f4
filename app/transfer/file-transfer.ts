// One file's multipart transfer, from wherever its last run stopped to a
// completed BioT file. The database row is the truth: parts that already have
// an ETag are never sent again, links are re-asked for the rest, and complete
// is called only when every part has its ETag (BioT silently drops a part
// completed without one).
import { stat } from 'node:fs/promises';
import type { UploadRow } from '../store/types.ts';
import { transferGrowing } from './growing-transfer.ts';
import { LinkBook } from './link-book.ts';
import { outcomeOf, type TransferOutcome } from './outcome.ts';
import { partSizeFor, planParts } from './part-plan.ts';
import { transferSingle } from './single-transfer.ts';
import { StopRequest } from './stop.ts';
import type { TransferDeps, TransferJob } from './transfer-types.ts';
import { abandon, cancelAtBiot, dropDuplicate, isUploadGone, restartFrom, SourceNotAFile } from './upload-end.ts';
import { changedOutcome, complete, createUpload, UploadSender } from './upload-steps.ts';

export { defaultTransferSettings, type TransferDeps, type TransferJob, type TransferSettings } from './transfer-types.ts';

/** Runs one file's transfer to its end and says how it ended; never throws. */
export async function transferFile(deps: TransferDeps, job: TransferJob): Promise<TransferOutcome> {
  let upload: UploadRow | undefined;
  try {
    // A file whose BioT upload vanished (404, cancelled elsewhere) starts once
    // more at once, when that was the first upload lost in a row. A storage
    // that keeps losing them (NoSuchUpload for every part) gets no fresh BioT
    // upload a second: the file is tried again later (the outcome policy
    // backs off, then stops in needs-attention).
    for (let restart = 0; ; restart++) {
      upload = undefined;
      const run = job.growing ? transferGrowing : runUpload;
      const result = await run(deps, job, (u) => (upload = u));
      if (result !== 'restart') return result;
      if (restart >= 1 || (deps.ledger.lostInARow?.(job.fileId) ?? 1) > 1) {
        return { kind: 'retry', code: 'UPLOAD_LOST', message: 'BioT no longer knows this upload; will start again' };
      }
    }
  } catch (error) {
    const reason = job.signal.aborted && job.signal.reason instanceof StopRequest ? job.signal.reason : error;
    if (reason instanceof StopRequest && reason.reason === 'cancel' && upload) await cancelAtBiot(deps, job, upload);
    const outcome = outcomeOf(reason);
    if (outcome.kind === 'retry' || outcome.kind === 'needs-attention') {
      deps.log?.({ event: 'transfer-failed', fileId: job.fileId, code: outcome.code, ...(outcome.traceId && { traceId: outcome.traceId }) });
    }
    return outcome;
  }
}

async function runUpload(deps: TransferDeps, job: TransferJob, started: (upload: UploadRow) => void): Promise<TransferOutcome | 'restart'> {
  const source = await stat(job.path);
  if (!source.isFile()) throw new SourceNotAFile();
  const mtimeMs = Math.trunc(source.mtimeMs);
  const links = new LinkBook(deps.now);
  let upload = deps.ledger.currentUpload(job.fileId);
  if (upload && (upload.fileSize !== source.size || upload.fileMtimeMs !== mtimeMs)) {
    // The bytes changed since this upload began: its parts are worthless.
    await abandon(deps, job, upload);
    return { kind: 'source-changed', size: source.size, mtimeMs };
  }
  if (upload?.kind === 'single') {
    // A single upload cut short (crash, pause, lost answer): its BioT file may already hold the bytes.
    return transferSingle(deps, job, { size: source.size, mtimeMs }, started, upload);
  }
  if (!upload) {
    // Changed while queued: a new upload would send bytes other than the ones hashed at intake.
    const expected = job.expected;
    if (expected && (expected.size !== source.size || Math.trunc(expected.mtimeMs) !== mtimeMs)) {
      deps.log?.({ event: 'source-changed', fileId: job.fileId });
      return { kind: 'source-changed', size: source.size, mtimeMs };
    }
    const partSize = partSizeFor(source.size, deps.settings.partSize);
    if (source.size < partSize && deps.settings.singleUploads) return transferSingle(deps, job, { size: source.size, mtimeMs }, started);
    const plan = planParts(source.size, partSize);
    upload = await createUpload(deps, job, links, { partSize, partCount: plan.length, plan, fileSize: source.size, fileMtimeMs: mtimeMs });
  }
  started(upload);
  const current = upload;
  const sender = new UploadSender(deps, job, current, links, true);
  try {
    await sender.send(deps.ledger.parts(current.id));
  } catch (error) {
    if (isUploadGone(error)) return restartFrom(deps, job, current, error);
    const check = await sourceCheck(job.path, current);
    if (check === 'changed') return changedOutcome(deps, job, current);
    if (check === 'gone') return gone(deps, job, current);
    throw error;
  }
  await sender.flush();
  const check = await sourceCheck(job.path, current);
  if (check === 'changed') return changedOutcome(deps, job, current);
  if (check === 'gone') return gone(deps, job, current);
  // The hash of the bytes just sent (size and mtime unchanged since they were read).
  const sha256 = await sender.sha256();
  const original = sha256 && job.duplicateOf?.(sha256);
  if (sha256 && original) {
    // Known only now (no file of this size was done when it was queued): never complete a second copy.
    await dropDuplicate(deps, job, current);
    return { kind: 'duplicate', of: original, sha256 };
  }
  return complete(deps, job, current, sha256);
}

/**
 * Whether the source still is what the upload was made from. Only a stat that
 * succeeds with another size or mtime is a change; ENOENT means gone. Any
 * other stat error (a network share's brief EIO or ETIMEDOUT) proves nothing:
 * it is thrown, and the file is tried again later with its upload kept.
 */
async function sourceCheck(path: string, upload: UploadRow): Promise<'same' | 'changed' | 'gone'> {
  let now;
  try {
    now = await stat(path);
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return 'gone';
    throw error;
  }
  return now.size !== upload.fileSize || Math.trunc(now.mtimeMs) !== upload.fileMtimeMs ? 'changed' : 'same';
}

/** The source vanished: its upload is worthless (the row's 'missing' is final). */
async function gone(deps: TransferDeps, job: TransferJob, upload: UploadRow): Promise<TransferOutcome> {
  await abandon(deps, job, upload);
  return { kind: 'missing' };
}
