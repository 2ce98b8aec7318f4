// The SHA-256 on a done row is the hash of the bytes BioT holds: what a move
// or delete of the source is checked against, and what dedup matches later
// exports with. Two writes keep it so: a hash taken while sending replaces one
// taken earlier from the same path (the file changed in between with the same
// size and mtime), and a source rewritten after it was sent leaves the row
// (it stays done: BioT holds its old bytes) for a new row with the new bytes.
import { writeAudit } from './audit.ts';
import type { StoreContext } from './db.ts';
import { StoreConflictError } from './errors.ts';
import { enqueueMany } from './queue.ts';
import { toFileRow } from './rows.ts';
import { recordPostAction } from './sources.ts';
import { requireFile } from './transition.ts';
import type { FileRow } from './types.ts';

/** Records the hash of the bytes a transfer sent, replacing one taken before them (audit 'hashed' with both). */
export function recordSentHash(ctx: StoreContext, fileId: number, sha256: string): FileRow {
  return ctx.write(() => {
    const row = requireFile(ctx, fileId);
    if (row.sha256 === sha256) return row;
    const raw = ctx.stmt('UPDATE files SET sha256 = ?, updated_at = ? WHERE id = ? RETURNING *').get(sha256, ctx.now(), fileId);
    writeAudit(ctx, { fileId, event: 'hashed', detail: { sha256, before: row.sha256, sent: true } });
    return toFileRow(raw);
  });
}

/**
 * A done row's source holds other bytes than BioT's, with the same size and
 * mtime: the source is kept (post-upload action skipped, SOURCE_REWRITTEN),
 * the row stops standing for the file at its path (source_replaced_at, see
 * identity.ts), and the new bytes are queued as a new row. One durable
 * transaction: a crash leaves either the row owing its action (checked again
 * at the next start) or both rows, never the source unaccounted for.
 * Answers the new row.
 */
export function keepRewrittenSource(ctx: StoreContext, fileId: number, sha256: string): FileRow {
  return ctx.durable(() => {
    const row = requireFile(ctx, fileId);
    if (row.state !== 'done' || row.postAction !== null) {
      throw new StoreConflictError(`file ${fileId} is not a done row owing its post-upload action`);
    }
    recordPostAction(ctx, fileId, { action: 'skipped', code: 'SOURCE_REWRITTEN' });
    ctx.stmt('UPDATE files SET source_replaced_at = ? WHERE id = ?').run(ctx.now(), fileId);
    const [queued] = enqueueMany(ctx, [
      { folderId: row.folderId, sourcePath: row.sourcePath, relPath: row.relPath, size: row.size, mtimeMs: row.mtimeMs, sha256 },
    ]);
    writeAudit(ctx, { fileId, event: 'source-changed', detail: { rewrittenAs: queued!.id, sha256 } });
    writeAudit(ctx, { fileId: queued!.id, event: 'source-changed', detail: { rewriteOf: fileId } });
    return queued!;
  });
}
