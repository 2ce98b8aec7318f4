// The upload journal (upload-journal.ts) read back into a queue: by `repair`
// into a rebuilt database, and at every open into a new or empty one (an IT
// person "resetting" the uploader by deleting queue.db and its -wal/-shm).
// Each finished upload becomes a done row without a name, so an export on
// disk that BioT already holds is recognised by its content as a duplicate
// before anything is sent, never uploaded a second time.
import { existsSync, statSync } from 'node:fs';
import type { Db, StoreContext } from './db.ts';
import { readJournal } from './upload-journal.ts';

/** The one line a person reads when a new or empty queue got the journal back (start-up and `repair`). */
export function restoredLine(databaseFile: string, restored: number): string {
  return (
    `${databaseFile} was new or empty: restored ${restored} finished upload${restored === 1 ? '' : 's'} from the upload journal beside it, ` +
    'so the exports BioT already holds are not sent again'
  );
}

/**
 * Restores the journal into a queue that has no rows at all (new, or emptied);
 * answers how many uploads it restored. One durable transaction before anyone
 * scans: a crash in it leaves the queue empty and the next open does it again;
 * once it returns, the rows outlive a power cut. A queue with any row is left
 * alone (its own rows are the truth; `repair` handles a damaged one).
 */
export function restoreIfEmpty(ctx: StoreContext, journal: string): number {
  if (!existsSync(journal) || statSync(journal).size === 0) return 0;
  if (ctx.db.prepare('SELECT 1 FROM files LIMIT 1').get() !== undefined) return 0;
  return ctx.durable(() => restoreFromJournal(ctx.db, journal, ctx.now()));
}

/** Journal entries whose file row did not come back become done rows with no name, so dedup still knows them. */
export function restoreFromJournal(db: Db, journal: string, at: number): number {
  const has = db.prepare('SELECT 1 FROM files WHERE id = ?');
  const insert = db.prepare(`
    INSERT INTO files (id, folder_id, source_path, rel_path, size, mtime_ms, sha256, state, next_attempt_at, created_at, updated_at,
                       completed_at, biot_file_id, attach_entity_type, attach_entity_id, post_action, post_action_error, post_action_at, post_action_intent)
    VALUES (?, ?, ?, '(name lost in a repair)', ?, ?, ?, 'done', ?, ?, ?, ?, ?, ?, ?, 'skipped', 'REPAIRED', ?, 'leave')`);
  const audit = db.prepare(`INSERT INTO audit (at, file_id, event, to_state, detail) VALUES (?, ?, 'restored', 'done', ?)`);
  let restored = 0;
  db.transaction(() => {
    for (const e of readJournal(journal)) {
      if (has.get(e.fileId)) continue;
      // The source path is unknown: a unique placeholder keeps the identity index satisfied.
      insert.run(
        e.fileId,
        e.folderId,
        `(restored ${e.fileId})`,
        e.size,
        e.mtimeMs,
        e.sha256,
        at,
        e.at,
        at,
        e.at,
        e.biotFileId,
        e.attachEntityType,
        e.attachEntityId,
        at,
      );
      audit.run(at, e.fileId, JSON.stringify({ from: 'upload-journal', biotFileId: e.biotFileId }));
      restored++;
    }
  })();
  return restored;
}
