// The gate before a source is deleted or moved (issue 9, with issue 12's
// PUT_ETAG): only a copy read back through BioT counts. A single PUT checked
// by its own answer (its folder left sources when the upload began) is not
// enough for a delete the folder was switched to meanwhile. Real queue file,
// real source files, the real post-upload action.
import { createHash } from 'node:crypto';
import { existsSync, mkdtempSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { silentLogger } from '../../app/common/logger.ts';
import { parseConfig } from '../../app/config/load.ts';
import type { FolderConfig } from '../../app/config/schema.ts';
import { openStore, type Store } from '../../app/store/index.ts';
import type { ReadBackResult } from '../../app/store/types.ts';
import { runPostAction } from '../../app/watch/post-action.ts';

let dir: string;
let store: Store;
beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), 'du-post-gate-'));
  store = openStore(join(dir, 'queue.db'));
});
afterEach(() => {
  store.close();
  rmSync(dir, { recursive: true, force: true });
});

function deletingFolder(extra: Record<string, unknown> = {}): FolderConfig {
  const config = parseConfig(
    {
      dataDir: join(dir, 'data'),
      server: { baseUrl: 'http://127.0.0.1:9/', auth: { type: 'user', username: 'u', password: 'p' } },
      folders: [{ id: 'inbox', path: join(dir, 'inbox'), afterUpload: 'delete', ...extra }],
    },
    { baseDir: dir },
  );
  return config.folders[0]!;
}

/** A done row for a real file, verified as `verdict` says, done under 'delete'. */
function doneRow(name: string, verdict: ReadBackResult) {
  const path = join(dir, name);
  writeFileSync(path, 'ecg');
  const stats = statSync(path);
  // The hash of the bytes sent, as the transfer records it: what the source is checked against before it goes.
  const sha256 = createHash('sha256').update('ecg').digest('hex');
  const row = store.enqueue({ folderId: 'inbox', sourcePath: path, relPath: name, size: stats.size, mtimeMs: Math.trunc(stats.mtimeMs), sha256 });
  store.claimNext(1);
  const upload = store.startUpload(row.id, { biotFileId: `b-${row.id}`, kind: 'single', partSize: 3, partCount: 1, fileSize: 3, fileMtimeMs: 1 }, [
    { partNumber: 1, offset: 0, size: 3 },
  ]);
  store.recordVerification(upload.id, verdict);
  return { path, row: store.markDone(row.id, { biotFileId: `b-${row.id}`, afterUpload: 'delete' }) };
}

const md5 = 'e'.repeat(32);

describe('the gate before delete or move', () => {
  it('keeps a source whose single PUT was checked only by its own answer', async () => {
    const { path, row } = doneRow('put-only.xml', { verdict: 'verified', reason: 'PUT_ETAG', size: 3, etag: md5, expectedEtag: md5 });
    expect(row).toMatchObject({ verification: 'verified', verificationReason: 'PUT_ETAG' });
    expect(await runPostAction(deletingFolder(), row, store, silentLogger)).toEqual({ action: 'skipped', code: 'UNVERIFIED' });
    expect(existsSync(path)).toBe(true);
  });

  it('deletes a source whose copy was read back through BioT', async () => {
    const { path, row } = doneRow('read-back.xml', { verdict: 'verified', size: 3, etag: md5, expectedEtag: md5 });
    expect(await runPostAction(deletingFolder(), row, store, silentLogger)).toMatchObject({ action: 'deleted' });
    expect(existsSync(path)).toBe(false);
  });

  it("deletes the PUT-checked one too when the folder says afterUploadUnverified: 'apply'", async () => {
    const { path, row } = doneRow('apply.xml', { verdict: 'verified', reason: 'PUT_ETAG', size: 3, etag: md5, expectedEtag: md5 });
    expect(await runPostAction(deletingFolder({ afterUploadUnverified: 'apply' }), row, store, silentLogger)).toMatchObject({ action: 'deleted' });
    expect(existsSync(path)).toBe(false);
  });
});
