// Issue 9, "Verified at BioT, not assumed": after complete (multipart), and
// after a single PUT whose source will be moved or deleted, the uploader reads
// BioT's object back (size and ETag) and records the verdict (a single PUT
// whose source stays is checked by its own answer, issue 12); the folder's delete or move happens only for verified
// files unless afterUploadUnverified says 'apply'. Real SQLite, real folders,
// the sandbox over radosgw with storage proxied so ETags can be made opaque (a
// KMS bucket, a middlebox) or made to name other bytes.
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { expect, it } from 'vitest';
import { createEngine } from '../../app/engine/create-engine.ts';
import { worldPerTest } from '../support/engine-harness.ts';
import { describeWithS3 } from '../support/s3.ts';
import { allRows, put, until } from '../support/watch-helpers.ts';

const MiB = 1024 * 1024;
const quick = { retryBaseMs: 20, retryMaxMs: 200, readBackAttempts: 2 };

describeWithS3('verified at BioT: read-back after complete gates delete and move', (target) => {
  const t = worldPerTest(target, { proxyStorage: true });

  async function watchAndDrop(name: string, size: number, folder: Record<string, unknown>) {
    t.engine = createEngine(
      t.world.config({ folders: [{ id: 'inbox', path: t.world.inbox, quietSeconds: 0.3, ...folder }], transfer: { partSizeMiB: 5 } }),
      { transfer: quick },
    );
    t.engine.start();
    await t.engine.whenWatching();
    const path = join(t.world.inbox, name);
    put(path, size);
    return path;
  }

  function readBacks(fileId: number) {
    return t
      .engine!.store.auditFor(fileId)
      .filter((a) => a.event === 'read-back')
      .map((a) => a.detail);
  }

  it('verifies a multipart upload by its md5-of-md5s-N ETag and a single one by its MD5, then deletes', async () => {
    const big = await watchAndDrop('night.edf', 12 * MiB, { afterUpload: 'delete' });
    put(join(t.world.inbox, 'summary.xml'), 100_000);
    await until('both deleted', () => allRows(t.engine!).length === 2 && allRows(t.engine!).every((r) => r.postAction === 'deleted'));
    const multi = allRows(t.engine!).find((r) => r.size === 12 * MiB);
    const single = allRows(t.engine!).find((r) => r.size === 100_000);
    expect(multi).toMatchObject({ state: 'done', verification: 'verified', verificationReason: null });
    expect(single).toMatchObject({ state: 'done', verification: 'verified', verificationReason: null });
    expect(readBacks(multi!.id)).toEqual([
      expect.objectContaining({ verdict: 'verified', size: 12 * MiB, etag: expect.stringMatching(/^[0-9a-f]{32}-3$/) }),
    ]);
    expect(readBacks(single!.id)).toEqual([
      expect.objectContaining({ verdict: 'verified', size: 100_000, etag: expect.stringMatching(/^[0-9a-f]{32}$/) }),
    ]);
    expect(existsSync(big)).toBe(false);
    const history = await t.engine!.history();
    expect(history.rows.map((r) => r.verification)).toEqual(['verified', 'verified']);
  }, 60_000);

  it('takes a single PUT answer as the check when the folder leaves its source: no read-back through BioT', async () => {
    await watchAndDrop('summary.xml', 100_000, {});
    await until('done', () => allRows(t.engine!)[0]?.state === 'done');
    const [row] = allRows(t.engine!);
    expect(row).toMatchObject({ verification: 'verified', verificationReason: 'PUT_ETAG', postAction: null });
    expect(readBacks(row!.id)).toEqual([expect.objectContaining({ verdict: 'verified', reason: 'PUT_ETAG', size: 100_000 })]);
    expect(t.world.sandbox.calls('file.download')).toBe(0);
    // An opaque PUT ETag proves nothing: then the object is read back after all.
    t.world.sandbox.faults.add({ op: 'storage.putObject', opaqueEtag: true, times: 1 });
    put(join(t.world.inbox, 'second.xml'), 90_000);
    await until('the second done', () => allRows(t.engine!)[1]?.state === 'done');
    expect(allRows(t.engine!)[1]).toMatchObject({ verification: 'verified', verificationReason: null });
    expect(t.world.sandbox.calls('file.download')).toBe(1);
  }, 60_000);

  it('verifies an empty export too (no byte 0 to range over) and deletes it', async () => {
    const path = await watchAndDrop('marker.xml', 0, { afterUpload: 'delete' });
    await until('deleted', () => allRows(t.engine!)[0]?.postAction === 'deleted');
    expect(allRows(t.engine!)[0]).toMatchObject({ state: 'done', size: 0, verification: 'verified' });
    expect(existsSync(path)).toBe(false);
  }, 60_000);

  it('keeps the source of a file whose ETag is opaque (KMS bucket), and says why', async () => {
    // Every storage answer carries a non-MD5 ETag: the PUT's and the read-back's.
    t.world.sandbox.faults.add({ op: 'storage.putObject', opaqueEtag: true, times: Infinity });
    t.world.sandbox.faults.add({ op: 'storage.get', opaqueEtag: true, times: Infinity });
    const path = await watchAndDrop('ecg.xml', 200_000, { afterUpload: 'delete' });
    await until('the post-upload decision', () => allRows(t.engine!)[0]?.postAction != null);
    const [row] = allRows(t.engine!);
    expect(row).toMatchObject({
      state: 'done',
      verification: 'not-checkable',
      verificationReason: 'OPAQUE_ETAG',
      postAction: 'skipped',
      postActionError: 'UNVERIFIED',
    });
    expect(existsSync(path)).toBe(true);
    const [entry] = (await t.engine!.history()).rows;
    expect(entry).toMatchObject({ verification: 'not-checkable', verificationReason: 'OPAQUE_ETAG', postActionError: 'UNVERIFIED' });
  }, 60_000);

  it('applies the action to an unverifiable file when the folder says afterUploadUnverified: apply', async () => {
    // A middlebox that rewrites ETags on the way back (part PUTs keep theirs: complete needs them).
    t.world.sandbox.faults.add({ op: 'storage.get', opaqueEtag: true, times: Infinity });
    const path = await watchAndDrop('holter.edf', 12 * MiB, { afterUpload: 'delete', afterUploadUnverified: 'apply' });
    await until('deleted', () => allRows(t.engine!)[0]?.postAction === 'deleted');
    expect(allRows(t.engine!)[0]).toMatchObject({ verification: 'not-checkable', verificationReason: 'OPAQUE_ETAG' });
    expect(existsSync(path)).toBe(false);
  }, 60_000);

  it('never marks done an object whose ETag names other bytes: needs attention, source kept, Retry sends again', async () => {
    t.world.sandbox.faults.add({ op: 'storage.get', corruptEtag: true, times: Infinity });
    const path = await watchAndDrop('scan.edf', 12 * MiB, { afterUpload: 'delete' });
    await until('needs attention', () => allRows(t.engine!)[0]?.state === 'needs-attention');
    const [row] = allRows(t.engine!);
    expect(row).toMatchObject({ lastErrorCode: 'VERIFY_MISMATCH', verification: 'mismatch', verificationReason: 'ETAG_MISMATCH', postAction: null });
    expect(existsSync(path)).toBe(true);
    // The upload that holds other bytes is not "completed": a Retry uploads the file again.
    expect(t.engine!.store.uploadsFor(row!.id).map((u) => u.state)).toEqual(['abandoned']);
    t.world.sandbox.faults.clear();
    await t.engine!.retry({ fileId: row!.id });
    await until('deleted after a verified upload', () => allRows(t.engine!)[0]?.postAction === 'deleted');
    expect(allRows(t.engine!)[0]).toMatchObject({ state: 'done', verification: 'verified' });
    expect(t.world.sandbox.calls('file.createMultipart')).toBe(2);
  }, 60_000);
});
