// Issue 9, transfer side: answers lost after BioT or storage acted, a source
// rewritten while its single PUT is in flight, and storage forgetting a
// multipart upload. Real SQLite, real files, the sandbox over radosgw with
// storage proxied so the faults happen where they happen in life: after the
// server acted, before its answer reached the uploader.
import { createHash, randomBytes } from 'node:crypto';
import { closeSync, openSync, utimesSync, writeFileSync, writeSync } from 'node:fs';
import { join } from 'node:path';
import { expect, it } from 'vitest';
import { createEngine } from '../../app/engine/create-engine.ts';
import { downloadedSha256, writeRandomFile, worldPerTest } from '../support/engine-harness.ts';
import { describeWithS3 } from '../support/s3.ts';
import { until } from '../support/watch-helpers.ts';
import { whenSettled } from '../../app/cli/once-scan.ts';

const MiB = 1024 * 1024;
// Fast in-transfer retries so the faults cost milliseconds, not the production half-second.
const quick = { retryBaseMs: 20, retryMaxMs: 200 };

describeWithS3('never twice: lost answers and forgotten uploads', (target) => {
  const t = worldPerTest(target, { proxyStorage: true });

  async function start(name: string, size: number, transfer: Record<string, unknown> = {}, tuning: Record<string, unknown> = {}) {
    const path = join(t.world.inbox, name);
    const sha256 = writeRandomFile(path, size);
    t.engine = createEngine(t.world.config({ transfer }), { transfer: { ...quick, ...tuning } });
    t.engine.start({ watch: false });
    const row = (await t.engine.enqueue(path))!;
    return { row, sha256, path };
  }

  function readBacks(fileId: number) {
    return t
      .engine!.store.auditFor(fileId)
      .filter((a) => a.event === 'read-back')
      .map((a) => a.detail);
  }

  it('keeps one BioT file when a single PUT is stored but its answer is lost', async () => {
    // Storage stores the object, then the connection is cut before the 200 arrives.
    t.world.sandbox.faults.add({ op: 'storage.putObject', dropAnswer: true });
    const { row, sha256 } = await start('ecg.xml', 2 * MiB, { partSizeMiB: 8 });
    await whenSettled(t.engine!, { maxAttempts: 1 });
    const done = t.engine!.store.fileById(row.id)!;
    // No second BioT file and no orphan: the retry went to the same object.
    expect(t.world.sandbox.calls('file.createSingle')).toBe(1);
    expect(t.engine!.store.uploadsFor(row.id).map((u) => u.state)).toEqual(['completed']);
    expect(done).toMatchObject({ state: 'done', sha256 });
    expect(await downloadedSha256(t.world.biot, done.biotFileId!)).toEqual({ sha256, size: 2 * MiB });
    expect(done.verification).toBe('verified');
  }, 60_000);

  it('hashes an unhashed file before its retry once a twin is done: a single upload is never sent twice', async () => {
    // A is queued unhashed (no file of its size yet); its first create fails, so
    // it waits for a retry while its twin B, hashed at intake, is sent.
    // A single PUT cannot be taken back, so A must be found a duplicate before it is sent.
    t.world.sandbox.faults.add({ op: 'file.createSingle', status: 500, nth: 1 });
    const bytes = randomBytes(300_000);
    const [a, b] = ['first.xml', 'twin.xml'].map((name) => join(t.world.inbox, name));
    for (const path of [a!, b!]) writeFileSync(path, bytes);
    t.engine = createEngine(t.world.config({ transfer: { partSizeMiB: 8 } }), { transfer: quick });
    t.engine.start({ watch: false });
    const first = (await t.engine.enqueue(a!))!;
    expect(first.sha256).toBeNull();
    const twin = (await t.engine.enqueue(b!))!;
    await until('the first file settled', () => ['done', 'duplicate'].includes(t.engine!.store.fileById(first.id)!.state), {
      timeoutMs: 30_000,
      seen: () => t.engine!.store.listFiles().files.map((f) => [f.id, f.state]),
    });
    expect(t.engine.store.fileById(twin.id)).toMatchObject({ state: 'done' });
    expect(t.engine.store.fileById(first.id)).toMatchObject({ state: 'duplicate', duplicateOf: twin.id });
    // The refused create, then the twin's: no second copy at BioT.
    expect(t.world.sandbox.calls('file.createSingle')).toBe(2);
  }, 60_000);

  it('reads a completed-but-unanswered multipart back with backoff: one BioT file, verified', async () => {
    // BioT completes, the answer is lost; the download checks that follow fail twice.
    t.world.sandbox.faults.add({ op: 'file.complete', dropAnswer: true });
    t.world.sandbox.faults.add({ op: 'file.download', status: 503, times: 2 });
    const { row, sha256 } = await start('holter.edf', 12 * MiB, { partSizeMiB: 5 });
    await whenSettled(t.engine!, { maxAttempts: 3 });
    const done = t.engine!.store.fileById(row.id)!;
    expect(t.world.sandbox.calls('file.createMultipart')).toBe(1);
    expect(done.state).toBe('done');
    expect(t.engine!.store.uploadsFor(row.id).map((u) => u.state)).toEqual(['completed']);
    expect(done.verification).toBe('verified');
    expect(readBacks(row.id)).toEqual([
      expect.objectContaining({ verdict: 'verified', size: 12 * MiB, etag: expect.stringMatching(/^[0-9a-f]{32}-3$/) }),
    ]);
    expect(await downloadedSha256(t.world.biot, done.biotFileId!)).toEqual({ sha256, size: 12 * MiB });
  }, 60_000);

  it('marks done-unverified, never uploading again, while BioT keeps refusing the download check', async () => {
    t.world.sandbox.faults.add({ op: 'file.complete', dropAnswer: true });
    // A service user without download rights: every download link is refused.
    t.world.sandbox.faults.add({ op: 'file.download', status: 403, code: 'ACCESS_DENIED', times: Infinity });
    const { row } = await start('sleep.edf', 12 * MiB, { partSizeMiB: 5 }, { readBackAttempts: 3 });
    await whenSettled(t.engine!, { maxAttempts: 3 });
    const done = t.engine!.store.fileById(row.id)!;
    expect(t.world.sandbox.calls('file.createMultipart')).toBe(1);
    expect(t.world.sandbox.calls('storage.putPart')).toBe(3);
    expect(done.state).toBe('done');
    expect(done).toMatchObject({ verification: 'not-checkable', verificationReason: 'DOWNLOAD_LINK_ACCESS_DENIED' });
  }, 60_000);

  it('restarts from completing after a lost complete answer without a second BioT file or an orphan', async () => {
    // The complete acts at BioT; its answer is held back while the engine shuts down.
    t.world.sandbox.faults.add({ op: 'file.complete', holdAnswer: true });
    const { row, sha256 } = await start('echo.dat', 12 * MiB, { partSizeMiB: 5 });
    await until('the held complete', () => t.engine!.store.fileById(row.id)?.state === 'completing' && t.world.sandbox.calls('file.complete') === 1);
    await t.engine!.close();
    t.world.sandbox.faults.clear();
    t.world.sandbox.faults.add({ op: 'file.download', status: 503, times: 1 });
    // A new engine on the same data folder: start-up recovery, then the file's next run.
    t.engine = createEngine(t.world.config({ transfer: { partSizeMiB: 5 } }), { transfer: quick });
    t.engine.start({ watch: false });
    await whenSettled(t.engine, { maxAttempts: 3 });
    const done = t.engine.store.fileById(row.id)!;
    expect(t.world.sandbox.calls('file.createMultipart')).toBe(1);
    expect(done.state).toBe('done');
    expect(t.engine.store.uploadsFor(row.id).map((u) => u.state)).toEqual(['completed']);
    expect(t.engine.store.currentUpload(row.id)).toBeUndefined();
    expect(await downloadedSha256(t.world.biot, done.biotFileId!)).toEqual({ sha256, size: 12 * MiB });
    expect(done.verification).toBe('verified');
  }, 60_000);

  it('does not record a single upload of a file rewritten during its PUT; sends the new version', async () => {
    // 4 MiB at 1 MiB/s: the PUT lasts seconds, the rewrite lands in the middle of it.
    const { row, path } = await start('report.pdf', 4 * MiB, { partSizeMiB: 8, maxBytesPerSecond: 1 * MiB });
    await until('the PUT under way', () => t.world.sandbox.calls('storage.putObject') > 0, 30_000, 20);
    const fresh = randomBytes(4 * MiB);
    const fd = openSync(path, 'r+');
    writeSync(fd, fresh, 0, fresh.length, 0);
    closeSync(fd);
    const later = new Date(Date.now() + 5_000);
    utimesSync(path, later, later);
    await whenSettled(t.engine!, { maxAttempts: 2 });
    const done = t.engine!.store.fileById(row.id)!;
    const freshSha = createHash('sha256').update(fresh).digest('hex');
    // The hash on record and BioT's bytes are the new version, whole.
    expect(await downloadedSha256(t.world.biot, done.biotFileId!)).toEqual({ sha256: freshSha, size: 4 * MiB });
    expect(done).toMatchObject({ state: 'done', sha256: freshSha });
    expect(t.engine!.store.uploadsFor(row.id).map((u) => u.state)).toEqual(['abandoned', 'completed']);
    expect(done.verification).toBe('verified');
  }, 60_000);

  it('starts a fresh upload by itself when storage forgot the multipart upload (404 NoSuchUpload)', async () => {
    const { row, sha256 } = await start('long.edf', 30 * MiB, { partSizeMiB: 5, parallelParts: 1, maxBytesPerSecond: 8 * MiB });
    await until('a part landed', () => t.engine!.store.fileById(row.id)!.bytesDone >= 5 * MiB);
    const dead = t.engine!.store.currentUpload(row.id)!;
    // What a bucket lifecycle rule does while the PC is off: storage aborts it, BioT still thinks it open.
    await t.world.sandbox.forgetStorageUpload(dead.biotFileId);
    await whenSettled(t.engine!, { maxAttempts: 1 });
    const done = t.engine!.store.fileById(row.id)!;
    expect(done).toMatchObject({ state: 'done', attempts: 0 });
    const uploads = t.engine!.store.uploadsFor(row.id);
    expect(uploads.map((u) => u.state)).toEqual(['abandoned', 'completed']);
    expect(uploads[1]!.biotFileId).not.toBe(dead.biotFileId);
    // The dead upload was cancelled at BioT, not left open.
    expect(t.world.sandbox.calls('file.cancel')).toBe(1);
    expect(await downloadedSha256(t.world.biot, done.biotFileId!)).toEqual({ sha256, size: 30 * MiB });
    expect(done.verification).toBe('verified');
  }, 60_000);

  it('Cancel then Retry of a paused file whose upload storage forgot sends it on a fresh upload', async () => {
    const { row, sha256 } = await start('paused.edf', 30 * MiB, { partSizeMiB: 5, parallelParts: 1, maxBytesPerSecond: 8 * MiB });
    await until('a part landed', () => t.engine!.store.fileById(row.id)!.bytesDone >= 5 * MiB);
    await t.engine!.pause({ fileId: row.id });
    const dead = t.engine!.store.currentUpload(row.id)!;
    // While it sits paused (the PC off for days), a lifecycle rule aborts the upload in storage.
    await t.world.sandbox.forgetStorageUpload(dead.biotFileId);
    await t.engine!.cancel({ fileId: row.id });
    await t.engine!.retry({ fileId: row.id });
    await whenSettled(t.engine!, { maxAttempts: 1 });
    const done = t.engine!.store.fileById(row.id)!;
    expect(done).toMatchObject({ state: 'done', attempts: 0 });
    const uploads = t.engine!.store.uploadsFor(row.id);
    expect(uploads.map((u) => u.state)).toEqual(['abandoned', 'completed']);
    expect(uploads[1]!.biotFileId).not.toBe(dead.biotFileId);
    expect(await downloadedSha256(t.world.biot, done.biotFileId!)).toEqual({ sha256, size: 30 * MiB });
  }, 60_000);

  it('does not record the hash of bytes written after the upload completed (multipart, hashed after)', async () => {
    // A growing recording has no hash at intake; it is hashed from the parts as they are sent.
    t.engine = createEngine(
      t.world.config({ folders: [{ id: 'rec', path: t.world.inbox, growing: true, quietSeconds: 0.5 }], transfer: { partSizeMiB: 5 } }),
      { transfer: quick },
    );
    t.engine.start({ watch: false });
    const path = join(t.world.inbox, 'rec.edf');
    const sha256 = writeRandomFile(path, 6 * MiB);
    // The complete is slow to act: the device appends a trailer meanwhile, after the last part went.
    t.world.sandbox.faults.add({ op: 'file.complete', delayMs: 1_500 });
    const row = (await t.engine.enqueue(path))!;
    await until('completing', () => t.engine!.store.fileById(row.id)?.state === 'completing', 30_000, 20);
    const fd = openSync(path, 'a');
    writeSync(fd, randomBytes(1024));
    closeSync(fd);
    await whenSettled(t.engine, { maxAttempts: 1 });
    const done = t.engine.store.fileById(row.id)!;
    expect(done.state).toBe('done');
    expect(await downloadedSha256(t.world.biot, done.biotFileId!)).toEqual({ sha256, size: 6 * MiB });
    // The hash of the bytes BioT holds (taken part by part as they were sent), never of the file with its trailer.
    expect(done.sha256).toBe(sha256);
  }, 60_000);
});
