// The steps every multipart transfer shares, plain or growing: create the
// BioT upload and record it, send parts with their ETags saved as they land,
// and complete only when every planned part has its ETag.
import { stat } from 'node:fs/promises';
import { basename } from 'node:path';
import { BiotError } from '../biot/errors.ts';
import type { PartRow, ReadBackResult, UploadRow } from '../store/types.ts';
import { EtagSaver } from './etag-saver.ts';
import type { LinkBook } from './link-book.ts';
import { biotNameFor, mimeTypeFor } from './mime.ts';
import { OrderedHasher } from './ordered-hash.ts';
import { PartGaveUp, type TransferOutcome } from './outcome.ts';
import type { PlannedPart } from './part-plan.ts';
import { PartSender } from './part-sender.ts';
import type { TransferLedger } from './ports.ts';
import { runPool } from './pool.ts';
import type { TransferDeps, TransferJob } from './transfer-types.ts';
import { checkAtBiot, multipartEtag } from './read-back.ts';
import { abandon, biotFacts, restartFrom } from './upload-end.ts';

/** Creates the BioT multipart upload and records it with its plan in one transaction. */
export async function createUpload(
  deps: TransferDeps,
  job: TransferJob,
  links: LinkBook,
  shape: { partSize: number; partCount: number; plan: readonly PlannedPart[]; fileSize: number; fileMtimeMs: number },
): Promise<UploadRow> {
  const name = basename(job.path);
  const created = await deps.api.createMultipart(
    { name: biotNameFor(name), mimeType: mimeTypeFor(name), parts: Math.min(shape.partCount, deps.settings.linkWindow) },
    { signal: job.signal },
  );
  links.add(created);
  let upload: UploadRow;
  try {
    upload = await deps.ledger.startUpload(
      job.fileId,
      {
        biotFileId: created.id,
        kind: 'multipart',
        partSize: shape.partSize,
        partCount: shape.partCount,
        fileSize: shape.fileSize,
        fileMtimeMs: shape.fileMtimeMs,
      },
      shape.plan,
    );
  } catch (error) {
    // Not recorded, so never resumed: leave no open upload behind at BioT.
    await deps.api.cancel(created.id, { signal: AbortSignal.timeout(10_000) }).catch(() => undefined);
    throw error;
  }
  deps.log?.({ event: 'upload-created', fileId: job.fileId, uploadId: upload.id });
  return upload;
}

/** Sends parts of one upload and saves their ETags (locally at once, to BioT in batches). */
export class UploadSender {
  readonly #deps: TransferDeps;
  readonly #job: TransferJob;
  readonly #saver: EtagSaver;
  readonly #sender: PartSender;
  readonly #hasher: OrderedHasher | undefined;

  /**
   * `hashFile`: also take the whole file's SHA-256 while sending (ordered-hash.ts).
   * Only an upload whose every part is sent in this run can: a resumed one's
   * earlier parts are not read again.
   */
  constructor(deps: TransferDeps, job: TransferJob, upload: UploadRow, links: LinkBook, hashFile = false) {
    this.#deps = deps;
    this.#job = job;
    const fresh = hashFile && deps.ledger.parts(upload.id).every((p) => !p.etag);
    this.#hasher = fresh ? new OrderedHasher(job.path, upload.fileSize) : undefined;
    this.#sender = new PartSender(deps, job, upload, links, this.#hasher);
    this.#saver = new EtagSaver({
      save: (batch) => deps.api.saveEtags(upload.biotFileId, batch, { signal: job.signal }),
      markSaved: (numbers) => deps.ledger.markEtagsSaved(upload.id, numbers),
      onError: (error) => deps.log?.({ event: 'etag-save-failed', fileId: job.fileId, uploadId: upload.id, ...biotFacts(error) }),
      batchSize: deps.settings.etagBatch,
      maxAgeMs: deps.settings.etagMaxAgeMs,
      ...(deps.now && { now: deps.now }),
    });
    // ETags recorded locally but not yet at BioT (a crash between the two).
    for (const part of deps.ledger.parts(upload.id)) {
      if (part.etag && !part.etagSavedToBiot) this.#saver.add({ partNumber: part.partNumber, etag: part.etag });
    }
  }

  /** Sends every given part without an ETag, parallelParts at a time; the first failure stops the rest. */
  async send(parts: readonly PartRow[]): Promise<void> {
    await runPool(
      parts.filter((p) => !p.etag),
      this.#deps.settings.parallelParts,
      this.#job.signal,
      async (part, signal) => {
        const etag = await this.#sender.send(part, signal);
        this.#saver.add({ partNumber: part.partNumber, etag });
      },
    );
  }

  /** The whole file's SHA-256 once every byte went through this sender's reads; undefined otherwise. */
  sha256(): Promise<string | undefined> {
    return this.#hasher?.finish() ?? Promise.resolve(undefined);
  }

  /** Waits for the ETag saves to BioT started so far. */
  flush(): Promise<void> {
    return this.#saver.flush();
  }
}

/**
 * Completes the upload once every planned part has its ETag, then reads the
 * assembled object back and judges it (read-back.ts). A complete whose answer
 * was lost ("not an uncompleted upload" on the next try) counts as done once
 * BioT shows the file, and as done-unverified while BioT keeps failing to
 * answer: the first BioT file may hold the export, so no second one is made.
 */
export async function complete(deps: TransferDeps, job: TransferJob, upload: UploadRow, sha256?: string): Promise<TransferOutcome | 'restart'> {
  const parts = deps.ledger.parts(upload.id);
  const missing = parts.filter((p) => !p.etag);
  if (missing.length > 0 || parts.length !== upload.partCount) {
    // Never complete with a gap: BioT would assemble a file without those bytes.
    throw new PartGaveUp('PARTS_MISSING', `${missing.length} part(s) have no ETag; will try again`);
  }
  // A pause or cancel that came in after the last part must win over completing.
  job.signal.throwIfAborted();
  await deps.ledger.markCompleting(job.fileId);
  const etags = parts.map((p) => ({ partNumber: p.partNumber, etag: p.etag as string }));
  let alreadyDone = false;
  try {
    await deps.api.complete(upload.biotFileId, etags, { signal: job.signal });
  } catch (error) {
    if (!(error instanceof BiotError)) throw error;
    if (error.code === 'FILE_ID_NOT_FOUND') return lostWhileCompleting(deps, job, upload);
    if (error.code !== 'FILE_IS_NOT_UNCOMPLETED_MULTIPLE_PART_UPLOAD') throw error;
    // Completed (an earlier complete whose answer was lost) or cancelled: the read-back tells which.
    alreadyDone = true;
  }
  const checked = await checkAtBiot(deps, job, upload, multipartEtag(parts));
  if (checked === 'gone') return lostWhileCompleting(deps, job, upload);
  if (alreadyDone) deps.log?.({ event: 'complete-already-done', fileId: job.fileId, uploadId: upload.id, code: checked.reason ?? checked.verdict });
  return settleVerdict(deps, job, upload, checked, sha256);
}

/**
 * BioT holds nothing under this upload's id. The row is 'completing' by now,
 * and only a claimed ('uploading') row may get a new upload: restarting here
 * would create a BioT upload the store then refuses (an orphan). The file is
 * tried again later from the start instead.
 */
async function lostWhileCompleting(deps: TransferDeps, job: TransferJob, upload: UploadRow): Promise<TransferOutcome> {
  await restartFrom(deps, job, upload);
  return { kind: 'retry', code: 'UPLOAD_LOST', message: 'BioT no longer knows this upload; will start again' };
}

/**
 * Records the read-back verdict and ends the upload by it: verified or not
 * checkable is done (the row says which); a mismatch is never done: the upload
 * is closed as abandoned (so a Retry sends the file again rather than attaching
 * that object) and a person is asked to look.
 */
export function settleVerdict(deps: TransferDeps, job: TransferJob, upload: UploadRow, checked: ReadBackResult, sha256?: string): TransferOutcome {
  return oneCommit(deps.ledger, () => settle(deps, job, upload, checked, sha256));
}

/** `steps` as one commit when the ledger can (TransferLedger.inOneCommit). */
export function oneCommit<T>(ledger: TransferLedger, steps: () => T): T {
  return ledger.inOneCommit ? ledger.inOneCommit(steps) : steps();
}

function settle(deps: TransferDeps, job: TransferJob, upload: UploadRow, checked: ReadBackResult, sha256?: string): TransferOutcome {
  deps.ledger.recordVerification(upload.id, checked);
  deps.log?.({
    event: 'read-back',
    fileId: job.fileId,
    uploadId: upload.id,
    code: checked.reason ? `${checked.verdict}:${checked.reason}` : checked.verdict,
    // Verified is every file's routine (the row's audit keeps it); anything else is worth a line.
    ...(checked.verdict === 'verified' && { level: 'debug' as const }),
  });
  if (checked.verdict === 'mismatch') {
    deps.ledger.closeUpload(upload.id, 'abandoned');
    return {
      kind: 'needs-attention',
      code: 'VERIFY_MISMATCH',
      message: `the file BioT assembled differs from the one sent (${checked.reason ?? 'mismatch'}); retry sends it again`,
      locked: false,
    };
  }
  deps.ledger.closeUpload(upload.id, 'completed');
  // 'file-done' follows with the BioT id: at 1,000 small files a minute, one line per step was a cost (issue 20).
  deps.log?.({ event: 'completed', fileId: job.fileId, uploadId: upload.id, level: 'debug' });
  return { kind: 'done', biotFileId: upload.biotFileId, ...(sha256 && { sha256 }) };
}

/** Abandons an upload whose source changed and says so, with the source's new size and mtime. */
export async function changedOutcome(deps: TransferDeps, job: TransferJob, upload: UploadRow): Promise<TransferOutcome> {
  await abandon(deps, job, upload);
  const now = await stat(job.path); // throws ENOENT -> missing
  return { kind: 'source-changed', size: now.size, mtimeMs: Math.trunc(now.mtimeMs) };
}
