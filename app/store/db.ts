// Opening the SQLite file with the pragmas the queue relies on, and the small
// context (prepared-statement cache, clock, write transactions) every query
// module shares.
import Database from 'better-sqlite3';

export type Db = Database.Database;
export type Stmt = Database.Statement<unknown[], unknown>;

/** How long a writer waits for another connection's lock before SQLITE_BUSY. */
export const BUSY_TIMEOUT_MS = 5_000;

/** Open (or create) the database file and apply the connection pragmas. */
export function openDatabase(file: string): Db {
  const db = new Database(file, { timeout: BUSY_TIMEOUT_MS });
  try {
    // WAL: the UI's readers never block the engine's writer, and a crash
    // mid-transaction leaves the last committed state intact.
    const mode = db.pragma('journal_mode = WAL', { simple: true });
    if (mode !== 'wal') throw new Error(`could not switch the database to WAL (got ${String(mode)})`);
    // NORMAL: a commit is safe from a crash of the process (the WAL is written
    // before COMMIT returns) but is fsynced only at the next FULL commit or
    // checkpoint, so a power cut may drop the last few. That is fine for what
    // can be found or done again: a claim, an ETag (the part is sent again), a
    // failure, a pause. Commits that must outlive a power cut because
    // something irreversible follows them go through `durable` (FULL): the
    // BioT file id before its bytes are sent, done before a move or delete,
    // a cancel, an attach. In WAL a FULL commit fsyncs the log up to itself,
    // so nothing earlier is lost once it returns. Per small file this is two
    // fsyncs instead of five or six; the bench's small-file row measured it.
    db.pragma('synchronous = NORMAL');
    db.pragma('foreign_keys = ON');
    db.pragma(`busy_timeout = ${BUSY_TIMEOUT_MS}`);
    // Page cache of 8 MiB, not better-sqlite3's 16: a queue of 100,000 rows
    // (64 MB) filled all 16 as the 100,000-file drop was queued, and glibc kept
    // it (issue 20). The pages a file's own statements touch are few; the
    // rest comes from the OS's page cache.
    db.pragma('cache_size = -8000');
    return db;
  } catch (e) {
    db.close();
    throw e;
  }
}

/** What every query module gets: the connection, a clock, cached statements, write transactions. */
export interface StoreContext {
  readonly db: Db;
  now(): number;
  /** A prepared statement, compiled once per SQL text for the life of the connection. */
  stmt(sql: string): Stmt;
  /**
   * Run fn in one BEGIN IMMEDIATE transaction (a savepoint when nested).
   * IMMEDIATE takes the write lock up front, so two connections never both
   * read 'queued' and then race to write: the second waits (busy_timeout).
   */
  write<T>(fn: () => T): T;
  /**
   * write(), committed with an fsync (synchronous = FULL for this commit): for
   * a commit that must outlive a power cut. Nested in another write, the
   * outer commit decides, so callers keep durable writes outermost.
   */
  durable<T>(fn: () => T): T;
}

/** Build the shared context for an open connection. */
export function createContext(db: Db, now: () => number = Date.now): StoreContext {
  const cache = new Map<string, Stmt>();
  const write = <T>(fn: () => T): T => db.transaction(fn).immediate();
  return {
    db,
    now,
    stmt(sql) {
      let s = cache.get(sql);
      if (!s) {
        s = db.prepare(sql);
        cache.set(sql, s);
      }
      return s;
    },
    write,
    durable(fn) {
      if (db.inTransaction) return write(fn);
      db.pragma('synchronous = FULL');
      try {
        return write(fn);
      } finally {
        db.pragma('synchronous = NORMAL');
      }
    },
  };
}
