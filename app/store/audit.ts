// The append-only audit trail. Writers are internal: every caller composes the
// detail from ids, codes and counts, so no file name or path can reach it.
import type { StoreContext } from './db.ts';
import { toAuditRow } from './rows.ts';
import type { FileState } from './states.ts';
import type { AuditDetail, AuditEvent, AuditRow } from './types.ts';

export interface AuditEntry {
  fileId: number | null;
  uploadId?: number | null;
  event: AuditEvent;
  fromState?: FileState | null;
  toState?: FileState | null;
  traceId?: string | null;
  detail?: AuditDetail | null;
}

/** Append one audit row; call inside the transaction whose change it records. */
export function writeAudit(ctx: StoreContext, entry: AuditEntry): void {
  ctx
    .stmt(
      `INSERT INTO audit (at, file_id, upload_id, event, from_state, to_state, biot_trace_id, detail)
       VALUES (?, ?, ?, ?, ?, ?, ?, ?)`,
    )
    .run(
      ctx.now(),
      entry.fileId,
      entry.uploadId ?? null,
      entry.event,
      entry.fromState ?? null,
      entry.toState ?? null,
      entry.traceId ?? null,
      entry.detail ? JSON.stringify(entry.detail) : null,
    );
}

/** A file's audit trail, oldest first. */
export function auditFor(ctx: StoreContext, fileId: number): AuditRow[] {
  return ctx.stmt('SELECT * FROM audit WHERE file_id = ? ORDER BY id').all(fileId).map(toAuditRow);
}
