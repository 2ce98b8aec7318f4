// How an upload ends other than by completing: abandoned when its source
// changed, cancelled by a person, or lost at BioT (404, cancelled elsewhere).
// BioT is told on a best-effort basis: an incomplete upload left there is
// harmless, and the local record is closed either way.
import { BiotError } from '../biot/errors.ts';
import type { UploadRow } from '../store/types.ts';
import type { TransferDeps, TransferJob } from './transfer-types.ts';
import { CodedError } from '../common/coded-error.ts';

/** Gives up an upload whose parts no longer match the file; tells BioT, best effort. */
export async function abandon(deps: TransferDeps, job: TransferJob, upload: UploadRow): Promise<void> {
  deps.ledger.closeUpload(upload.id, 'abandoned');
  deps.log?.({ event: 'source-changed', fileId: job.fileId, uploadId: upload.id });
  await bestEffortCancel(deps, job.fileId, upload);
}

/** A person cancelled: close the upload here and tell BioT, best effort. */
export async function cancelAtBiot(deps: TransferDeps, job: TransferJob, upload: UploadRow): Promise<void> {
  deps.ledger.closeUpload(upload.id, 'cancelled');
  await bestEffortCancel(deps, job.fileId, upload);
}

/** Every part was sent, but the bytes turned out to be a file already done: cancel at BioT instead of completing. */
export async function dropDuplicate(deps: TransferDeps, job: TransferJob, upload: UploadRow): Promise<void> {
  deps.ledger.closeUpload(upload.id, 'cancelled');
  deps.log?.({ event: 'duplicate-after-send', fileId: job.fileId, uploadId: upload.id });
  await bestEffortCancel(deps, job.fileId, upload);
}

async function bestEffortCancel(deps: TransferDeps, fileId: number, upload: UploadRow): Promise<void> {
  // BioT's cancel is for multipart uploads; a single upload has nothing open to cancel.
  if (upload.kind === 'single') return;
  try {
    await deps.api.cancel(upload.biotFileId, { signal: AbortSignal.timeout(10_000) });
    deps.log?.({ event: 'biot-upload-cancelled', fileId, uploadId: upload.id });
  } catch (error) {
    // An incomplete upload left at BioT is harmless; the local record is closed.
    deps.log?.({ event: 'biot-cancel-failed', fileId, uploadId: upload.id, ...biotFacts(error) });
  }
}

/** The path is a folder or a device, not an export. */
export class SourceNotAFile extends CodedError<'NOT_A_FILE'> {
  override name = 'SourceNotAFile';
  constructor() {
    super('NOT_A_FILE', 'the path is not a regular file');
  }
}

export function biotFacts(error: unknown): { code?: string; traceId?: string } {
  if (error instanceof BiotError) return { code: error.code, ...(error.traceId && { traceId: error.traceId }) };
  return { code: 'UNEXPECTED' };
}

/**
 * Storage answered a part PUT with 404 NoSuchUpload: it no longer holds the
 * multipart upload (a bucket lifecycle rule aborted it while the PC was off)
 * though BioT still thinks it open. Every later part would fail the same way.
 */
export class StorageForgotUpload extends CodedError<'NO_SUCH_UPLOAD'> {
  override name = 'StorageForgotUpload';
  constructor() {
    super('NO_SUCH_UPLOAD', 'storage no longer holds this upload');
  }
}

/**
 * Closes an upload that cannot go on and asks for a fresh one. When storage
 * forgot it, BioT still has it open: it is cancelled there (best effort), so
 * it is not left behind, and never reused by a Retry.
 */
export async function restartFrom(deps: TransferDeps, job: TransferJob, upload: UploadRow, cause?: unknown): Promise<'restart'> {
  deps.ledger.closeUpload(upload.id, 'abandoned', 'UPLOAD_LOST');
  deps.log?.({ event: 'upload-lost', fileId: job.fileId, uploadId: upload.id, ...(cause instanceof StorageForgotUpload && { code: cause.code }) });
  if (cause instanceof StorageForgotUpload) await bestEffortCancel(deps, job.fileId, upload);
  return 'restart';
}

export function isUploadGone(error: unknown): boolean {
  return (
    error instanceof StorageForgotUpload ||
    (error instanceof BiotError && (error.code === 'FILE_ID_NOT_FOUND' || error.code === 'FILE_IS_NOT_UNCOMPLETED_MULTIPLE_PART_UPLOAD'))
  );
}
