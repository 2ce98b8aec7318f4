// One engine per data folder. A second `run`, `serve` or `start` on the same
// folder (a service plus a scheduled `run --once`) would run start-up recovery
// and re-queue the first one's in-flight files. Node has no flock, so the lock
// is SQLite's own: a dedicated file opened in locking_mode=EXCLUSIVE that holds
// a write lock for as long as the connection is open. On POSIX that is an
// fcntl lock, on Windows a LockFileEx lock; either way the OS drops it when the
// process ends, kill -9 and power cuts included, so a stale lock cannot exist.
// Within one process SQLite tracks the locks per file too, so a second Engine
// in the same process is refused as well.
import Database from 'better-sqlite3';
import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { CodedError } from '../common/coded-error.ts';

export const LOCK_FILE = 'instance.lock';

/** Another engine holds the data folder; the message names the folder, the code is for callers. */
export class DataFolderInUse extends CodedError<'DATA_FOLDER_IN_USE'> {
  override name = 'DataFolderInUse';
  readonly dataDir: string;
  constructor(dataDir: string) {
    super('DATA_FOLDER_IN_USE', `another Device Uploader is already running on the data folder ${dataDir}; stop it first (nothing was changed)`);
    this.dataDir = dataDir;
  }
}

export interface DataFolderLock {
  /** Releases the lock (closing the connection); safe to call twice. */
  release(): void;
}

/** Takes the data folder's lock or throws DataFolderInUse at once (never waits). */
export function lockDataFolder(dataDir: string): DataFolderLock {
  mkdirSync(dataDir, { recursive: true });
  // timeout 0: a held lock answers SQLITE_BUSY immediately instead of after a wait.
  const db = new Database(join(dataDir, LOCK_FILE), { timeout: 0 });
  try {
    // A rollback journal (not WAL): in WAL mode an exclusive lock is only taken
    // lazily; here BEGIN EXCLUSIVE takes the file's write lock and, in EXCLUSIVE
    // locking mode, keeps it after COMMIT until the connection closes.
    db.pragma('journal_mode = DELETE');
    db.pragma('locking_mode = EXCLUSIVE');
    db.exec('BEGIN EXCLUSIVE');
    db.exec('CREATE TABLE IF NOT EXISTS holder (pid INTEGER)');
    db.exec('COMMIT');
  } catch (error) {
    db.close();
    if ((error as { code?: string }).code?.startsWith('SQLITE_BUSY') || (error as { code?: string }).code === 'SQLITE_LOCKED') {
      throw new DataFolderInUse(dataDir);
    }
    throw error;
  }
  let open = true;
  return {
    release() {
      if (!open) return;
      open = false;
      db.close();
    },
  };
}
