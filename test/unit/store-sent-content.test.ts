// The hash on a done row is of the bytes BioT holds, and a source rewritten
// after it was sent (same size and mtime) is kept and queued again as a new
// row: real SQLite files, the store's own transactions.
import { describe, expect, it } from 'vitest';
import { tempStore } from '../support/temp-queue.ts';
import { StoreConflictError } from '../../app/store/index.ts';

const A = 'a'.repeat(64);
const B = 'b'.repeat(64);
const q = tempStore('du-sent-');

const file = { folderId: 'inbox', sourcePath: '/in/rec.edf', relPath: 'rec.edf', size: 100, mtimeMs: 1_700_000_000_000 };

/** A row taken through to done, as the scheduler does, under a folder that deletes. */
function doneRow(sha256: string | null) {
  const queued = q.store.enqueue({ ...file, sha256 });
  q.store.claimNext(1);
  q.store.startUpload(queued.id, { biotFileId: 'f-1', kind: 'single', partSize: 100, partCount: 1, fileSize: 100, fileMtimeMs: file.mtimeMs }, [
    { partNumber: 1, offset: 0, size: 100 },
  ]);
  return q.store.markDone(queued.id, { biotFileId: 'f-1', afterUpload: 'delete' });
}

describe('the hash of what BioT holds', () => {
  it('a hash taken while sending replaces the one taken before (audited with both)', () => {
    const row = q.store.enqueue({ ...file, sha256: A });
    expect(q.store.recordSentHash(row.id, B).sha256).toBe(B);
    expect(q.store.auditFor(row.id).at(-1)).toMatchObject({ event: 'hashed', detail: { sha256: B, before: A, sent: true } });
    // recordHash still refuses to change a hash: only the bytes sent may.
    expect(() => q.store.recordHash(row.id, A)).toThrow(StoreConflictError);
  });
});

describe('keepRewrittenSource', () => {
  it('keeps the done row for History and dedup, and queues the new bytes under the same path, size and mtime', () => {
    const old = doneRow(A);
    const queued = q.store.keepRewrittenSource(old.id, B);
    expect(queued).toMatchObject({ ...file, sha256: B, state: 'queued' });
    expect(q.store.fileById(old.id)).toMatchObject({ state: 'done', sha256: A, postAction: 'skipped', postActionError: 'SOURCE_REWRITTEN' });
    // The file on disk is the new row now; the old one is still what dedup knows BioT holds.
    expect(q.store.findLive(file.folderId, file.sourcePath, file.size, file.mtimeMs)?.id).toBe(queued.id);
    expect(q.store.enqueue(file).id).toBe(queued.id);
    expect(q.store.findDoneBySha256(A, file.size)?.id).toBe(old.id);
    expect(q.store.history().entries.find((h) => h.id === old.id)).toMatchObject({ postAction: 'skipped', postActionError: 'SOURCE_REWRITTEN' });
    expect(q.store.auditFor(old.id).at(-1)).toMatchObject({ event: 'source-changed', detail: { rewrittenAs: queued.id } });
    expect(q.store.awaitingPostAction('inbox')).toEqual([]);
  });

  it('never twice, and never for a row still owing nothing', () => {
    const old = doneRow(A);
    q.store.keepRewrittenSource(old.id, B);
    expect(() => q.store.keepRewrittenSource(old.id, B)).toThrow(StoreConflictError);
    const waiting = q.store.enqueue({ ...file, sourcePath: '/in/other.edf' });
    expect(() => q.store.keepRewrittenSource(waiting.id, B)).toThrow(StoreConflictError);
  });
});
