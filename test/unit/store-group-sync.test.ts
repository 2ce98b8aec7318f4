// The store's group commit (issue 20, app/store/wal-sync.ts): every durable
// step committed before a sync began is released by that sync; steps that
// come while one runs share the next one, never the one already running; a
// failed sync rejects its waiters and the next step syncs again. And through
// the engine's ledger: the upload id is on disk before startUpload answers
// (the bytes are sent only then). Real files and a real database.
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { storeLedger } from '../../app/engine/ledger.ts';
import { openStore } from '../../app/store/index.ts';
import { WalSync } from '../../app/store/wal-sync.ts';
import { until } from '../support/wait.ts';

let dir: string;
beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), 'du-group-sync-'));
});
afterEach(() => rmSync(dir, { recursive: true, force: true }));

/** A WalSync over one real file whose every sync is recorded with the steps that asked before it began. */
function observed() {
  const file = join(dir, 'queue.db-wal');
  writeFileSync(file, 'frames');
  let asked = 0;
  const began: number[] = [];
  const sync = new WalSync(() => {
    began.push(asked);
    return [file];
  });
  const step = () => {
    asked++;
    return sync.whenDurable();
  };
  return { file, sync, step, began };
}

describe('the group sync', () => {
  it('releases the steps committed before its fdatasync was asked for in one sync', async () => {
    const { sync, step, began } = observed();
    await Promise.all([step(), step(), step()]);
    expect(sync.syncs).toBe(1);
    expect(began).toEqual([1]); // began with the first step; the other two came before its fdatasync and joined it
  });

  it('makes a step that comes once the fdatasync was asked for wait for the next sync', async () => {
    // Each fdatasync is held until the test lets it go, so a step can come while one is on its way to the disk.
    const held: (() => void)[] = [];
    let asked = 0;
    const began: number[] = [];
    const sync = new WalSync(
      () => {
        began.push(asked);
        return ['queue.db-wal'];
      },
      async () => ({ datasync: () => new Promise<void>((done) => held.push(done)), close: async () => {} }),
    );
    const step = () => {
      asked++;
      return sync.whenDurable();
    };
    const released: number[] = [];
    const first = step().then(() => released.push(1));
    await until('the first fdatasync asked for', () => held.length === 1, { everyMs: 1 });
    const later = [step().then(() => released.push(2)), step().then(() => released.push(3))];
    held.shift()!();
    await first;
    expect(released).toEqual([1]); // the later steps were committed after that fdatasync was asked for
    await until('the second fdatasync asked for', () => held.length === 1, { everyMs: 1 });
    held.shift()!();
    await Promise.all(later);
    expect(released).toEqual([1, 2, 3]);
    expect(sync.syncs).toBe(2);
    expect(began).toEqual([1, 3]);
  });

  it('opens each file once and keeps it for the next syncs; a file whose sync failed is opened afresh', async () => {
    const opened: string[] = [];
    let failNext = false;
    const sync = new WalSync(
      () => ['queue.db-wal', 'queue.db.uploads.jsonl'],
      async (path) => {
        opened.push(path);
        return {
          datasync: async () => {
            if (failNext && path === 'queue.db-wal') throw Object.assign(new Error('EIO: i/o error'), { code: 'EIO' });
          },
          close: async () => {},
        };
      },
    );
    for (let i = 0; i < 3; i++) await sync.whenDurable();
    expect(opened).toEqual(['queue.db-wal', 'queue.db.uploads.jsonl']);
    failNext = true;
    await expect(sync.whenDurable()).rejects.toThrow(/EIO/);
    failNext = false;
    await sync.whenDurable();
    expect(opened).toEqual(['queue.db-wal', 'queue.db.uploads.jsonl', 'queue.db-wal']);
    expect(sync.syncs).toBe(5);
  });

  it('rejects the waiters of a failed sync, and syncs again for the next step', async () => {
    const { file, sync, step } = observed();
    rmSync(file);
    await expect(step()).rejects.toThrow(/ENOENT/);
    writeFileSync(file, 'frames');
    await expect(step()).resolves.toBeUndefined();
    expect(sync.syncs).toBe(2);
  });
});

describe('durable steps through the ledger', () => {
  it('answers startUpload and markCompleting only after a group sync that began after their commit', async () => {
    const store = openStore(join(dir, 'queue.db'));
    try {
      store.enqueueFound([{ folderId: 'f', sourcePath: '/e/a.dat', relPath: 'a.dat', size: 10, mtimeMs: 1 }]);
      const [row] = store.claimNext(1);
      const ledger = storeLedger(store);
      const before = store.durableSyncs;
      const upload = await ledger.startUpload(
        row!.id,
        { biotFileId: 'b-1', kind: 'single', partSize: 10, partCount: 1, fileSize: 10, fileMtimeMs: 1 },
        [{ partNumber: 1, offset: 0, size: 10 }],
      );
      expect(upload.biotFileId).toBe('b-1');
      expect(store.durableSyncs).toBe(before + 1);
      await ledger.markCompleting(row!.id);
      expect(store.durableSyncs).toBe(before + 2);
      expect(store.fileById(row!.id)?.state).toBe('completing');
    } finally {
      store.close();
    }
  });
});
