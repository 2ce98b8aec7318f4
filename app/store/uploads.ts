// BioT upload attempts of a file. A file has at most one 'open' upload; its
// biot_file_id is what a resumed transfer asks fresh links for.
import { planParts } from './parts.ts';
import { writeAudit } from './audit.ts';
import type { StoreContext } from './db.ts';
import { NotFoundError, StoreConflictError } from './errors.ts';
import { toPartRow, toUploadRow } from './rows.ts';
import type { CloseReason } from './losses.ts';
import { requireFile } from './transition.ts';
import type { NewUpload, PartRow, PlannedPart, ReadBackResult, UploadRow, UploadState } from './types.ts';

/** Read an upload or throw NotFoundError. */
export function requireUpload(ctx: StoreContext, uploadId: number): UploadRow {
  const raw = ctx.stmt('SELECT * FROM uploads WHERE id = ?').get(uploadId);
  if (raw === undefined) throw new NotFoundError('upload', uploadId);
  return toUploadRow(raw);
}

// Inside ctx.write: close an open upload and audit it (with why, when the caller says: see losses.ts).
function close(ctx: StoreContext, upload: UploadRow, state: Exclude<UploadState, 'open'>, reason?: CloseReason): UploadRow {
  const raw = ctx.stmt(`UPDATE uploads SET state = ?, closed_at = ? WHERE id = ? AND state = 'open' RETURNING *`).get(state, ctx.now(), upload.id);
  writeAudit(ctx, {
    fileId: upload.fileId,
    uploadId: upload.id,
    event: 'upload-closed',
    detail: { state, biotFileId: upload.biotFileId, ...(reason && { reason }) },
  });
  return toUploadRow(raw);
}

/**
 * Record a BioT upload the transfer just created for a claimed file. An older
 * open upload of the file is closed as 'abandoned' in the same transaction.
 */
export function createUpload(ctx: StoreContext, fileId: number, u: NewUpload): UploadRow {
  return ctx.write(() => {
    const file = requireFile(ctx, fileId);
    if (file.state !== 'uploading') {
      throw new StoreConflictError(`file ${fileId} is '${file.state}'; only a claimed file gets an upload`);
    }
    const old = currentUpload(ctx, fileId);
    if (old) close(ctx, old, 'abandoned');
    const raw = ctx
      .stmt(
        `INSERT INTO uploads (file_id, biot_file_id, kind, part_size, part_count, file_size, file_mtime_ms,
                              state, created_at)
         VALUES (?, ?, ?, ?, ?, ?, ?, 'open', ?) RETURNING *`,
      )
      .get(fileId, u.biotFileId, u.kind, u.partSize, u.partCount, u.fileSize, Math.trunc(u.fileMtimeMs), ctx.now());
    const upload = toUploadRow(raw);
    ctx.stmt('UPDATE files SET bytes_done = 0, updated_at = ? WHERE id = ?').run(ctx.now(), fileId);
    writeAudit(ctx, {
      fileId,
      uploadId: upload.id,
      event: 'upload-created',
      detail: { biotFileId: u.biotFileId, kind: u.kind, partSize: u.partSize, partCount: u.partCount },
    });
    return upload;
  });
}

/** The file's open upload, if a transfer began one (what a resume continues). */
export function currentUpload(ctx: StoreContext, fileId: number): UploadRow | undefined {
  const raw = ctx.stmt(`SELECT * FROM uploads WHERE file_id = ? AND state = 'open'`).get(fileId);
  return raw === undefined ? undefined : toUploadRow(raw);
}

/** Every upload attempt of a file, oldest first. */
export function uploadsFor(ctx: StoreContext, fileId: number): UploadRow[] {
  return ctx.stmt('SELECT * FROM uploads WHERE file_id = ? ORDER BY id').all(fileId).map(toUploadRow);
}

/** Close an open upload (audit 'upload-closed'); closing it again in the same state is a no-op. */
export function closeUpload(ctx: StoreContext, uploadId: number, state: Exclude<UploadState, 'open'>, reason?: CloseReason): UploadRow {
  return ctx.write(() => {
    const upload = requireUpload(ctx, uploadId);
    if (upload.state === state) return upload;
    if (upload.state !== 'open') {
      throw new StoreConflictError(`upload ${uploadId} is already '${upload.state}'`);
    }
    return close(ctx, upload, state, reason);
  });
}

/** Every planned part of an upload, by part number. */
export function partsOf(ctx: StoreContext, uploadId: number): PartRow[] {
  return ctx.stmt('SELECT * FROM parts WHERE upload_id = ? ORDER BY part_number').all(uploadId).map(toPartRow);
}

/** A new upload and its planned parts, in one transaction: no upload without its plan. */
export function startUpload(ctx: StoreContext, fileId: number, u: NewUpload, planned: readonly PlannedPart[]): UploadRow {
  return ctx.write(() => {
    const upload = createUpload(ctx, fileId, u);
    planParts(ctx, upload.id, planned);
    return upload;
  });
}

/**
 * Record the read-back verdict of an upload on its file (the History and the
 * post-upload gate read it) and in the audit ('read-back'), in one transaction.
 */
export function recordVerification(ctx: StoreContext, uploadId: number, r: ReadBackResult): void {
  ctx.write(() => {
    const upload = requireUpload(ctx, uploadId);
    ctx
      .stmt('UPDATE files SET verification = ?, verification_reason = ?, updated_at = ? WHERE id = ?')
      // A verified row keeps only the PUT_ETAG reason (verified by the PUT's answer, not read back).
      .run(r.verdict, r.verdict === 'verified' && r.reason !== 'PUT_ETAG' ? null : (r.reason ?? null), ctx.now(), upload.fileId);
    writeAudit(ctx, {
      fileId: upload.fileId,
      uploadId,
      event: 'read-back',
      detail: {
        verdict: r.verdict,
        reason: r.reason ?? null,
        biotFileId: upload.biotFileId,
        expectedSize: upload.fileSize,
        size: r.size ?? null,
        etag: r.etag ?? null,
        expectedEtag: r.expectedEtag ?? null,
      },
    });
  });
}
