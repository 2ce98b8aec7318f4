// Uploads lost in a row, read back from the audit of a real database file:
// a person's Retry or an upload closed for another reason ends the streak.
import { expect, it } from 'vitest';
import { tempStore } from '../support/temp-queue.ts';

const q = tempStore('du-store-lost-');

const upload = (biotFileId: string) => ({ biotFileId, kind: 'multipart' as const, partSize: 5, partCount: 1, fileSize: 5, fileMtimeMs: 1 });

it('counts the uploads closed as lost since the last other close or Retry', () => {
  const f = q.store.enqueue({ folderId: 'f', sourcePath: '/x/a.edf', relPath: 'a.edf', size: 5, mtimeMs: 1 });
  q.store.claimNext(1);
  const lose = (id: string) => q.store.closeUpload(q.store.startUpload(f.id, upload(id), []).id, 'abandoned', 'UPLOAD_LOST');
  expect(q.store.lostInARow(f.id)).toBe(0);
  lose('b1');
  lose('b2');
  expect(q.store.lostInARow(f.id)).toBe(2);
  // Abandoned because the source changed: not a loss, and it ends the streak.
  q.store.closeUpload(q.store.startUpload(f.id, upload('b3'), []).id, 'abandoned');
  expect(q.store.lostInARow(f.id)).toBe(0);
  lose('b4');
  expect(q.store.lostInARow(f.id)).toBe(1);
  q.store.markNeedsAttention(f.id, { error: 'lost', code: 'UPLOAD_LOST_REPEATEDLY' });
  q.store.retry(f.id);
  expect(q.store.lostInARow(f.id)).toBe(0);
});
