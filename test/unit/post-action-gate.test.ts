// The gate before a source is deleted or moved (issue 9, with issue 12's
// PUT_ETAG): only a copy read back through BioT counts. A single PUT checked
// by its own answer (its folder left sources when the upload began) is not
// enough for a delete the folder was switched to meanwhile. Real queue file,
// real source files, the real post-upload action.
import { createHash } from 'node:crypto';
import { existsSync, statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { tempStore } from '../support/temp-queue.ts';
import { silentLogger } from '../../app/common/logger.ts';
import { parseConfig } from '../../app/config/load.ts';
import type { FolderConfig } from '../../app/config/schema.ts';
import type { ReadBackResult } from '../../app/store/types.ts';
import { runPostAction } from '../../app/watch/post-action.ts';

const q = tempStore('du-post-gate-');

function deletingFolder(extra: Record<string, unknown> = {}): FolderConfig {
  const config = parseConfig(
    {
      dataDir: join(q.dir, 'data'),
      server: { baseUrl: 'http://127.0.0.1:9/', auth: { type: 'user', username: 'u', password: 'p' } },
      folders: [{ id: 'inbox', path: join(q.dir, 'inbox'), afterUpload: 'delete', ...extra }],
    },
    { baseDir: q.dir },
  );
  return config.folders[0]!;
}

/** A done row for a real file, verified as `verdict` says, done under 'delete'. */
function doneRow(name: string, verdict: ReadBackResult) {
  const path = join(q.dir, name);
  writeFileSync(path, 'ecg');
  const stats = statSync(path);
  // The hash of the bytes sent, as the transfer records it: what the source is checked against before it goes.
  const sha256 = createHash('sha256').update('ecg').digest('hex');
  const row = q.store.enqueue({ folderId: 'inbox', sourcePath: path, relPath: name, size: stats.size, mtimeMs: Math.trunc(stats.mtimeMs), sha256 });
  q.store.claimNext(1);
  const upload = q.store.startUpload(row.id, { biotFileId: `b-${row.id}`, kind: 'single', partSize: 3, partCount: 1, fileSize: 3, fileMtimeMs: 1 }, [
    { partNumber: 1, offset: 0, size: 3 },
  ]);
  q.store.recordVerification(upload.id, verdict);
  return { path, row: q.store.markDone(row.id, { biotFileId: `b-${row.id}`, afterUpload: 'delete' }) };
}

const md5 = 'e'.repeat(32);

describe('the gate before delete or move', () => {
  it('keeps a source whose single PUT was checked only by its own answer', async () => {
    const { path, row } = doneRow('put-only.xml', { verdict: 'verified', reason: 'PUT_ETAG', size: 3, etag: md5, expectedEtag: md5 });
    expect(row).toMatchObject({ verification: 'verified', verificationReason: 'PUT_ETAG' });
    expect(await runPostAction(deletingFolder(), row, q.store, silentLogger)).toEqual({ action: 'skipped', code: 'UNVERIFIED' });
    expect(existsSync(path)).toBe(true);
  });

  it('deletes a source whose copy was read back through BioT', async () => {
    const { path, row } = doneRow('read-back.xml', { verdict: 'verified', size: 3, etag: md5, expectedEtag: md5 });
    expect(await runPostAction(deletingFolder(), row, q.store, silentLogger)).toMatchObject({ action: 'deleted' });
    expect(existsSync(path)).toBe(false);
  });

  it("deletes the PUT-checked one too when the folder says afterUploadUnverified: 'apply'", async () => {
    const { path, row } = doneRow('apply.xml', { verdict: 'verified', reason: 'PUT_ETAG', size: 3, etag: md5, expectedEtag: md5 });
    expect(await runPostAction(deletingFolder({ afterUploadUnverified: 'apply' }), row, q.store, silentLogger)).toMatchObject({ action: 'deleted' });
    expect(existsSync(path)).toBe(false);
  });
});
