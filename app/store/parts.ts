// The parts of a multipart upload and their ETags. An ETag is written the
// moment its part lands, so after a crash only the parts without one are sent
// again; etag_saved_to_biot tracks which ones BioT has been told about too.
import type { StoreContext } from './db.ts';
import { NotFoundError, StoreConflictError } from './errors.ts';
import type { PlannedPart } from './types.ts';
import { requireUpload } from './uploads.ts';

function requireOpen(ctx: StoreContext, uploadId: number) {
  const upload = requireUpload(ctx, uploadId);
  if (upload.state !== 'open') throw new StoreConflictError(`upload ${uploadId} is '${upload.state}', not open`);
  return upload;
}

/** Record the part plan (idempotent: re-planning the same parts is a no-op, different ones throw). */
export function planParts(ctx: StoreContext, uploadId: number, parts: readonly PlannedPart[]): void {
  ctx.write(() => {
    const upload = requireOpen(ctx, uploadId);
    for (const p of parts) {
      if (p.partNumber < 1 || p.partNumber > upload.partCount) {
        throw new StoreConflictError(`part ${p.partNumber} is outside 1..${upload.partCount} of upload ${uploadId}`);
      }
      const had = ctx.stmt('SELECT byte_offset, size FROM parts WHERE upload_id = ? AND part_number = ?').get(uploadId, p.partNumber) as
        { byte_offset: number; size: number } | undefined;
      if (had === undefined) {
        ctx.stmt('INSERT INTO parts (upload_id, part_number, byte_offset, size) VALUES (?, ?, ?, ?)').run(uploadId, p.partNumber, p.offset, p.size);
      } else if (had.byte_offset !== p.offset || had.size !== p.size) {
        throw new StoreConflictError(`part ${p.partNumber} of upload ${uploadId} was planned with another range`);
      }
    }
  });
}

/**
 * A part landed: keep its ETag and MD5 and refresh the file's bytes_done, in
 * one transaction. A re-sent part overwrites and must be saved to BioT again.
 */
export function recordPartEtag(ctx: StoreContext, uploadId: number, partNumber: number, landed: { etag: string; md5: string }): void {
  ctx.write(() => {
    const upload = requireOpen(ctx, uploadId);
    const changed = ctx
      .stmt(
        `UPDATE parts SET etag = ?, md5 = ?, uploaded_at = ?, etag_saved_to_biot = 0
         WHERE upload_id = ? AND part_number = ?`,
      )
      .run(landed.etag, landed.md5.toLowerCase(), ctx.now(), uploadId, partNumber);
    if (changed.changes === 0) throw new NotFoundError('part', `${uploadId}/${partNumber}`);
    ctx
      .stmt(
        `UPDATE files SET updated_at = ?, bytes_done =
           (SELECT coalesce(sum(size), 0) FROM parts WHERE upload_id = ? AND etag IS NOT NULL)
         WHERE id = ?`,
      )
      .run(ctx.now(), uploadId, upload.fileId);
  });
}

/** BioT acknowledged these parts' ETags (PUT .../parts/{id}); returns how many rows changed. */
export function markEtagsSaved(ctx: StoreContext, uploadId: number, partNumbers: readonly number[]): number {
  return ctx.write(
    () =>
      ctx
        .stmt(
          `UPDATE parts SET etag_saved_to_biot = 1
           WHERE upload_id = ? AND etag IS NOT NULL AND part_number IN (SELECT value FROM json_each(?))`,
        )
        .run(uploadId, JSON.stringify(partNumbers)).changes,
  );
}
