// One file's multipart transfer, from wherever its last run stopped to a
// completed BioT file. The database row is the truth: parts that already have
// an ETag are never sent again, links are re-asked for the rest, and complete
// is called only when every part has its ETag (BioT silently drops a part
// without one, biot-file-api.md).
import { stat } from 'node:fs/promises';
import { basename } from 'node:path';
import { BiotError } from '../biot/errors.ts';
import type { UploadRow } from '../store/types.ts';
import { EtagSaver } from './etag-saver.ts';
import { LinkBook } from './link-book.ts';
import { biotNameFor, mimeTypeFor } from './mime.ts';
import { outcomeOf, PartGaveUp, type TransferOutcome } from './outcome.ts';
import { partSizeFor, planParts } from './part-plan.ts';
import { PartSender } from './part-sender.ts';
import { runPool } from './pool.ts';
import { StopRequest } from './stop.ts';
import type { TransferDeps, TransferJob } from './transfer-types.ts';
import { abandon, biotFacts, cancelAtBiot, isDownloadable, isUploadGone, restartFrom, SourceNotAFile } from './upload-end.ts';

export { defaultTransferSettings, type TransferDeps, type TransferJob, type TransferSettings } from './transfer-types.ts';

/** Runs one file's transfer to its end and says how it ended; never throws. */
export async function transferFile(deps: TransferDeps, job: TransferJob): Promise<TransferOutcome> {
  let upload: UploadRow | undefined;
  try {
    // A file whose BioT upload vanished (404, cancelled elsewhere) starts once more.
    for (let restart = 0; ; restart++) {
      upload = undefined;
      const result = await runUpload(deps, job, (u) => (upload = u));
      if (result !== 'restart' || restart >= 1) {
        return result === 'restart'
          ? { kind: 'retry', code: 'UPLOAD_LOST', message: 'BioT no longer knows this upload; will start again' }
          : result;
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

async function runUpload(
  deps: TransferDeps,
  job: TransferJob,
  started: (upload: UploadRow) => void,
): Promise<TransferOutcome | 'restart'> {
  const { ledger, api, settings } = deps;
  const source = await stat(job.path);
  if (!source.isFile()) throw new SourceNotAFile();
  const mtimeMs = Math.trunc(source.mtimeMs);
  const links = new LinkBook(deps.now);
  let upload = ledger.currentUpload(job.fileId);
  if (upload && (upload.fileSize !== source.size || upload.fileMtimeMs !== mtimeMs)) {
    // The bytes changed since this upload began: its parts are worthless.
    await abandon(deps, job, upload);
    return { kind: 'source-changed', size: source.size, mtimeMs };
  }
  if (!upload) {
    const partSize = partSizeFor(source.size, settings.partSize);
    const plan = planParts(source.size, partSize);
    const name = basename(job.path);
    const created = await api.createMultipart(
      { name: biotNameFor(name), mimeType: mimeTypeFor(name), parts: Math.min(plan.length, settings.linkWindow) },
      { signal: job.signal },
    );
    links.add(created);
    upload = ledger.startUpload(
      job.fileId,
      { biotFileId: created.id, kind: 'multipart', partSize, partCount: plan.length, fileSize: source.size, fileMtimeMs: mtimeMs },
      plan,
    );
    deps.log?.({ event: 'upload-created', fileId: job.fileId, uploadId: upload.id });
  }
  started(upload);
  const current = upload;
  const parts = ledger.parts(current.id);
  const saver = new EtagSaver({
    save: (batch) => api.saveEtags(current.biotFileId, batch, { signal: job.signal }),
    markSaved: (numbers) => ledger.markEtagsSaved(current.id, numbers),
    onError: (error) => deps.log?.({ event: 'etag-save-failed', fileId: job.fileId, uploadId: current.id, ...biotFacts(error) }),
    batchSize: settings.etagBatch,
    maxAgeMs: settings.etagMaxAgeMs,
    ...(deps.now && { now: deps.now }),
  });
  // ETags recorded locally but not yet at BioT (a crash between the two).
  for (const part of parts) if (part.etag && !part.etagSavedToBiot) saver.add({ partNumber: part.partNumber, etag: part.etag });

  const sender = new PartSender(deps, job, current, links);
  try {
    await runPool(
      parts.filter((p) => !p.etag),
      settings.parallelParts,
      job.signal,
      async (part, signal) => {
        const etag = await sender.send(part, signal);
        saver.add({ partNumber: part.partNumber, etag });
      },
    );
  } catch (error) {
    if (isUploadGone(error)) return restartFrom(deps, job, current);
    if (await sourceChanged(job.path, current)) return changedOutcome(deps, job, current);
    throw error;
  }
  await saver.flush();
  if (await sourceChanged(job.path, current)) return changedOutcome(deps, job, current);
  return complete(deps, job, current);
}

async function complete(deps: TransferDeps, job: TransferJob, upload: UploadRow): Promise<TransferOutcome | 'restart'> {
  const parts = deps.ledger.parts(upload.id);
  const missing = parts.filter((p) => !p.etag);
  if (missing.length > 0 || parts.length !== upload.partCount) {
    // Never complete with a gap: BioT would assemble a file without those bytes.
    throw new PartGaveUp('PARTS_MISSING', `${missing.length} part(s) have no ETag; will try again`);
  }
  deps.ledger.markCompleting(job.fileId);
  const etags = parts.map((p) => ({ partNumber: p.partNumber, etag: p.etag as string }));
  try {
    await deps.api.complete(upload.biotFileId, etags, { signal: job.signal });
  } catch (error) {
    if (!(error instanceof BiotError)) throw error;
    if (error.code === 'FILE_IS_NOT_UNCOMPLETED_MULTIPLE_PART_UPLOAD' && (await isDownloadable(deps, upload))) {
      // An earlier complete went through but its answer was lost (crash, dropped connection).
      deps.log?.({ event: 'complete-already-done', fileId: job.fileId, uploadId: upload.id });
    } else if (isUploadGone(error)) {
      return restartFrom(deps, job, upload);
    } else {
      throw error;
    }
  }
  deps.ledger.closeUpload(upload.id, 'completed');
  deps.log?.({ event: 'completed', fileId: job.fileId, uploadId: upload.id });
  return { kind: 'done', biotFileId: upload.biotFileId };
}

async function sourceChanged(path: string, upload: UploadRow): Promise<boolean> {
  try {
    const now = await stat(path);
    return now.size !== upload.fileSize || Math.trunc(now.mtimeMs) !== upload.fileMtimeMs;
  } catch {
    return true;
  }
}

async function changedOutcome(deps: TransferDeps, job: TransferJob, upload: UploadRow): Promise<TransferOutcome> {
  await abandon(deps, job, upload);
  const now = await stat(job.path); // throws ENOENT -> missing
  return { kind: 'source-changed', size: now.size, mtimeMs: Math.trunc(now.mtimeMs) };
}

