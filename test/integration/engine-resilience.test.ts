// Issue 3's hostile-world checks, against the sandbox over radosgw with its
// storage proxied (so faults reach part PUTs): short link and token lives,
// 500s, dropped connections, a stalled part, a corrupted part, cancel.
import { join } from 'node:path';
import { expect, it } from 'vitest';
import { BiotError } from '../../app/biot/errors.ts';
import type { Logger } from '../../app/common/logger.ts';
import { createEngine } from '../../app/engine/create-engine.ts';
import { downloadedSha256, writeRandomFile, worldPerTest } from '../support/engine-harness.ts';
import { describeWithS3 } from '../support/s3.ts';
import { holdsFor, until } from '../support/wait.ts';
import { whenSettled } from '../../app/cli/once-scan.ts';

const MiB = 1024 * 1024;
// Fast in-transfer retries so the faults cost milliseconds, not the production half-second.
const quickRetries = { retryBaseMs: 20, retryMaxMs: 200 };

describeWithS3('engine under faults', (target) => {
  const t = worldPerTest(target, { proxyStorage: true });

  async function uploadOne(name: string, size: number, transfer: Record<string, unknown> = {}, tuning = {}, logger?: Logger) {
    const sha256 = writeRandomFile(join(t.world.inbox, name), size);
    t.engine = createEngine(t.world.config({ transfer }), { transfer: { ...quickRetries, ...tuning }, ...(logger && { logger }) });
    t.engine.start({ watch: false });
    const row = (await t.engine.enqueue(join(t.world.inbox, name)))!;
    return { row, sha256 };
  }

  it('rides out 5 s links and 10 s tokens on a 200 MiB upload, showing no error', async () => {
    t.world.sandbox.setLinkTtl(5);
    t.world.sandbox.setTokenTtl(10);
    // 16 MiB/s makes the upload last ~13 s: links and the token expire mid-way.
    const { row, sha256 } = await uploadOne('long.dat', 200 * MiB, { maxBytesPerSecond: 16 * MiB, partSizeMiB: 8 });
    const errors: string[] = [];
    t.engine!.onEvent((e) => {
      if (e.type === 'progress')
        for (const r of e.rows) if (r.state !== 'uploading' && r.state !== 'completing' && r.state !== 'done') errors.push(r.state);
    });
    await whenSettled(t.engine!, { maxAttempts: 1 });
    const done = t.engine!.store.fileById(row.id)!;
    expect(done).toMatchObject({ state: 'done', lastError: null, attempts: 0 });
    expect(errors).toEqual([]);
    expect(await downloadedSha256(t.world.biot, done.biotFileId!)).toEqual({ sha256, size: 200 * MiB });
    // Fresh links were asked for (windows re-fetched before expiry) and the token renewed.
    expect(t.world.sandbox.calls('file.partLinks')).toBeGreaterThan(0);
    expect(t.world.sandbox.calls('ums.refresh') + t.world.sandbox.calls('ums.login')).toBeGreaterThan(1);
  }, 120_000);

  it('completes through 500s, dropped connections, a stalled part and a lost complete answer', async () => {
    const f = t.world.sandbox.faults;
    f.add({ op: 'storage.putPart', nth: 2, status: 500, times: 2 });
    f.add({ op: 'storage.putPart', nth: 6, drop: true });
    f.add({ op: 'storage.putPart', nth: 9, stallAfterBytes: 1024 * 1024 });
    f.add({ op: 'file.saveEtags', nth: 1, status: 503 });
    f.add({ op: 'file.createMultipart', nth: 1, status: 500 });
    // The complete goes through at BioT but its answer never arrives.
    f.add({ op: 'file.complete', nth: 1, drop: true });
    const { row, sha256 } = await uploadOne('faults.dat', 60 * MiB, { stallSeconds: 2 });
    await whenSettled(t.engine!, { maxAttempts: 4 });
    const done = t.engine!.store.fileById(row.id)!;
    expect(done.state).toBe('done');
    expect(await downloadedSha256(t.world.biot, done.biotFileId!)).toEqual({ sha256, size: 60 * MiB });
    // 12 parts; the faults forced re-sends, and each re-sent part was sent again whole.
    expect(t.world.sandbox.calls('storage.putPart')).toBeGreaterThan(12);
    // The create that failed was retried as a whole-file retry: attempts counted, error cleared.
    expect(done.lastError).toBeNull();
  }, 120_000);

  it('detects a corrupted part by its ETag and sends it again', async () => {
    t.world.sandbox.faults.add({ op: 'storage.putPart', nth: 3, corruptEtag: true });
    const { row, sha256 } = await uploadOne('corrupt.dat', 30 * MiB, { partSizeMiB: 5 });
    await whenSettled(t.engine!, { maxAttempts: 1 });
    const done = t.engine!.store.fileById(row.id)!;
    expect(done.state).toBe('done');
    expect(t.world.sandbox.calls('storage.putPart')).toBe(7); // 6 parts + 1 re-send
    expect(await downloadedSha256(t.world.biot, done.biotFileId!)).toEqual({ sha256, size: 30 * MiB });
    const parts = t.engine!.store.partsOf(t.engine!.store.uploadsFor(row.id)[0]!.id);
    for (const p of parts) expect(p.etag!.replace(/"/g, '')).toBe(p.md5);
  }, 60_000);

  it('cancels mid-upload without waiting for its parts: they are cut, BioT upload cancelled, then the cancel answers; no PUT after', async () => {
    const events: string[] = [];
    const logger: Logger = { log: (_level, event) => void events.push(event) };
    const { row } = await uploadOne('cancel.dat', 200 * MiB, { maxBytesPerSecond: 20 * MiB }, {}, logger);
    await until('20 MiB sent', () => (t.engine!.store.fileById(row.id)!.bytesDone ?? 0) >= 20 * MiB, {
      everyMs: 50,
      seen: () => t.engine!.store.fileById(row.id),
    });
    const upload = t.engine!.store.currentUpload(row.id)!;
    // From here storage keeps the parts it is sent and never answers: a cancel that waited for its parts would never answer.
    const putsBefore = t.world.sandbox.calls('storage.putPart');
    t.world.sandbox.faults.add({ op: 'storage.putPart', holdAnswer: true, times: Infinity });
    await until('a part PUT that storage holds', () => t.world.sandbox.calls('storage.putPart') > putsBefore, { everyMs: 20 });
    const logAtCancel = t.world.sandbox.storageLog().length;
    await t.engine!.cancel({ fileId: row.id });
    events.push('cancel answered');
    // In this order: the held PUTs cut (ended unanswered), BioT's upload cancelled, the run ended, the cancel answered.
    const cut = t.world.sandbox
      .storageLog()
      .slice(logAtCancel)
      .filter((e) => e.op === 'storage.putPart' && e.status === 0);
    expect(cut.length).toBeGreaterThanOrEqual(1);
    expect(events.filter((e) => ['biot-upload-cancelled', 'transfer-end', 'cancel answered'].includes(e))).toEqual([
      'biot-upload-cancelled',
      'transfer-end',
      'cancel answered',
    ]);
    const putsAtCancel = t.world.sandbox.calls('storage.putPart');
    await holdsFor('no part PUT after cancel', 1000, () => t.world.sandbox.calls('storage.putPart') === putsAtCancel, {
      seen: () => t.world.sandbox.calls('storage.putPart'),
    });
    expect(t.engine!.store.fileById(row.id)!.state).toBe('cancelled');
    expect(t.world.sandbox.calls('file.cancel')).toBe(1);
    expect(t.engine!.store.uploadsFor(row.id).map((u) => u.state)).toEqual(['cancelled']);
    // BioT refuses more links for a cancelled upload.
    const refused = await t.world.biot.files.partLinks(upload.biotFileId, 1, 1).catch((e: unknown) => e);
    expect(refused).toBeInstanceOf(BiotError);
    expect((refused as BiotError).code).toBe('FILE_IS_NOT_UNCOMPLETED_MULTIPLE_PART_UPLOAD');
  }, 60_000);

  it('pauses within a second and resumes from the parts already sent', async () => {
    const { row, sha256 } = await uploadOne('pause.dat', 100 * MiB, { maxBytesPerSecond: 25 * MiB, partSizeMiB: 5 });
    await until('30 MiB sent', () => t.engine!.store.fileById(row.id)!.bytesDone >= 30 * MiB, {
      everyMs: 50,
      seen: () => t.engine!.store.fileById(row.id),
    });
    await t.engine!.pause({ fileId: row.id });
    const putsAtPause = t.world.sandbox.calls('storage.putPart');
    const withEtag = t.engine!.store.partsOf(t.engine!.store.currentUpload(row.id)!.id).filter((p) => p.etag).length;
    await holdsFor('no part PUT after pause', 1000, () => t.world.sandbox.calls('storage.putPart') === putsAtPause, {
      seen: () => t.world.sandbox.calls('storage.putPart'),
    });
    expect(t.engine!.store.fileById(row.id)!.state).toBe('paused');
    await t.engine!.resume({ fileId: row.id });
    await whenSettled(t.engine!, { maxAttempts: 1 });
    const done = t.engine!.store.fileById(row.id)!;
    expect(done.state).toBe('done');
    // Only the parts without an ETag at pause time were sent after it (20 parts in all).
    expect(t.world.sandbox.calls('storage.putPart') - putsAtPause).toBe(20 - withEtag);
    expect(await downloadedSha256(t.world.biot, done.biotFileId!)).toEqual({ sha256, size: 100 * MiB });
  }, 60_000);

  it('sends a file smaller than a part as one single upload, its PUT sent again to the same link when it fails', async () => {
    t.world.sandbox.faults.add({ op: 'storage.putObject', nth: 1, status: 500 });
    const { row, sha256 } = await uploadOne('small.xml', 3 * MiB, { partSizeMiB: 8 });
    await whenSettled(t.engine!, { maxAttempts: 1 });
    const done = t.engine!.store.fileById(row.id)!;
    expect(done).toMatchObject({ state: 'done', lastError: null });
    expect(t.world.sandbox.calls('file.createMultipart')).toBe(0);
    // One BioT file: a failed PUT leaves no orphan, the retry overwrites the same object.
    expect(t.world.sandbox.calls('file.createSingle')).toBe(1);
    expect(t.world.sandbox.calls('storage.putObject')).toBe(2);
    expect(t.engine!.store.uploadsFor(row.id).map((u) => [u.kind, u.state])).toEqual([['single', 'completed']]);
    expect(done).toMatchObject({ verification: 'verified', verificationReason: 'PUT_ETAG', sha256 });
    expect(await downloadedSha256(t.world.biot, done.biotFileId!)).toEqual({ sha256, size: 3 * MiB });
  }, 60_000);
});
