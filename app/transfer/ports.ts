// What one file's transfer needs from the world, as small interfaces: the
// store's ledger of uploads and parts, and BioT's file API. The engine plugs
// in app/store and app/biot; unit tests plug in scripted fakes.
import type { CompletedUpload, DownloadLink, MultipartUpload, PartEtag, SingleUpload } from '../biot/types.ts';
import type { NewUpload, PartRow, ReadBackResult, UploadRow } from '../store/types.ts';
import type { PlannedPart } from './part-plan.ts';

export type CallOptions = { signal?: AbortSignal | undefined };

/** The durable record of a file's uploads and parts (app/store). */
export interface TransferLedger {
  currentUpload(fileId: number): UploadRow | undefined;
  /** Records a new BioT upload and its planned parts in one transaction; answers once that is on disk. */
  startUpload(fileId: number, upload: NewUpload, parts: readonly PlannedPart[]): Promise<UploadRow>;
  parts(uploadId: number): PartRow[];
  /** Adds parts to an open upload's plan (a growing file's new parts). */
  planParts(uploadId: number, parts: readonly PlannedPart[]): void;
  /** A growing file's current size and mtime, for progress. */
  noteGrowth(fileId: number, size: number, mtimeMs: number): void;
  /** Fixes a growing upload's final part count and size; answers the updated upload. */
  finalizeUpload(uploadId: number, final: { partCount: number; fileSize: number; fileMtimeMs: number }): UploadRow;
  /** Saved the moment a part lands, before anything else happens. */
  recordPartEtag(uploadId: number, partNumber: number, etag: string, md5: string): void;
  markEtagsSaved(uploadId: number, partNumbers: readonly number[]): void;
  /** `reason` 'UPLOAD_LOST': storage or BioT no longer knew the upload (counted by lostInARow). */
  closeUpload(uploadId: number, state: 'completed' | 'cancelled' | 'abandoned', reason?: 'UPLOAD_LOST'): void;
  /** How many of the file's uploads were lost in a row, this one included; without it, every loss is taken as the first. */
  lostInARow?(fileId: number): number;
  /** Answers once the row says completing on disk (a restart must know BioT may have been told). */
  markCompleting(fileId: number): Promise<void>;
  /** What reading the object back at BioT proved, on the file and in the audit. */
  recordVerification(uploadId: number, result: ReadBackResult): void;
  /** Runs `steps` (synchronous ledger calls) as one commit: a small file's ETag, verdict and close are one transaction, not three. */
  inOneCommit?<T>(steps: () => T): T;
}

/** BioT's multipart file API (app/biot FileApi). */
export interface MultipartApi {
  createSingle(request: { name: string; mimeType: string }, options?: CallOptions): Promise<SingleUpload>;
  createMultipart(request: { name: string; mimeType: string; parts: number }, options?: CallOptions): Promise<MultipartUpload>;
  partLinks(id: string, fromPart: number, toPart: number, options?: CallOptions): Promise<MultipartUpload>;
  saveEtags(id: string, parts: readonly PartEtag[], options?: CallOptions): Promise<void>;
  complete(id: string, parts?: readonly PartEtag[], options?: CallOptions): Promise<CompletedUpload>;
  cancel(id: string, options?: CallOptions): Promise<void>;
  downloadLink(id: string, options?: CallOptions): Promise<DownloadLink>;
}
