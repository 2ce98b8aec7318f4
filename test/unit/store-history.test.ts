// The History query: done and duplicate rows only, newest first, a duplicate
// showing the original's BioT file id, searchable and paged.
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { expect, it } from 'vitest';
import { openStore } from '../../app/store/index.ts';

const sha = (c: string) => c.repeat(64);

it('lists finished rows with the original of each duplicate', () => {
  const store = openStore(join(mkdtempSync(join(tmpdir(), 'du-hist-')), 'q.db'));
  const input = (name: string, s: string) => ({ folderId: 'f', sourcePath: `/x/${name}`, relPath: name, size: 10, mtimeMs: 1, sha256: s });
  const a = store.enqueue(input('a.edf', sha('a')));
  store.enqueue(input('waiting.edf', sha('b')));
  store.claimNext(1);
  store.markDone(a.id, { biotFileId: 'biot-1' });
  const twin = store.enqueue(input('a-copy.edf', sha('a')));
  store.markDuplicate(twin.id, a.id);

  const all = store.history();
  expect(all.total).toBe(2);
  expect(all.entries.map((e) => [e.relPath, e.state, e.biotFileId, e.duplicateOf])).toEqual([
    ['a-copy.edf', 'duplicate', 'biot-1', a.id],
    ['a.edf', 'done', 'biot-1', null],
  ]);
  expect(store.history({ search: 'copy' }).entries.map((e) => e.relPath)).toEqual(['a-copy.edf']);
  expect(store.history({ search: '%' }).total).toBe(0);
  expect(store.history({ limit: 1, offset: 1 }).entries.map((e) => e.relPath)).toEqual(['a.edf']);
  store.close();
});

it("shows the read-back verdict, a duplicate showing its original's, and the audit records it", () => {
  const store = openStore(join(mkdtempSync(join(tmpdir(), 'du-hist-')), 'q.db'));
  const input = (name: string) => ({ folderId: 'f', sourcePath: `/x/${name}`, relPath: name, size: 10, mtimeMs: 1, sha256: sha('c') });
  const a = store.enqueue(input('kms.edf'));
  store.claimNext(1);
  const upload = store.startUpload(a.id, { biotFileId: 'biot-9', kind: 'single', partSize: 10, partCount: 1, fileSize: 10, fileMtimeMs: 1 }, [
    { partNumber: 1, offset: 0, size: 10 },
  ]);
  store.recordVerification(upload.id, { verdict: 'not-checkable', reason: 'OPAQUE_ETAG', size: 10, etag: 'kms-1', expectedEtag: 'e'.repeat(32) });
  store.markDone(a.id, { biotFileId: 'biot-9' });
  const twin = store.enqueue(input('kms-copy.edf'));
  store.markDuplicate(twin.id, a.id);

  expect(store.history().entries.map((e) => [e.relPath, e.verification, e.verificationReason])).toEqual([
    ['kms-copy.edf', 'not-checkable', 'OPAQUE_ETAG'],
    ['kms.edf', 'not-checkable', 'OPAQUE_ETAG'],
  ]);
  const audit = store.auditFor(a.id).find((e) => e.event === 'read-back');
  expect(audit).toMatchObject({
    uploadId: upload.id,
    detail: { verdict: 'not-checkable', reason: 'OPAQUE_ETAG', biotFileId: 'biot-9', expectedSize: 10, size: 10 },
  });
  store.close();
});
