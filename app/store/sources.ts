// What the folder watcher asks about a folder's rows: which rows stand for a
// source path, which rows of a folder still wait for their source, and the
// outcome of a post-upload action (not a state change: the row stays done).
import { writeAudit } from './audit.ts';
import type { StoreContext } from './db.ts';
import { StoreConflictError } from './errors.ts';
import { STANDS_FOR_SOURCE } from './identity.ts';
import { toFileRow } from './rows.ts';
import type { FileState } from './states.ts';
import { requireFile } from './transition.ts';
import type { FileRow, PostAction } from './types.ts';

/** Rows of one source path in the given states, oldest first (every version of that file). */
export function rowsForSource(ctx: StoreContext, folderId: string, sourcePath: string, states: readonly FileState[]): FileRow[] {
  return ctx
    .stmt(
      // STANDS_FOR_SOURCE lets SQLite use the partial files_identity index.
      `SELECT * FROM files WHERE folder_id = ? AND source_path = ? AND ${STANDS_FOR_SOURCE}
         AND state IN (SELECT value FROM json_each(?)) ORDER BY id`,
    )
    .all(folderId, sourcePath, JSON.stringify(states))
    .map(toFileRow);
}

/** Rows of a folder in the given states, oldest first (start-up reconcile). */
export function rowsInFolder(ctx: StoreContext, folderId: string, states: readonly FileState[]): FileRow[] {
  return ctx
    .stmt(
      `SELECT * FROM files WHERE folder_id = ? AND ${STANDS_FOR_SOURCE}
         AND state IN (SELECT value FROM json_each(?)) ORDER BY id`,
    )
    .all(folderId, JSON.stringify(states))
    .map(toFileRow);
}

/** Record what the post-upload action did to a done row's source (audit 'post-action': action + code only). */
export function recordPostAction(ctx: StoreContext, fileId: number, result: { action: PostAction; code?: string | null }): FileRow {
  return ctx.write(() => {
    const row = requireFile(ctx, fileId);
    if (row.state !== 'done') throw new StoreConflictError(`file ${fileId} is '${row.state}'; post-upload actions follow done only`);
    const now = ctx.now();
    const raw = ctx
      .stmt('UPDATE files SET post_action = ?, post_action_error = ?, post_action_at = ?, updated_at = ? WHERE id = ? RETURNING *')
      .get(result.action, result.code ?? null, now, now, fileId);
    writeAudit(ctx, { fileId, event: 'post-action', detail: { action: result.action, code: result.code ?? null } });
    return toFileRow(raw);
  });
}

/**
 * Done rows of a folder whose post-upload action never ran (the app stopped in
 * between). Only rows done under 'move' or 'delete': a row done under 'leave'
 * (or before that was recorded) is never acted on, even if the folder is now
 * set to move or delete.
 */
export function awaitingPostAction(ctx: StoreContext, folderId: string): FileRow[] {
  return ctx
    .stmt(
      `SELECT * FROM files WHERE folder_id = ? AND state = 'done' AND post_action IS NULL
         AND post_action_intent IN ('move', 'delete') ORDER BY id`,
    )
    .all(folderId)
    .map(toFileRow);
}
