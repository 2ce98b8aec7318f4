// Issue 12: one read for both hashes. A file of a size never seen is queued
// unhashed and its SHA-256 is taken while its parts are sent (chunks sent
// ahead of the hash are read again from the page cache, issue 20); a file
// with a same-size row is hashed up front (it may be a duplicate or a twin);
// a duplicate the end hash reveals is cancelled at BioT, never completed.
// Real SQLite, real files, the sandbox over radosgw.
import { join } from 'node:path';
import { expect, it } from 'vitest';
import { createEngine } from '../../app/engine/create-engine.ts';
import { copyFileSync } from 'node:fs';
import { downloadedSha256, writeRandomFile, worldPerTest } from '../support/engine-harness.ts';
import { describeWithS3 } from '../support/s3.ts';
import { until } from '../support/watch-helpers.ts';

const MiB = 1024 * 1024;

describeWithS3('one read: the file hash taken while sending', (target) => {
  const t = worldPerTest(target);

  it('records the SHA-256 of the bytes sent, taken while the parts were sent', async () => {
    const path = join(t.world.inbox, 'holter.dat');
    // 23 MiB in 5 MiB parts, 4 at a time: parts land out of order and the hash must still be in order.
    const sha256 = writeRandomFile(path, 23 * MiB);
    t.engine = createEngine(t.world.config({ transfer: { parallelFiles: 1 } }));
    t.engine.start({ watch: false });
    const row = (await t.engine.enqueue(path))!;
    expect(row.sha256).toBeNull(); // no file of this size: not read before sending
    await until('the file done', () => t.engine!.store.fileById(row.id)?.state === 'done', 60_000);
    const done = t.engine.store.fileById(row.id)!;
    expect(done.sha256).toBe(sha256);
    expect(await downloadedSha256(t.world.biot, done.biotFileId!)).toEqual({ sha256, size: 23 * MiB });
    expect(t.engine.store.auditFor(row.id).filter((a) => a.event === 'hashed')).toHaveLength(1);
  }, 90_000);

  it('hashes a file up front when a row of its size exists', async () => {
    const first = join(t.world.inbox, 'a.dat');
    const second = join(t.world.inbox, 'b.dat');
    writeRandomFile(first, 6 * MiB);
    const sha256 = writeRandomFile(second, 6 * MiB); // same size, other bytes
    t.engine = createEngine(t.world.config({ transfer: { parallelFiles: 1 } }));
    t.engine.start({ watch: false });
    expect((await t.engine.enqueue(first))!.sha256).toBeNull();
    expect((await t.engine.enqueue(second))!.sha256).toBe(sha256);
  }, 60_000);

  it('hashes a file queued unhashed before its retry once its twin is done: settled, never uploaded', async () => {
    const a = join(t.world.inbox, 'a.dat');
    const b = join(t.world.inbox, 'b.dat');
    writeRandomFile(a, 12 * MiB);
    copyFileSync(a, b);
    // a's first run fails before any upload exists; it is tried again ~2 s later (the scheduler's file backoff).
    t.world.sandbox.faults.add({ op: 'file.createMultipart', status: 503, code: 'SERVICE_UNAVAILABLE' });
    t.engine = createEngine(t.world.config({ transfer: { parallelFiles: 2 } }));
    t.engine.start({ watch: false });
    const rowA = (await t.engine.enqueue(a))!;
    expect(rowA.sha256).toBeNull();
    await until('a failed once', () => t.engine!.store.fileById(rowA.id)?.state === 'failed', 30_000);
    // b has a's bytes; a row of its size exists, so it is hashed now and, a not being in flight, sent.
    const rowB = (await t.engine.enqueue(b))!;
    expect(rowB.sha256).not.toBeNull();
    await until('b done', () => t.engine!.store.fileById(rowB.id)?.state === 'done', 60_000);
    // a goes again: a file of its size is done, so it is hashed before anything is sent.
    // (Were a already on its way, the hash taken while sending would cancel it:
    // transfer-file-run.test.ts "cancels the upload, never completes it".)
    await until('a settled', () => ['duplicate', 'done'].includes(t.engine!.store.fileById(rowA.id)!.state), 60_000);
    expect(t.engine.store.fileById(rowA.id)).toMatchObject({ state: 'duplicate', duplicateOf: rowB.id, sha256: rowB.sha256 });
    expect(t.world.sandbox.calls('file.complete')).toBe(1);
    expect(t.world.sandbox.calls('file.cancel')).toBe(0);
    expect(t.engine.store.uploadsFor(rowA.id)).toEqual([]);
  }, 120_000);
});
