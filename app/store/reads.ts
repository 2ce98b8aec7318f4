// Read-only views for the UI and the CLI: counts per state and paged rows.
import type { StoreContext } from './db.ts';
import { toFileRow } from './rows.ts';
import { FILE_STATES, type FileState } from './states.ts';
import type { FilePage, FileRow, ListQuery, Snapshot } from './types.ts';

const DEFAULT_LIMIT = 100;
const MAX_LIMIT = 1_000;

/** One file row, or undefined. */
export function fileById(ctx: StoreContext, fileId: number): FileRow | undefined {
  const raw = ctx.stmt('SELECT * FROM files WHERE id = ?').get(fileId);
  return raw === undefined ? undefined : toFileRow(raw);
}

/**
 * The queue id of the file a BioT file was uploaded from, if this queue made
 * it (to name the file an entity's attribute holds). Scans uploads: asked
 * only when an attach finds its attribute taken.
 */
export function fileIdOfBiotFile(ctx: StoreContext, biotFileId: string): number | undefined {
  const raw = ctx.stmt('SELECT file_id FROM uploads WHERE biot_file_id = ? ORDER BY id LIMIT 1').get(biotFileId) as { file_id: number } | undefined;
  return raw?.file_id;
}

/** The rows paused now (a timed pause keeps these paused when it ends: a person paused them). */
export function pausedIds(ctx: StoreContext): number[] {
  return (ctx.stmt(`SELECT id FROM files WHERE state = 'paused' ORDER BY id`).all() as { id: number }[]).map((r) => r.id);
}

/** How many rows are in each state (every state present, zeros included). */
export function countByState(ctx: StoreContext): Record<FileState, number> {
  const counts = Object.fromEntries(FILE_STATES.map((s) => [s, 0])) as Record<FileState, number>;
  const rows = ctx.stmt('SELECT state, count(*) AS n FROM files GROUP BY state').all() as { state: string; n: number }[];
  for (const r of rows) {
    if (r.state in counts) counts[r.state as FileState] = r.n;
  }
  return counts;
}

/** A LIKE pattern matching `search` anywhere, its own % _ and \\ taken literally (use with ESCAPE '\\'). */
export function likePattern(search: string): string {
  return `%${search.replace(/[\\%_]/g, (c) => `\\${c}`)}%`;
}

/** A page of rows, newest first, filtered by states and a rel_path substring. */
export function listFiles(ctx: StoreContext, q: ListQuery = {}): FilePage {
  const limit = Math.min(Math.max(q.limit ?? DEFAULT_LIMIT, 0), MAX_LIMIT);
  const offset = Math.max(q.offset ?? 0, 0);
  // One fixed statement for every filter combination: NULL means "no filter".
  const states = q.states && q.states.length > 0 ? JSON.stringify(q.states) : null;
  const like = q.search ? likePattern(q.search) : null;
  const where = `(@states IS NULL OR state IN (SELECT value FROM json_each(@states)))
                 AND (@like IS NULL OR rel_path LIKE @like ESCAPE '\\')`;
  const files = ctx
    .stmt(`SELECT * FROM files WHERE ${where} ORDER BY id DESC LIMIT @limit OFFSET @offset`)
    .all({ states, like, limit, offset })
    .map(toFileRow);
  const { n } = ctx.stmt(`SELECT count(*) AS n FROM files WHERE ${where}`).get({ states, like }) as { n: number };
  return { files, total: n };
}

/** Counts per state plus one page of rows: what a UI needs to draw the queue. */
export function snapshot(ctx: StoreContext, q: ListQuery = {}): Snapshot {
  // One read transaction so the counts and the page agree with each other.
  return ctx.db.transaction(() => {
    const counts = countByState(ctx);
    const total = Object.values(counts).reduce((a, b) => a + b, 0);
    return { counts, total, page: listFiles(ctx, q) };
  })();
}

/** Files completed at or after `since` (epoch ms): "done today" on the queue's header. */
export function doneSince(ctx: StoreContext, since: number): number {
  const { n } = ctx.stmt(`SELECT count(*) AS n FROM files WHERE state = 'done' AND completed_at >= ?`).get(since) as { n: number };
  return n;
}

/** Bytes still to send for every file that will be sent without a person's help. */
export function bytesRemaining(ctx: StoreContext): number {
  const { n } = ctx
    .stmt(`SELECT coalesce(sum(size - bytes_done), 0) AS n FROM files WHERE state IN ('queued', 'uploading', 'completing', 'failed')`)
    .get() as { n: number };
  return n;
}
