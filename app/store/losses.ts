// How many of a file's BioT uploads were lost in a row: storage or BioT no
// longer knew them (404 NoSuchUpload from a bucket rule that aborts unfinished
// uploads, FILE_ID_NOT_FOUND). Read from the audit, so a restart does not
// forget it: a storage that loses every upload must not get a fresh BioT
// upload of the file for ever (each one a cancelled BioT file).
import type { StoreContext } from './db.ts';

/** Why an upload was closed, when it matters later. */
export type CloseReason = 'UPLOAD_LOST';

/** The audit rows looked at, newest first: a streak longer than this is long enough. */
const SCAN = 100;

/**
 * The file's uploads closed as lost since the last upload closed for any
 * other reason (completed, cancelled, its source changed) or a person's Retry.
 */
export function lostInARow(ctx: StoreContext, fileId: number): number {
  const rows = ctx
    .stmt(`SELECT event, detail FROM audit WHERE file_id = ? AND event IN ('upload-closed', 'retried') ORDER BY id DESC LIMIT ?`)
    .all(fileId, SCAN) as { event: string; detail: string | null }[];
  let lost = 0;
  for (const row of rows) {
    if (row.event !== 'upload-closed') break;
    const detail = row.detail === null ? undefined : (JSON.parse(row.detail) as { reason?: unknown });
    if (detail?.reason !== 'UPLOAD_LOST') break;
    lost++;
  }
  return lost;
}
