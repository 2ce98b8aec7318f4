// Which commits are fsynced (issue 12): the connection runs at synchronous =
// NORMAL, and only commits that something irreversible follows are made
// durable. The per-file steps (the BioT file id before its bytes are sent,
// completing, done) commit at NORMAL and are synced by the store's group sync
// (issue 20, wal-sync.ts), which the engine awaits before the irreversible
// step; the rare ones go through ctx.durable (FULL for that commit): cancel,
// attach, post-upload action, a person's enqueue of a file outside every
// watched folder. The rest (claims, ETags, failures, files a folder holds)
// can be found or done again after a power cut. Real database file; the
// pragma calls are observed, not replaced.
import Database from 'better-sqlite3';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { createContext, openDatabase, type StoreContext } from '../../app/store/db.ts';
import { migrate } from '../../app/store/migrate.ts';
import { MIGRATIONS } from '../../app/store/migrations/index.ts';
import { enqueueFound } from '../../app/store/queue.ts';
import { openStore, type Store } from '../../app/store/index.ts';
import { EnqueueBatcher } from '../../app/engine/enqueue-batch.ts';
import { MANUAL_FOLDER } from '../../app/engine/file-job.ts';

const NORMAL = 1;
const FULL = 2;
let dir: string;
beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), 'du-store-durable-'));
});
afterEach(() => {
  vi.restoreAllMocks();
  rmSync(dir, { recursive: true, force: true });
});

const found = (i: number) => ({
  folderId: 'f',
  sourcePath: `/exports/e${i}.dat`,
  relPath: `e${i}.dat`,
  size: 100 + i,
  mtimeMs: 1_700_000_000_000 + i,
});

function context(): StoreContext {
  const db = openDatabase(join(dir, 'queue.db'));
  migrate(db, MIGRATIONS);
  return createContext(db);
}

describe('ctx.durable', () => {
  it('commits at FULL and leaves the connection at NORMAL, also when the write throws', () => {
    const ctx = context();
    expect(ctx.db.pragma('synchronous', { simple: true })).toBe(NORMAL);
    expect(ctx.durable(() => ctx.db.pragma('synchronous', { simple: true }))).toBe(FULL);
    expect(ctx.db.pragma('synchronous', { simple: true })).toBe(NORMAL);
    expect(() =>
      ctx.durable(() => {
        enqueueFound(ctx, [found(1)]);
        throw new Error('boom');
      }),
    ).toThrow('boom');
    expect(ctx.db.pragma('synchronous', { simple: true })).toBe(NORMAL);
    expect(ctx.stmt('SELECT count(*) AS n FROM files').get()).toEqual({ n: 0 });
    ctx.db.close();
  });

  it('queues what the watcher found in one transaction without an fsync of its own', () => {
    const ctx = context();
    const rows = enqueueFound(ctx, [found(1), found(2), found(3)]);
    expect(rows.map((r) => r.state)).toEqual(['queued', 'queued', 'queued']);
    expect(() => enqueueFound(ctx, [found(4), { ...found(5), sha256: 'not a hash' }])).toThrow(/sha256/);
    expect(ctx.stmt('SELECT count(*) AS n FROM files').get()).toEqual({ n: 3 });
    ctx.db.close();
  });
});

/** One more group sync of the WAL (and journal) runs and returns. */
async function expectGroupSync(store: Store): Promise<void> {
  const before = store.durableSyncs;
  await store.whenDurable();
  expect(store.durableSyncs).toBe(before + 1);
}

describe('which store writes are durable', () => {
  let store: Store;
  let syncs: string[];
  /** The synchronous pragmas `fn` set, in order ([] = committed at the connection's NORMAL). */
  const syncsOf = (fn: () => unknown): string[] => {
    syncs = [];
    fn();
    return syncs;
  };
  beforeEach(() => {
    store = openStore(join(dir, 'queue.db'));
    const pragma = Database.prototype.pragma;
    vi.spyOn(Database.prototype, 'pragma').mockImplementation(function (this: Database.Database, source: string, options?: unknown) {
      if (/^synchronous\s*=/.test(source)) syncs.push(source);
      return pragma.call(this, source, options as Database.PragmaOptions);
    });
  });
  afterEach(() => store.close());

  it("fsyncs cancel, attach, the post-upload action and a person's enqueue at once; upload record, completing and done by the group sync; not claims, ETags or failures", async () => {
    const durable = ['synchronous = FULL', 'synchronous = NORMAL'];
    const [a, b] = [store.enqueueFound([found(1)])[0]!, store.enqueueFound([found(2)])[0]!];
    expect(syncsOf(() => store.enqueue(found(3)))).toEqual(durable);
    expect(syncsOf(() => store.claimNext(2))).toEqual([]);
    let uploadId = 0;
    expect(
      syncsOf(() => {
        uploadId = store.startUpload(a.id, { biotFileId: 'b-1', kind: 'multipart', partSize: 5, partCount: 1, fileSize: 101, fileMtimeMs: 1 }, [
          { partNumber: 1, offset: 0, size: 101 },
        ]).id;
      }),
    ).toEqual([]);
    await expectGroupSync(store);
    expect(syncsOf(() => store.recordPartEtag(uploadId, 1, { etag: '"e"', md5: 'e' }))).toEqual([]);
    expect(syncsOf(() => store.markCompleting(a.id))).toEqual([]);
    await expectGroupSync(store);
    expect(syncsOf(() => store.recordAttached(a.id, { entityType: 'patient', entityId: 'p-1' }))).toEqual(durable);
    expect(syncsOf(() => store.markDone(a.id, { biotFileId: 'b-1', afterUpload: 'delete' }))).toEqual([]);
    await expectGroupSync(store);
    expect(syncsOf(() => store.recordPostAction(a.id, { action: 'deleted' }))).toEqual(durable);
    expect(syncsOf(() => store.markFailed(b.id, { error: 'x', code: 'X', retryAt: 0 }))).toEqual([]);
    expect(syncsOf(() => store.cancel(b.id))).toEqual(durable);
    expect(syncsOf(() => store.pauseAll())).toEqual([]);
    expect(syncsOf(() => store.cancelAll())).toEqual(durable);
    expect(syncsOf(() => store.enqueueMany([found(6), found(7)]))).toEqual(durable);
  });

  it("commits the watcher's finds without an fsync, and a person's enqueue from outside every folder with one", async () => {
    const batcher = new EnqueueBatcher(store);
    syncs = [];
    await Promise.all([batcher.enqueue(found(10)), batcher.enqueue(found(11))]);
    expect(syncs).toEqual([]);
    syncs = [];
    await batcher.enqueue({ ...found(12), folderId: MANUAL_FOLDER });
    expect(syncs).toEqual(['synchronous = FULL', 'synchronous = NORMAL']);
  });
});
