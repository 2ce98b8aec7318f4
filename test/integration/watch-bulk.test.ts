// Issue 4: 1,000 small files dropped at once into nested folders: 1,000
// uploads, no duplicates, no misses; temporary names are left alone.
import { join } from 'node:path';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { createEngine } from '../../app/engine/create-engine.ts';
import type { Engine } from '../../app/engine/engine.ts';
import { createWorld, type World } from '../support/engine-harness.ts';
import { describeWithS3 } from '../support/s3.ts';
import { allRows, countIn, put, until } from '../support/watch-helpers.ts';
import { holdsFor } from '../support/wait.ts';

describeWithS3('folder watcher: 1,000 files at once', (target) => {
  let world: World;
  let engine: Engine;

  beforeAll(async () => {
    world = await createWorld(target);
  });
  afterAll(async () => {
    await engine?.close();
    await world?.dispose();
  });

  it('uploads each of 1,000 nested files exactly once', async () => {
    engine = createEngine(
      world.config({
        folders: [{ id: 'inbox', path: world.inbox, quietSeconds: 0.5 }],
        transfer: { parallelFiles: 8, parallelParts: 2 },
      }),
    );
    engine.start();
    await engine.whenWatching();
    const names: string[] = [];
    for (let i = 0; i < 1000; i++) {
      const rel = `site-${i % 4}/day-${Math.floor(i / 4) % 10}/study-${i}.dat`;
      names.push(rel);
      put(join(world.inbox, ...rel.split('/')), `export ${i} ${'x'.repeat(i % 97)}`);
    }
    // Temporary files device software leaves around: never queued.
    put(join(world.inbox, 'site-0', '~$notes.docx'), 'owner');
    put(join(world.inbox, 'site-1', 'partial.tmp'), 'tmp');
    put(join(world.inbox, 'site-2', 'Thumbs.db'), 'thumbs');
    put(join(world.inbox, '.hidden', 'x.dat'), 'hidden');
    const t0 = performance.now();
    await until('1,000 uploads', () => countIn(engine, 'done') >= 1000, 150_000, 250);
    const seconds = (performance.now() - t0) / 1000;
    // Anything late (a file seen twice, a temporary file queued) would show up within this second.
    await holdsFor('exactly 1,000 rows', 1_000, () => allRows(engine).length === 1000, { everyMs: 200, seen: () => allRows(engine).length });
    const rows = allRows(engine);
    expect(rows).toHaveLength(1000);
    expect(rows.every((r) => r.state === 'done')).toBe(true);
    expect(new Set(rows.map((r) => r.relPath))).toEqual(new Set(names));
    expect(new Set(rows.map((r) => r.biotFileId)).size).toBe(1000);
    // One BioT upload each (small files go as single uploads).
    expect(world.sandbox.calls('file.createMultipart') + world.sandbox.calls('file.createSingle')).toBe(1000);
    console.log(`[figures] 1,000 small files: ${seconds.toFixed(1)} s from drop to all done (${(1000 / seconds).toFixed(0)} files/s)`);
  }, 180_000);
});
