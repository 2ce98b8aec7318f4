// Reads the engine's queue.db read-only while (or after) the engine runs: WAL
// lets a reader in beside the writer. Opening it through the store would run
// start-up recovery and re-queue the running engine's rows, so plain SQL it is.
import Database from 'better-sqlite3';
import { existsSync } from 'node:fs';
import { join } from 'node:path';

export interface QueueFile {
  id: number;
  folderId: string;
  sourcePath: string;
  size: number;
  sha256: string | null;
  state: string;
  biotFileId: string | null;
  lastErrorCode: string | null;
  attachEntityId: string | null;
  postAction: string | null;
  postActionError: string | null;
}

export interface QueueParts {
  /** "uploadBiotId:partNumber" of every part with a recorded ETag. */
  etagged: Set<string>;
}

/** The queue read-only, or undefined before the engine has created and migrated it. */
function open(dataDir: string): Database.Database | undefined {
  const file = join(dataDir, 'queue.db');
  if (!existsSync(file)) return undefined;
  const db = new Database(file, { readonly: true, fileMustExist: true });
  db.pragma('busy_timeout = 5000');
  const migrated = db.prepare("SELECT count(*) AS n FROM sqlite_master WHERE name IN ('files', 'uploads', 'parts', 'audit')").get() as { n: number };
  if (migrated.n < 4) {
    db.close();
    return undefined;
  }
  return db;
}

/** Every queued file, oldest first; [] before the engine created its database. */
export function queueFiles(dataDir: string): QueueFile[] {
  const db = open(dataDir);
  if (!db) return [];
  try {
    return db
      .prepare(
        `SELECT id, folder_id AS folderId, source_path AS sourcePath, size, sha256, state,
                biot_file_id AS biotFileId, last_error_code AS lastErrorCode, attach_entity_id AS attachEntityId,
                post_action AS postAction, post_action_error AS postActionError FROM files ORDER BY id`,
      )
      .all() as QueueFile[];
  } finally {
    db.close();
  }
}

/** Parts with an ETag on record, keyed by BioT file id and part number. */
export function etaggedParts(dataDir: string): Set<string> {
  const db = open(dataDir);
  if (!db) return new Set();
  try {
    const rows = db
      .prepare('SELECT u.biot_file_id AS fileId, p.part_number AS part FROM parts p JOIN uploads u ON u.id = p.upload_id WHERE p.etag IS NOT NULL')
      .all() as { fileId: string; part: number }[];
    return new Set(rows.map((r) => `${r.fileId}:${r.part}`));
  } finally {
    db.close();
  }
}

/** Whether part `partNumber` of an upload of the file at `sourcePath` has its ETag on record (it landed at storage). */
export function partLanded(dataDir: string, sourcePath: string, partNumber: number): boolean {
  const db = open(dataDir);
  if (!db) return false;
  try {
    const sql = `SELECT 1 FROM parts p JOIN uploads u ON u.id = p.upload_id JOIN files f ON f.id = u.file_id
                  WHERE f.source_path = ? AND p.part_number = ? AND p.etag IS NOT NULL LIMIT 1`;
    return db.prepare(sql).get(sourcePath, partNumber) !== undefined;
  } finally {
    db.close();
  }
}

/** How many audit entries moved a file into one of `states`. */
export function auditTransitionsInto(dataDir: string, states: string[]): number {
  const db = open(dataDir);
  if (!db) return 0;
  try {
    const marks = states.map(() => '?').join(',');
    return (db.prepare(`SELECT count(*) AS n FROM audit WHERE to_state IN (${marks})`).get(...states) as { n: number }).n;
  } finally {
    db.close();
  }
}

/** The BioT file ids of every upload the engine recorded (it heard the create answered). */
export function knownBiotFiles(dataDir: string): Set<string> {
  const db = open(dataDir);
  if (!db) return new Set();
  try {
    return new Set((db.prepare('SELECT biot_file_id AS id FROM uploads').all() as { id: string }[]).map((r) => r.id));
  } finally {
    db.close();
  }
}
