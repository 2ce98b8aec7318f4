// enqueueFound (issue 12): files the watcher found are committed in batches
// without an fsync of their own; the connection must be back to
// synchronous = FULL afterwards whatever happened, because every other write
// (claims, parts, done) relies on it. Real database file.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { createContext, openDatabase, type StoreContext } from '../../app/store/db.ts';
import { migrate } from '../../app/store/migrate.ts';
import { MIGRATIONS } from '../../app/store/migrations/index.ts';
import { enqueueFound } from '../../app/store/queue.ts';

const FULL = 2;
let dir: string;
let ctx: StoreContext;
beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), 'du-store-found-'));
  const db = openDatabase(join(dir, 'queue.db'));
  migrate(db, MIGRATIONS);
  ctx = createContext(db);
});
afterEach(() => {
  ctx.db.close();
  rmSync(dir, { recursive: true, force: true });
});

const found = (i: number) => ({
  folderId: 'f',
  sourcePath: `/exports/e${i}.dat`,
  relPath: `e${i}.dat`,
  size: 100 + i,
  mtimeMs: 1_700_000_000_000 + i,
});

describe('enqueueFound', () => {
  it('queues the batch in one transaction and leaves the connection at synchronous = FULL', () => {
    const rows = enqueueFound(ctx, [found(1), found(2), found(3)]);
    expect(rows.map((r) => r.state)).toEqual(['queued', 'queued', 'queued']);
    expect(ctx.db.pragma('synchronous', { simple: true })).toBe(FULL);
  });

  it('restores synchronous = FULL and keeps nothing of a batch that fails', () => {
    expect(() => enqueueFound(ctx, [found(1), { ...found(2), sha256: 'not a hash' }])).toThrow(/sha256/);
    expect(ctx.db.pragma('synchronous', { simple: true })).toBe(FULL);
    expect(ctx.stmt('SELECT count(*) AS n FROM files').get()).toEqual({ n: 0 });
  });
});
