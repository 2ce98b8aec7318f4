// Finished files for the History view: uploaded rows and the duplicates that
// were recognised instead of re-sent (with the original's BioT file id, so
// staff can find the bytes). Paged and filtered in SQL: the view never loads
// 100k rows at once.
import type { StoreContext } from './db.ts';
import { likePattern } from './reads.ts';
import type { PostAction, Verdict } from './types.ts';

/** One finished file (uploaded, or recognised as a duplicate of an upload). */
export interface HistoryEntry {
  id: number;
  folderId: string;
  relPath: string;
  size: number;
  state: 'done' | 'duplicate';
  /** When it finished (epoch ms). */
  at: number;
  /** The BioT file holding the bytes (the original's, for a duplicate). */
  biotFileId: string | null;
  entityType: string | null;
  entityId: string | null;
  /** For a duplicate: the queue id of the file that was uploaded. */
  duplicateOf: number | null;
  /** What reading BioT's object back proved (the original's, for a duplicate); null: never checked. */
  verification: Verdict | null;
  /** Why it is not verified (OPAQUE_ETAG, DOWNLOAD_LINK_...); null when verified. */
  verificationReason: string | null;
  /** What the post-upload action did, and why not when it was skipped (e.g. UNVERIFIED). */
  postAction: PostAction | null;
  postActionError: string | null;
}

export interface HistoryQuery {
  search?: string | undefined;
  limit?: number | undefined;
  offset?: number | undefined;
}

const MAX_LIMIT = 1_000;

/** Finished rows, newest first, filtered by a rel_path substring. */
export function history(ctx: StoreContext, q: HistoryQuery = {}): { entries: HistoryEntry[]; total: number } {
  const limit = Math.min(Math.max(q.limit ?? 100, 0), MAX_LIMIT);
  const offset = Math.max(q.offset ?? 0, 0);
  const like = q.search ? likePattern(q.search) : null;
  const where = `f.state IN ('done', 'duplicate') AND (@like IS NULL OR f.rel_path LIKE @like ESCAPE '\\')`;
  const entries = ctx
    .stmt(
      `SELECT f.id, f.folder_id AS folderId, f.rel_path AS relPath, f.size, f.state,
              coalesce(f.completed_at, f.updated_at) AS at,
              coalesce(f.biot_file_id, o.biot_file_id) AS biotFileId,
              coalesce(f.attach_entity_type, o.attach_entity_type) AS entityType,
              coalesce(f.attach_entity_id, o.attach_entity_id) AS entityId,
              f.duplicate_of AS duplicateOf,
              CASE WHEN f.duplicate_of IS NULL THEN f.verification ELSE o.verification END AS verification,
              CASE WHEN f.duplicate_of IS NULL THEN f.verification_reason ELSE o.verification_reason END AS verificationReason,
              f.post_action AS postAction, f.post_action_error AS postActionError
         FROM files f LEFT JOIN files o ON o.id = f.duplicate_of
        WHERE ${where} ORDER BY f.id DESC LIMIT @limit OFFSET @offset`,
    )
    .all({ like, limit, offset }) as HistoryEntry[];
  const { n } = ctx.stmt(`SELECT count(*) AS n FROM files f WHERE ${where}`).get({ like }) as { n: number };
  return { entries, total: n };
}
