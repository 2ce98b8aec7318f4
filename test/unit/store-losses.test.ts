// Uploads lost in a row, read back from the audit of a real database file:
// a person's Retry or an upload closed for another reason ends the streak.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, expect, it } from 'vitest';
import { openStore, type Store } from '../../app/store/index.ts';

let dir: string;
let store: Store;
beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), 'du-store-lost-'));
  store = openStore(join(dir, 'queue.db'));
});
afterEach(() => {
  store.close();
  rmSync(dir, { recursive: true, force: true });
});

const upload = (biotFileId: string) => ({ biotFileId, kind: 'multipart' as const, partSize: 5, partCount: 1, fileSize: 5, fileMtimeMs: 1 });

it('counts the uploads closed as lost since the last other close or Retry', () => {
  const f = store.enqueue({ folderId: 'f', sourcePath: '/x/a.edf', relPath: 'a.edf', size: 5, mtimeMs: 1 });
  store.claimNext(1);
  const lose = (id: string) => store.closeUpload(store.startUpload(f.id, upload(id), []).id, 'abandoned', 'UPLOAD_LOST');
  expect(store.lostInARow(f.id)).toBe(0);
  lose('b1');
  lose('b2');
  expect(store.lostInARow(f.id)).toBe(2);
  // Abandoned because the source changed: not a loss, and it ends the streak.
  store.closeUpload(store.startUpload(f.id, upload('b3'), []).id, 'abandoned');
  expect(store.lostInARow(f.id)).toBe(0);
  lose('b4');
  expect(store.lostInARow(f.id)).toBe(1);
  store.markNeedsAttention(f.id, { error: 'lost', code: 'UPLOAD_LOST_REPEATEDLY' });
  store.retry(f.id);
  expect(store.lostInARow(f.id)).toBe(0);
});
