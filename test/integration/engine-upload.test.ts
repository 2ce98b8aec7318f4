// Issue 3, "20 files from 0 bytes to 300 MiB": every download equals its source,
// one BioT file each, a complete audit trail; prints MiB/s and peak RSS.
import { join } from 'node:path';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { createEngine } from '../../app/engine/create-engine.ts';
import type { Engine } from '../../app/engine/engine.ts';
import { createWorld, downloadedSha256, writeRandomFile, type World } from '../support/engine-harness.ts';
import { describeWithS3 } from '../support/s3.ts';
import { scanFolders, whenSettled } from '../../app/cli/once-scan.ts';

const MiB = 1024 * 1024;
const sizes = [
  0,
  1,
  1000,
  64 * 1024,
  MiB - 1,
  MiB,
  5 * MiB - 1,
  5 * MiB,
  5 * MiB + 1,
  7 * MiB,
  10 * MiB,
  10 * MiB + 3,
  16 * MiB,
  23 * MiB + 11,
  32 * MiB,
  50 * MiB,
  64 * MiB + 1,
  100 * MiB,
  150 * MiB,
  300 * MiB,
];

describeWithS3('engine uploads 20 files, 0 B to 300 MiB', (target) => {
  let world: World;
  let engine: Engine;
  const sources = new Map<string, { sha256: string; size: number }>();

  beforeAll(async () => {
    world = await createWorld(target);
    sizes.forEach((size, i) => {
      const name = `export-${String(i).padStart(2, '0')}.dat`;
      sources.set(name, { sha256: writeRandomFile(join(world.inbox, name), size), size });
    });
  }, 120_000);

  afterAll(async () => {
    await engine?.close();
    await world?.dispose();
  });

  it('uploads every file whole, once, with its audit trail', async () => {
    engine = createEngine(world.config({ transfer: { partSizeMiB: 8, parallelParts: 4, parallelFiles: 2 } }));
    let peakRss = process.memoryUsage().rss;
    const sampler = setInterval(() => (peakRss = Math.max(peakRss, process.memoryUsage().rss)), 50);
    const started = performance.now();
    // The scan is what this test measures; the folder watcher has its own tests.
    engine.start({ watch: false });
    expect((await scanFolders(engine)).queued).toBe(20);
    await whenSettled(engine, { maxAttempts: 1 });
    const seconds = (performance.now() - started) / 1000;
    clearInterval(sampler);

    const files = engine.store.listFiles({ limit: 100 }).files;
    expect(files.map((f) => f.state)).toEqual(Array(20).fill('done'));
    const biotIds = new Set(files.map((f) => f.biotFileId));
    expect(biotIds.size).toBe(20);
    for (const f of files) {
      const source = sources.get(f.relPath)!;
      expect(await downloadedSha256(world.biot, f.biotFileId!), f.relPath).toEqual(source);
      const events = engine.store.auditFor(f.id).map((a) => a.event);
      const uploads = engine.store.uploadsFor(f.id);
      expect(uploads.map((u) => u.state)).toEqual(['completed']);
      // Files smaller than one part (8 MiB here) go as single uploads: no complete step.
      const single = f.size < 8 * MiB;
      expect(uploads[0]!.kind).toBe(single ? 'single' : 'multipart');
      expect(events).toEqual(expect.arrayContaining(['queued', 'claimed', 'upload-created', 'completed', ...(single ? [] : ['completing'])]));
    }
    // `run --once` starts sending while the scan still queues: the first claim
    // is in the audit before the last file was queued (audit ids only grow).
    const audit = files.flatMap((f) => engine.store.auditFor(f.id));
    const firstClaim = Math.min(...audit.filter((a) => a.event === 'claimed').map((a) => a.id));
    const lastQueued = Math.max(...audit.filter((a) => a.event === 'queued').map((a) => a.id));
    expect(firstClaim).toBeLessThan(lastQueued);
    // One BioT upload per file: no stray creates.
    const small = sizes.filter((s) => s < 8 * MiB).length;
    expect(world.sandbox.calls('file.createSingle')).toBe(small);
    expect(world.sandbox.calls('file.createMultipart')).toBe(20 - small);

    const totalMiB = sizes.reduce((a, b) => a + b, 0) / MiB;
    console.log(
      `[figures] 20 files, ${totalMiB.toFixed(0)} MiB in ${seconds.toFixed(1)} s = ${(totalMiB / seconds).toFixed(0)} MiB/s overall; ` +
        `peak RSS ${(peakRss / MiB).toFixed(0)} MiB (test process incl. sandbox)`,
    );
  }, 300_000);

  it('uploads a 300 MiB file alone and prints its speed', async () => {
    const name = 'alone-300.dat';
    const sha256 = writeRandomFile(join(world.inbox, name), 300 * MiB);
    const row = (await engine.enqueue(join(world.inbox, name)))!;
    let peakRss = process.memoryUsage().rss;
    const sampler = setInterval(() => (peakRss = Math.max(peakRss, process.memoryUsage().rss)), 50);
    const t0 = performance.now();
    await whenSettled(engine, { maxAttempts: 1 });
    const seconds = (performance.now() - t0) / 1000;
    clearInterval(sampler);
    const done = engine.store.fileById(row.id)!;
    expect(done.state).toBe('done');
    expect(await downloadedSha256(world.biot, done.biotFileId!)).toEqual({ sha256, size: 300 * MiB });
    console.log(
      `[figures] 300 MiB file: ${(300 / seconds).toFixed(0)} MiB/s (8 MiB parts x4, MD5 check on); peak RSS ${(peakRss / MiB).toFixed(0)} MiB`,
    );
  }, 120_000);
});
