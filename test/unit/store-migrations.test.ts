// Migrations on real database files: fresh, re-open, too new, failing batch.
import Database from 'better-sqlite3';
import { describe, expect, it } from 'vitest';
import { BUSY_TIMEOUT_MS, openDatabase } from '../../app/store/db.ts';
import { MIGRATIONS, MigrationFailedError, openStore, StoreTooNewError, type Migration } from '../../app/store/index.ts';
import { tempQueue } from '../support/temp-queue.ts';

const q = tempQueue('du-store-mig-');

function raw(): Database.Database {
  return new Database(q.file);
}
/** A queued row as every schema version has it (rows in an older file come from older code, not this one's queries). */
function insertRow(id: number): void {
  const db = raw();
  db.prepare(
    `INSERT INTO files (id, folder_id, source_path, rel_path, size, mtime_ms, state, next_attempt_at, created_at, updated_at)
     VALUES (?, 'f', ?, ?, ?, ?, 'queued', 1, 1, 1)`,
  ).run(id, `/x/${id}`, String(id), id, id);
  db.close();
}
function tables(db: Database.Database): string[] {
  return (db.prepare(`SELECT name FROM sqlite_master WHERE type = 'table' ORDER BY name`).all() as { name: string }[]).map((r) => r.name);
}

describe('migrations', () => {
  it('creates the v1 schema on a fresh q.file with the connection pragmas', () => {
    const store = openStore(q.file);
    expect(store.migration).toEqual({ from: 0, to: MIGRATIONS.length, applied: MIGRATIONS.map((m) => m.version) });
    store.close();
    const db = raw();
    expect(db.pragma('user_version', { simple: true })).toBe(MIGRATIONS.length);
    expect(db.pragma('journal_mode', { simple: true })).toBe('wal'); // WAL is persistent in the q.file
    expect(tables(db)).toEqual(['audit', 'files', 'parts', 'uploads']);
    // STRICT: a text size is refused rather than stored.
    expect(() =>
      db
        .prepare(
          `INSERT INTO files (folder_id, source_path, rel_path, size, mtime_ms, state, next_attempt_at, created_at, updated_at)
                  VALUES ('f', 'p', 'r', 'big', 1, 'queued', 1, 1, 1)`,
        )
        .run(),
    ).toThrow(/cannot store TEXT value in INTEGER column/);
    db.close();
  });

  it('sets WAL, NORMAL sync (durable commits ask for FULL), foreign keys and a busy timeout on every connection', () => {
    const db = openDatabase(q.file);
    expect(db.pragma('journal_mode', { simple: true })).toBe('wal');
    expect(db.pragma('synchronous', { simple: true })).toBe(1); // NORMAL
    expect(db.pragma('foreign_keys', { simple: true })).toBe(1);
    expect(db.pragma('busy_timeout', { simple: true })).toBe(BUSY_TIMEOUT_MS);
    db.close();
  });

  it('re-opening a current database is a no-op', () => {
    openStore(q.file).close();
    const again = openStore(q.file);
    expect(again.migration).toEqual({ from: MIGRATIONS.length, to: MIGRATIONS.length, applied: [] });
    again.close();
  });

  it('refuses a database newer than the code with StoreTooNewError', () => {
    const db = raw();
    db.pragma('user_version = 5');
    db.close();
    const two: Migration[] = [MIGRATIONS[0]!, { version: 2, name: 'noop', up: 'SELECT 1' }];
    let err: unknown;
    try {
      openStore(q.file, { migrations: two });
    } catch (e) {
      err = e;
    }
    expect(err).toBeInstanceOf(StoreTooNewError);
    expect((err as Error).message).toBe('database schema v5 is newer than this Device Uploader (v2); update the app');
    const after = raw();
    expect(after.pragma('user_version', { simple: true })).toBe(5);
    expect(tables(after)).toEqual([]);
    after.close();
  });

  it('rolls back the whole batch when one migration fails', () => {
    const bad: Migration[] = [
      MIGRATIONS[0]!,
      { version: 2, name: 'adds-table', up: 'CREATE TABLE extra (id INTEGER PRIMARY KEY) STRICT;' },
      {
        version: 3,
        name: 'broken',
        up: (db) => {
          db.exec('CREATE TABLE half (id INTEGER) STRICT');
          throw new Error('boom');
        },
      },
    ];
    expect(() => openStore(q.file, { migrations: bad })).toThrow(MigrationFailedError);
    expect(() => openStore(q.file, { migrations: bad })).toThrow('migration 003-broken failed: boom');
    const db = raw();
    expect(db.pragma('user_version', { simple: true })).toBe(0);
    expect(tables(db)).toEqual([]); // not even v1's tables: one transaction
    db.close();
  });

  it('rolls back pending steps on an existing database, keeping its version and data', () => {
    openStore(q.file, { migrations: [MIGRATIONS[0]!] }).close();
    insertRow(1);
    const bad: Migration[] = [
      MIGRATIONS[0]!,
      { version: 2, name: 'adds-column', up: 'ALTER TABLE files ADD COLUMN note TEXT;' },
      { version: 3, name: 'bad-sql', up: 'CREATE TABLE oops (' },
    ];
    expect(() => openStore(q.file, { migrations: bad })).toThrow(/migration 003-bad-sql failed/);
    const db = raw();
    expect(db.pragma('user_version', { simple: true })).toBe(1);
    const cols = (db.prepare(`SELECT name FROM pragma_table_info('files')`).all() as { name: string }[]).map((c) => c.name);
    expect(cols).not.toContain('note');
    expect(db.prepare('SELECT count(*) AS n FROM files').get()).toEqual({ n: 1 });
    db.close();
    // and the good list still opens it afterwards
    const ok = openStore(q.file);
    expect(ok.migration.applied).toEqual(MIGRATIONS.slice(1).map((m) => m.version));
    ok.close();
  });

  it('applies a later migration on top of an existing database', () => {
    openStore(q.file, { migrations: [MIGRATIONS[0]!] }).close();
    const next: Migration[] = [MIGRATIONS[0]!, { version: 2, name: 'adds-column', up: 'ALTER TABLE files ADD COLUMN note TEXT;' }];
    const s = openStore(q.file, { migrations: next });
    expect(s.migration).toEqual({ from: 1, to: 2, applied: [2] });
    s.close();
  });

  it('v2 adds the post-upload action columns to a v1 database, keeping its rows', () => {
    openStore(q.file, { migrations: [MIGRATIONS[0]!] }).close();
    insertRow(1);
    const v2 = openStore(q.file, { migrations: MIGRATIONS.slice(0, 2) });
    expect(v2.migration).toMatchObject({ from: 1, applied: [2] });
    expect(v2.fileById(1)).toMatchObject({ postAction: null, postActionError: null, postActionAt: null });
    v2.close();
  });

  it('v3 records no post-upload intent for rows done before it: they are never moved or deleted', () => {
    openStore(q.file, { migrations: MIGRATIONS.slice(0, 2) }).close();
    insertRow(1);
    // Done as v2 code left it: no intent, no post_action (under "leave" as under an interrupted "delete").
    const db = raw();
    db.prepare(`UPDATE files SET state = 'done', biot_file_id = 'b-1' WHERE id = 1`).run();
    db.close();
    const v3 = openStore(q.file);
    expect(v3.migration).toMatchObject({ from: 2, applied: MIGRATIONS.slice(2).map((m) => m.version) });
    expect(v3.fileById(1)).toMatchObject({ state: 'done', postAction: null, postActionIntent: null });
    expect(v3.awaitingPostAction('f')).toEqual([]);
    v3.enqueue({ folderId: 'f', sourcePath: '/x/b', relPath: 'b', size: 2, mtimeMs: 2 });
    v3.enqueue({ folderId: 'f', sourcePath: '/x/c', relPath: 'c', size: 3, mtimeMs: 3 });
    v3.claimNext(2);
    v3.markDone(2, { biotFileId: 'b-2', afterUpload: 'delete' });
    v3.markDone(3, { biotFileId: 'b-3', afterUpload: 'leave' });
    expect(v3.awaitingPostAction('f').map((r) => [r.id, r.postActionIntent])).toEqual([[2, 'delete']]);
    v3.close();
  });

  it('rejects a migration list with a gap', () => {
    const gap: Migration[] = [MIGRATIONS[0]!, { version: 3, name: 'x', up: 'SELECT 1' }];
    expect(() => openStore(q.file, { migrations: gap })).toThrow(/numbered 1..n/);
  });
});
