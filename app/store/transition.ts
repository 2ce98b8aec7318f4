// The one place a files row changes state: check the move, update the row and
// append its audit entry. Callers wrap it in ctx.write so both land together.
import { writeAudit } from './audit.ts';
import type { StoreContext } from './db.ts';
import { IllegalTransitionError, NotFoundError } from './errors.ts';
import { toFileRow } from './rows.ts';
import { canTransition, type FileState } from './states.ts';
import type { AuditDetail, AuditEvent, FileRow } from './types.ts';

/** Columns a transition may set besides state and updated_at. */
export type SettableColumn =
  | 'attempts'
  | 'next_attempt_at'
  | 'last_error'
  | 'last_error_code'
  | 'bytes_done'
  | 'completed_at'
  | 'biot_file_id'
  | 'duplicate_of'
  | 'size'
  | 'mtime_ms'
  | 'sha256'
  | 'post_action_intent';

export type SqlValue = string | number | null;

export interface TransitionSpec {
  to: FileState;
  /** Names the caller's verb in errors ("pause", "retry"...). */
  verb: string;
  /** The states this verb accepts, a subset of what canTransition allows. */
  from: readonly FileState[];
  event: AuditEvent;
  /** Extra columns, computed from the current row if a function. */
  set?: Partial<Record<SettableColumn, SqlValue>> | ((row: FileRow) => Partial<Record<SettableColumn, SqlValue>>);
  uploadId?: number | null;
  traceId?: string | null;
  detail?: AuditDetail | ((row: FileRow) => AuditDetail);
}

/** Read a file row or throw NotFoundError. */
export function requireFile(ctx: StoreContext, fileId: number): FileRow {
  const raw = ctx.stmt('SELECT * FROM files WHERE id = ?').get(fileId);
  if (raw === undefined) throw new NotFoundError('file', fileId);
  return toFileRow(raw);
}

/** Move one row to spec.to with its audit row; must run inside ctx.write. */
export function applyTransition(ctx: StoreContext, fileId: number, spec: TransitionSpec): FileRow {
  const row = requireFile(ctx, fileId);
  if (!spec.from.includes(row.state) || !canTransition(row.state, spec.to)) {
    throw new IllegalTransitionError(fileId, row.state, spec.to, spec.verb);
  }
  const set = typeof spec.set === 'function' ? spec.set(row) : (spec.set ?? {});
  // Column names come from the SettableColumn union, never from callers'
  // strings, so the statement cache stays small and the SQL stays fixed.
  const cols = (Object.keys(set) as SettableColumn[]).sort();
  const sql = `UPDATE files SET state = ?, updated_at = ?${cols.map((c) => `, ${c} = ?`).join('')}
               WHERE id = ? AND state = ? RETURNING *`;
  const raw = ctx.stmt(sql).get(spec.to, ctx.now(), ...cols.map((c) => set[c] ?? null), fileId, row.state);
  if (raw === undefined) throw new NotFoundError('file', fileId);
  writeAudit(ctx, {
    fileId,
    // Default to the file's open upload so the trail links each step to its BioT upload.
    uploadId: spec.uploadId !== undefined ? spec.uploadId : openUploadId(ctx, fileId),
    event: spec.event,
    fromState: row.state,
    toState: spec.to,
    traceId: spec.traceId ?? null,
    detail: typeof spec.detail === 'function' ? spec.detail(row) : (spec.detail ?? null),
  });
  return toFileRow(raw);
}

function openUploadId(ctx: StoreContext, fileId: number): number | null {
  const r = ctx.stmt(`SELECT id FROM uploads WHERE file_id = ? AND state = 'open'`).get(fileId) as { id: number } | undefined;
  return r?.id ?? null;
}
