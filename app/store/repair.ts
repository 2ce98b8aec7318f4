// `device-uploader repair`: rebuilds a damaged queue.db. The damaged file is
// kept beside it; a fresh database gets every row that can still be read from
// it (table by table, in rowid chunks so one bad page loses one chunk, not the
// table), and then every upload of the journal (upload-journal.ts) that did
// not come back, as a done row without a name. Exports on disk that BioT
// already holds are then recognised by content as duplicates, never re-sent.
import Database from 'better-sqlite3';
import { existsSync, renameSync } from 'node:fs';
import { QueueDamagedError } from './damage.ts';
import { openDatabase, type Db } from './db.ts';
import { migrate } from './migrate.ts';
import { MIGRATIONS } from './migrations/index.ts';
import { openStore } from './open-store.ts';
import { restoreFromJournal } from './journal-restore.ts';
import { journalFile } from './upload-journal.ts';

/** Tables in foreign-key order (a row's parent comes first). */
const TABLES = ['files', 'uploads', 'parts', 'audit'] as const;
const CHUNK = 200;

export type RepairResult =
  | { kind: 'healthy' }
  /** Sound but new or empty (deleted by someone): the journal's finished uploads were put back (journal-restore.ts). */
  | { kind: 'restored'; restoredFromJournal: number }
  | { kind: 'repaired'; damagedKeptAs: string; salvaged: Record<(typeof TABLES)[number], number>; unreadable: number; restoredFromJournal: number };

/** Repairs `file` when it is damaged; a sound database is left as it is, a new or empty one gets the journal back. */
export function repairQueue(file: string, now: () => number = Date.now): RepairResult {
  try {
    const store = openStore(file, { now });
    store.close();
    return store.restoredFromJournal > 0 ? { kind: 'restored', restoredFromJournal: store.restoredFromJournal } : { kind: 'healthy' };
  } catch (error) {
    if (!(error instanceof QueueDamagedError)) throw error;
  }
  const kept = `${file}.damaged-${new Date(now()).toISOString().replace(/[:.]/g, '-')}`;
  for (const suffix of ['', '-wal', '-shm']) if (existsSync(file + suffix)) renameSync(file + suffix, kept + suffix);

  const fresh = openDatabase(file);
  const salvaged = { files: 0, uploads: 0, parts: 0, audit: 0 };
  let unreadable = 0;
  let restoredFromJournal: number;
  try {
    migrate(fresh, MIGRATIONS);
    const damaged = openReadOnly(kept);
    if (damaged) {
      try {
        for (const table of TABLES) {
          const got = copyTable(damaged, fresh, table);
          salvaged[table] = got.copied;
          unreadable += got.unreadable;
        }
      } finally {
        damaged.close();
      }
    }
    restoredFromJournal = restoreFromJournal(fresh, journalFile(file), now());
  } finally {
    fresh.close();
  }
  return { kind: 'repaired', damagedKeptAs: kept, salvaged, unreadable, restoredFromJournal };
}

function openReadOnly(file: string): Db | undefined {
  try {
    const db = new Database(file, { readonly: true, fileMustExist: true });
    db.pragma('table_list'); // fails at once on a file that is not a database at all
    return db;
  } catch {
    return undefined;
  }
}

function columnsOf(db: Db, table: string): string[] {
  try {
    return (db.prepare(`PRAGMA table_info("${table}")`).all() as { name: string }[]).map((c) => c.name);
  } catch {
    return [];
  }
}

/** Copies what can be read of one table; rows that cannot be read or inserted are counted, not fatal. */
function copyTable(from: Db, to: Db, table: string): { copied: number; unreadable: number } {
  const wanted = new Set(columnsOf(to, table));
  const columns = columnsOf(from, table).filter((c) => wanted.has(c));
  if (!columns.length) return { copied: 0, unreadable: 0 };
  const list = columns.map((c) => `"${c}"`).join(', ');
  const insert = to.prepare(`INSERT OR IGNORE INTO "${table}" (${list}) VALUES (${columns.map(() => '?').join(', ')})`);
  let copied = 0;
  let unreadable = 0;
  const put = (rows: unknown[][]) => {
    for (const row of rows) {
      try {
        copied += insert.run(...row).changes;
      } catch {
        unreadable++; // e.g. an upload whose file row was on a lost page
      }
    }
  };
  const read = (sql: string, ...args: unknown[]) =>
    from
      .prepare(sql)
      .raw(true)
      .all(...args) as unknown[][];
  try {
    to.transaction(() => put(read(`SELECT ${list} FROM "${table}"`)))();
    return { copied, unreadable };
  } catch {
    // A bad page: go again in rowid chunks and keep every chunk that reads.
  }
  if (table === 'parts') return { copied, unreadable: unreadable + 1 }; // WITHOUT ROWID: all or nothing
  copied = 0;
  let high: number;
  try {
    high = Number((from.prepare(`SELECT max(rowid) AS m FROM "${table}"`).get() as { m: number | null }).m ?? 0);
  } catch {
    return { copied, unreadable: unreadable + 1 }; // the table's own root is gone: the journal is what is left
  }
  for (let low = 1; low <= high; low += CHUNK) {
    try {
      const rows = read(`SELECT ${list} FROM "${table}" WHERE rowid BETWEEN ? AND ?`, low, low + CHUNK - 1);
      to.transaction(() => put(rows))();
    } catch {
      unreadable++;
    }
  }
  return { copied, unreadable };
}
