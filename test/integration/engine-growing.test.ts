// Issue 4, growing files: a recording still being written uploads its parts as
// they appear and completes within seconds of the last write; a file that
// shrinks while uploading starts again and still arrives whole.
import { createHash, randomBytes } from 'node:crypto';
import { closeSync, openSync, writeSync, ftruncateSync } from 'node:fs';
import { join } from 'node:path';
import { expect, it } from 'vitest';
import { createEngine } from '../../app/engine/create-engine.ts';
import type { Engine } from '../../app/engine/engine.ts';
import { downloadedSha256, worldPerTest } from '../support/engine-harness.ts';
import { describeWithS3 } from '../support/s3.ts';
import { until, untilValue } from '../support/wait.ts';

const MiB = 1024 * 1024;

/** Appends `chunks` random MiB to a file, one every `everyMs`; resolves with the SHA-256 and the time of the last write. */
async function writeSlowly(path: string, chunks: number, everyMs: number, onFirst?: () => void) {
  const fd = openSync(path, 'w');
  const hash = createHash('sha256');
  try {
    for (let i = 0; i < chunks; i++) {
      const chunk = randomBytes(MiB);
      writeSync(fd, chunk);
      hash.update(chunk);
      if (i === 0) onFirst?.();
      await new Promise((r) => setTimeout(r, everyMs));
    }
  } finally {
    closeSync(fd);
  }
  return { sha256: hash.digest('hex'), lastWrite: Date.now() };
}

describeWithS3('growing files', (target) => {
  const t = worldPerTest(target);

  async function growingEngine() {
    t.engine = createEngine(
      t.world.config({ folders: [{ id: 'rec', path: t.world.inbox, growing: true, quietSeconds: 2 }], transfer: { partSizeMiB: 8 } }),
    );
    t.engine.start();
    await t.engine.whenWatching();
    return t.engine;
  }

  function rowFor(e: Engine, relPath: string) {
    return untilValue(`a row for ${relPath}`, () => e.store.listFiles({ search: relPath }).files[0], { everyMs: 20 });
  }

  // How soon after the last write BioT has the file is a speed figure: printed
  // here, measured against its goal in `npm run bench` (growing row), never a
  // wall-clock bound in a test run that shares two cores with other tests.
  it('uploads a 200 MiB recording while it is written, and completes it whole once writing stops', async () => {
    const e = await growingEngine();
    const path = join(t.world.inbox, 'recording.edf');
    const uploadedWhileWriting: number[] = [];
    // The watcher finds the file by itself and hands it on while it grows.
    const written = await writeSlowly(path, 200, 40);
    const fileId = (await rowFor(e, 'recording.edf')).id;
    uploadedWhileWriting.push(e.store.fileById(fileId)!.bytesDone);
    await until(
      'the recording done',
      () => {
        const state = e.store.fileById(fileId)!.state;
        // Never anything but on its way, then done.
        expect(['queued', 'uploading', 'completing', 'done']).toContain(state);
        return state === 'done';
      },
      { timeoutMs: 90_000, everyMs: 25, seen: () => e.store.fileById(fileId) },
    );
    const done = e.store.fileById(fileId)!;
    const lag = (done.completedAt! - written.lastWrite) / 1000;
    console.log(
      `[figures] growing mode: BioT complete ${lag.toFixed(2)} s after the last write; ${(uploadedWhileWriting[0]! / MiB).toFixed(0)} MiB were already sent when writing stopped`,
    );
    // Without growing mode nothing is sent before the 2 s quiet period after the
    // last write: parts already at BioT show they went out as written (how much
    // depends on the machine's speed, so only two parts' worth is required).
    expect(uploadedWhileWriting[0]).toBeGreaterThanOrEqual(16 * MiB);
    expect(done).toMatchObject({ size: 200 * MiB, sha256: written.sha256 });
    expect(await downloadedSha256(t.world.biot, done.biotFileId!)).toEqual({ sha256: written.sha256, size: 200 * MiB });
  }, 120_000);

  it('starts again from scratch when the file shrinks mid-upload', async () => {
    const e = await growingEngine();
    const path = join(t.world.inbox, 'rewritten.edf');
    const fd = openSync(path, 'w');
    for (let i = 0; i < 40; i++) writeSync(fd, randomBytes(MiB));
    const row = await rowFor(e, 'rewritten.edf');
    await until('16 MiB sent while the file grows', () => e.store.fileById(row.id)!.bytesDone >= 16 * MiB, {
      everyMs: 20,
      seen: () => e.store.fileById(row.id),
    });
    // The device starts over: truncates and writes new content.
    ftruncateSync(fd, 0);
    const hash = createHash('sha256');
    for (let i = 0; i < 12; i++) {
      const chunk = randomBytes(MiB);
      writeSync(fd, chunk, 0, chunk.length, i * MiB);
      hash.update(chunk);
    }
    closeSync(fd);
    const sha256 = hash.digest('hex');
    await until(
      'the rewritten file to settle',
      () => ['done', 'needs-attention'].includes(e.store.fileById(row.id)!.state) || e.store.listFiles().files.some((f) => f.state === 'done'),
      { timeoutMs: 60_000, everyMs: 50, seen: () => e.store.listFiles().files.map((f) => f.state) },
    );
    const done = e.store.listFiles().files.find((f) => f.state === 'done')!;
    expect(done.size).toBe(12 * MiB);
    expect(await downloadedSha256(t.world.biot, done.biotFileId!)).toEqual({ sha256, size: 12 * MiB });
    const uploads = e.store.uploadsFor(done.id).map((u) => u.state);
    expect(uploads).toContain('abandoned');
    expect(uploads.at(-1)).toBe('completed');
  }, 120_000);

  it('a PC clock stepped forward while the device writes does not end the recording early', async () => {
    let step = 0;
    t.engine = createEngine(t.world.config({ folders: [{ id: 'rec', path: t.world.inbox, growing: true, quietSeconds: 5 }] }), {
      now: () => Date.now() + step,
    });
    t.engine.start();
    await t.engine.whenWatching();
    const e = t.engine;
    const path = join(t.world.inbox, 'stepped.edf');
    const fd = openSync(path, 'w');
    const hash = createHash('sha256');
    const write = () => {
      const chunk = randomBytes(64 * 1024);
      writeSync(fd, chunk);
      hash.update(chunk);
    };
    write();
    const row = await rowFor(e, 'stepped.edf');
    await until('its upload under way', () => e.store.currentUpload(row.id) !== undefined, { everyMs: 20 });
    // NTP corrects the clock by a minute; the device goes on writing a block a second, well within its quiet period.
    step = 60_000;
    for (let i = 0; i < 4; i++) {
      await new Promise((r) => setTimeout(r, 1_000));
      write();
    }
    closeSync(fd);
    const sha256 = hash.digest('hex');
    await until('the recording done', () => e.store.listFiles().files.some((f) => f.state === 'done'), {
      timeoutMs: 30_000,
      seen: () => e.store.listFiles().files.map((f) => [f.id, f.state, f.lastErrorCode]),
    });
    const done = e.store.listFiles().files.filter((f) => f.state === 'done');
    expect(done).toHaveLength(1);
    expect(done[0]).toMatchObject({ id: row.id, size: 5 * 64 * 1024 });
    expect(await downloadedSha256(t.world.biot, done[0]!.biotFileId!)).toEqual({ sha256, size: 5 * 64 * 1024 });
    // One upload, never abandoned and begun again.
    expect(e.store.uploadsFor(row.id).map((u) => u.state)).toEqual(['completed']);
  }, 90_000);
});
