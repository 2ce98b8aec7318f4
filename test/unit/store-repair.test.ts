// The queue database's damage check, its upload journal and `repair`, on real
// SQLite files: a damaged file is refused by name before anything runs, the
// journal survives a torn last line, and a repair keeps every row that still
// reads plus every journalled upload that does not.
import { appendFileSync, closeSync, existsSync, openSync, readdirSync, writeSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { QueueDamagedError } from '../../app/store/damage.ts';
import { openStore } from '../../app/store/index.ts';
import { repairQueue } from '../../app/store/repair.ts';
import { journalFile, readJournal, UploadJournal, type JournalEntry } from '../../app/store/upload-journal.ts';
import { tempQueue } from '../support/temp-queue.ts';

const q = tempQueue('du-repair-');

const entry = (fileId: number): JournalEntry => ({
  fileId,
  folderId: 'inbox',
  sha256: 'a'.repeat(64),
  size: 10 + fileId,
  mtimeMs: 1,
  biotFileId: `biot-${fileId}`,
  attachEntityType: null,
  attachEntityId: null,
  at: 5,
});

/** Overwrites the page after the header page with garbage, as a bad sector would. */
function damage(path: string): void {
  const fd = openSync(path, 'r+');
  writeSync(fd, Buffer.alloc(4096, 0xa5), 0, 4096, 4096);
  closeSync(fd);
}

describe('a damaged queue database', () => {
  it('is refused at open with the q.file named and repair named, and a sound one is left alone by repair', () => {
    const store = openStore(q.file);
    store.enqueue({ folderId: 'inbox', sourcePath: '/x/a', relPath: 'a', size: 1, mtimeMs: 1, sha256: null });
    store.close();
    expect(repairQueue(q.file)).toEqual({ kind: 'healthy' });
    damage(q.file);
    expect(() => openStore(q.file)).toThrow(QueueDamagedError);
    expect(() => openStore(q.file)).toThrow(new RegExp(`${q.file.replaceAll('/', '\\/')} is damaged.*device-uploader repair`));
  });

  it('repair keeps the damaged q.file, and restores journalled uploads whose rows are lost as done rows', () => {
    openStore(q.file).close();
    const journal = new UploadJournal(journalFile(q.file));
    journal.append(entry(1));
    journal.append(entry(2));
    journal.close();
    appendFileSync(journalFile(q.file), '{"fileId":3,"folder'); // torn by a power cut
    expect(readJournal(journalFile(q.file)).map((e) => e.fileId)).toEqual([1, 2]);
    damage(q.file);

    const result = repairQueue(q.file, () => Date.UTC(2026, 11, 1));
    expect(result).toMatchObject({ kind: 'repaired', restoredFromJournal: 2 });
    expect(existsSync(result.kind === 'repaired' ? result.damagedKeptAs : '')).toBe(true);
    expect(readdirSync(q.dir).some((n) => n.startsWith('queue.db.damaged-'))).toBe(true);

    const store = openStore(q.file);
    try {
      const rows = store.listFiles({ limit: 10 }).files;
      expect(rows.map((r) => [r.id, r.state, r.biotFileId, r.size]).sort()).toEqual([
        [1, 'done', 'biot-1', 11],
        [2, 'done', 'biot-2', 12],
      ]);
    } finally {
      store.close();
    }
  });
});

describe('a new or empty queue beside a journal', () => {
  it('gets the journal back when it opens, once; a queue with rows is left as it is', () => {
    const journal = new UploadJournal(journalFile(q.file));
    for (const id of [1, 2, 3]) journal.append(entry(id));
    journal.close();
    const fresh = openStore(q.file);
    expect(fresh.restoredFromJournal).toBe(3);
    expect(fresh.countByState().done).toBe(3);
    expect(fresh.findDoneBySha256('a'.repeat(64), 12)?.biotFileId).toBe('biot-2');
    fresh.enqueue({ folderId: 'inbox', sourcePath: '/in/new.edf', relPath: 'new.edf', size: 99, mtimeMs: 1 });
    fresh.close();
    const again = openStore(q.file);
    expect(again.restoredFromJournal).toBe(0);
    expect(again.countByState()).toMatchObject({ done: 3, queued: 1 });
    again.close();
  });
});
