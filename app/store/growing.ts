// Files still being written (BioT's "unknown final size" uploads): the row's
// size follows the file as it grows, and the upload's final part count and
// size are fixed only when the file has stopped growing.
import type { StoreContext } from './db.ts';
import { StoreConflictError } from './errors.ts';
import { toUploadRow } from './rows.ts';
import type { UploadRow } from './types.ts';

/** The source grew: keep the row's size and mtime current (progress and dedup use them). */
export function noteGrowth(ctx: StoreContext, fileId: number, size: number, mtimeMs: number): void {
  ctx
    .stmt(`UPDATE files SET size = ?, mtime_ms = ?, updated_at = ? WHERE id = ? AND state IN ('uploading', 'completing')`)
    .run(size, Math.trunc(mtimeMs), ctx.now(), fileId);
}

/** The file stopped growing: fix the upload's part count and size before it completes. */
export function finalizeUpload(ctx: StoreContext, uploadId: number, final: { partCount: number; fileSize: number; fileMtimeMs: number }): UploadRow {
  return ctx.write(() => {
    const planned = ctx.stmt('SELECT count(*) AS n, coalesce(sum(size), 0) AS bytes FROM parts WHERE upload_id = ?').get(uploadId) as {
      n: number;
      bytes: number;
    };
    if (planned.n !== final.partCount || planned.bytes !== final.fileSize) {
      throw new StoreConflictError(
        `upload ${uploadId} has ${planned.n} parts of ${planned.bytes} bytes, not ${final.partCount} of ${final.fileSize}`,
      );
    }
    const raw = ctx
      .stmt(`UPDATE uploads SET part_count = ?, file_size = ?, file_mtime_ms = ? WHERE id = ? AND state = 'open' RETURNING *`)
      .get(final.partCount, final.fileSize, Math.trunc(final.fileMtimeMs), uploadId);
    if (raw === undefined) throw new StoreConflictError(`upload ${uploadId} is not open`);
    return toUploadRow(raw);
  });
}
