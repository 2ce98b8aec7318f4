// Row and input shapes the store hands out. Rows are camelCase copies of the
// database columns; the column names themselves stay inside app/store.
import type { FileState } from './states.ts';

export type UploadKind = 'multipart' | 'single';
export type UploadState = 'open' | 'completed' | 'cancelled' | 'abandoned';

/** One source file the uploader knows about. */
export interface FileRow {
  id: number;
  folderId: string;
  /** Absolute path on this machine: the UI may show it, logs and the audit never. */
  sourcePath: string;
  relPath: string;
  size: number;
  mtimeMs: number;
  sha256: string | null;
  state: FileState;
  attempts: number;
  nextAttemptAt: number;
  lastError: string | null;
  lastErrorCode: string | null;
  bytesDone: number;
  createdAt: number;
  updatedAt: number;
  completedAt: number | null;
  biotFileId: string | null;
  duplicateOf: number | null;
  attachEntityType: string | null;
  attachEntityId: string | null;
  attachedAt: number | null;
  /** What the folder's post-upload action did (null: not run, or 'leave'). */
  postAction: PostAction | null;
  /** Why the post-upload action failed or was skipped (an error code); null when it did not. */
  postActionError: string | null;
  postActionAt: number | null;
  /**
   * The folder's afterUpload when the row became done: only 'move' and
   * 'delete' rows ever get a post-upload action (null: done before v3, left alone).
   */
  postActionIntent: AfterUpload | null;
  /** What reading the assembled object back at BioT proved (null: never checked, e.g. done before v4). */
  verification: Verdict | null;
  /**
   * Why it is not 'verified' (a code such as OPAQUE_ETAG); null when never
   * checked or verified by reading back, PUT_ETAG when verified by a single
   * PUT's own answer (the source was left in place).
   */
  verificationReason: string | null;
}

/** The read-back verdict: the object's size and ETag match what was sent, cannot be checked, or differ. */
export type Verdict = 'verified' | 'not-checkable' | 'mismatch';

/** What reading an upload's object back at BioT showed; codes and ETags only. */
export interface ReadBackResult {
  verdict: Verdict;
  /** Why it is not verified (OPAQUE_ETAG, SIZE_MISMATCH, DOWNLOAD_CHECK_FAILED...). */
  reason?: string | null;
  /** The size and ETag BioT's object has, and the ETag the uploader computed from what it sent. */
  size?: number | null;
  etag?: string | null;
  expectedEtag?: string | null;
}

export type PostAction = 'moved' | 'deleted' | 'failed' | 'skipped';

/** A folder's afterUpload setting, as recorded on a done row. */
export type AfterUpload = 'leave' | 'move' | 'delete';

/** One BioT upload attempt (multipart or single) of a file. */
export interface UploadRow {
  id: number;
  fileId: number;
  biotFileId: string;
  kind: UploadKind;
  partSize: number;
  partCount: number;
  fileSize: number;
  /** The source's mtime when the upload began: a different one means the bytes changed. */
  fileMtimeMs: number;
  state: UploadState;
  createdAt: number;
  closedAt: number | null;
}

/** One planned part of a multipart upload. */
export interface PartRow {
  uploadId: number;
  partNumber: number;
  offset: number;
  size: number;
  md5: string | null;
  etag: string | null;
  uploadedAt: number | null;
  etagSavedToBiot: boolean;
}

export type AuditEvent =
  | 'queued'
  | 'hashed'
  | 'claimed'
  | 'duplicate'
  | 'upload-created'
  | 'upload-closed'
  | 'completing'
  | 'completed'
  | 'failed'
  | 'needs-attention'
  | 'paused'
  | 'resumed'
  | 'cancelled'
  | 'retried'
  | 'missing'
  | 'recovered'
  | 'attached'
  | 'source-changed'
  | 'post-action'
  | 'held'
  | 'read-back';

/** Structured, name-free facts about an event: ids, codes, counts, hashes. */
export type AuditDetail = Readonly<Record<string, string | number | boolean | null>>;

/** One append-only audit entry. */
export interface AuditRow {
  id: number;
  at: number;
  fileId: number | null;
  uploadId: number | null;
  event: AuditEvent;
  fromState: FileState | null;
  toState: FileState | null;
  biotTraceId: string | null;
  detail: AuditDetail | null;
}

/** What watch knows about a finished, stable file. */
export interface EnqueueInput {
  folderId: string;
  sourcePath: string;
  relPath: string;
  size: number;
  /** fs.Stats.mtimeMs; stored truncated to whole milliseconds. */
  mtimeMs: number;
  sha256?: string | null;
}

/** What a new upload row is made from: the rest (id, state, times) the store sets. */
export type NewUpload = Pick<UploadRow, 'biotFileId' | 'kind' | 'partSize' | 'partCount' | 'fileSize' | 'fileMtimeMs'>;

export interface PlannedPart {
  partNumber: number;
  offset: number;
  size: number;
}

export interface FailureInput {
  /** Plain words for the UI; path-like text and the file's own name are scrubbed anyway. */
  error: string;
  code: string;
  /** Epoch ms when the scheduler may claim it again. */
  retryAt: number;
  traceId?: string | null;
}

export interface AttentionInput {
  error: string;
  code: string;
  traceId?: string | null;
}

export interface ListQuery {
  states?: readonly FileState[];
  /** Substring of rel_path (case-insensitive for ASCII). */
  search?: string;
  limit?: number;
  offset?: number;
}

export interface FilePage {
  files: FileRow[];
  /** Rows matching the filter, ignoring limit/offset. */
  total: number;
}

export interface Snapshot {
  counts: Record<FileState, number>;
  total: number;
  page: FilePage;
}

export interface RecoveryCounts {
  uploading: number;
  completing: number;
}
