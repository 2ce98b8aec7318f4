// Issue 4: a file still being written is not queued before it stops growing;
// a locked file (simulated sharing violation) waits while others flow.
import { closeSync, openSync, writeSync } from 'node:fs';
import { createHash, randomBytes } from 'node:crypto';
import { join } from 'node:path';
import { expect, it } from 'vitest';
import { createEngine } from '../../app/engine/create-engine.ts';
import { openForReading, type OpenCheck } from '../../app/watch/open-check.ts';
import { downloadedSha256, worldPerTest } from '../support/engine-harness.ts';
import { describeWithS3 } from '../support/s3.ts';
import { allRows, countIn, put, until } from '../support/watch-helpers.ts';

const MiB = 1024 * 1024;

describeWithS3('folder watcher: growing and locked files', (target) => {
  const t = worldPerTest(target);

  it('does not queue a 200 MiB file while it grows in 1 MiB chunks; uploads it whole after', async () => {
    t.engine = createEngine(t.world.config({ folders: [{ id: 'inbox', path: t.world.inbox, quietSeconds: 1.5 }], transfer: { partSizeMiB: 8 } }));
    t.engine.start();
    await t.engine.whenWatching();
    const path = join(t.world.inbox, 'holter.edf');
    const hash = createHash('sha256');
    const fd = openSync(path, 'w');
    // ~8 s of writing: one chunk every 40 ms, each far shorter than the quiet period.
    for (let i = 0; i < 200; i++) {
      const chunk = randomBytes(MiB);
      hash.update(chunk);
      writeSync(fd, chunk);
      await new Promise((r) => setTimeout(r, 40));
      expect(allRows(t.engine), `queued while growing (chunk ${i})`).toHaveLength(0);
    }
    closeSync(fd);
    await until('the upload', () => countIn(t.engine!, 'done') === 1, 90_000);
    const [row] = allRows(t.engine);
    expect(row).toMatchObject({ size: 200 * MiB, state: 'done' });
    expect(await downloadedSha256(t.world.biot, row!.biotFileId!)).toEqual({ sha256: hash.digest('hex'), size: 200 * MiB });
  }, 120_000);

  it('keeps a locked file waiting while the others upload, then uploads it once released', async () => {
    const locked = new Set<string>();
    let lockedLooks = 0;
    const openCheck: OpenCheck = async (p) => {
      if (locked.has(p)) {
        lockedLooks++;
        return 'locked';
      }
      return openForReading(p);
    };
    t.engine = createEngine(t.world.config({ folders: [{ id: 'inbox', path: t.world.inbox, quietSeconds: 0.3 }], transfer: { parallelFiles: 4 } }), {
      openCheck,
    });
    t.engine.start();
    await t.engine.whenWatching();
    const held = join(t.world.inbox, 'held.dat');
    locked.add(held);
    put(held, 4096);
    for (let i = 0; i < 6; i++) put(join(t.world.inbox, `free-${i}.dat`), 2048 + i);
    await until('the free files', () => countIn(t.engine!, 'done') === 6, 30_000);
    expect(allRows(t.engine).map((r) => r.relPath)).not.toContain('held.dat');
    expect(lockedLooks).toBeGreaterThan(0);
    locked.delete(held);
    await until('the released file', () => countIn(t.engine!, 'done') === 7, 30_000);
    expect(allRows(t.engine).filter((r) => r.relPath === 'held.dat')).toHaveLength(1);
  }, 90_000);
});
