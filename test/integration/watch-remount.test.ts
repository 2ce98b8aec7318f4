// Issue 16: a watched folder's volume is unmounted and mounted again (a USB
// drive, an SD card reader, a share connected again). The watcher's handles
// died with the old mount: nothing written to the new one was ever seen, and
// the unmount's flood of "unlinked" events marked waiting exports missing.
// A real tmpfs mounted over the watched folder (root only), the engine
// watching it, the sandbox over radosgw.
import { execFileSync } from 'node:child_process';
import { createHash, randomBytes } from 'node:crypto';
import { mkdirSync, renameSync, utimesSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, expect, it } from 'vitest';
import { createEngine } from '../../app/engine/create-engine.ts';
import { downloadedSha256, writeRandomFile, worldPerTest } from '../support/engine-harness.ts';
import { describeWithS3 } from '../support/s3.ts';
import { holdsFor, until } from '../support/wait.ts';

const KiB = 1024;
const cannotMount = process.getuid?.() === 0 ? undefined : 'mounting a tmpfs needs root';

describeWithS3('a watched folder unmounted and mounted again', (target) => {
  const t = worldPerTest(target);
  let mounted: string | undefined;

  const mount = (at: string) => {
    execFileSync('mount', ['-t', 'tmpfs', '-o', 'size=16m', 'tmpfs', at]);
    mounted = at;
  };
  /** A drive that arrives with its files already on it: filled at `staging`, then moved over `at` in one step. */
  const arrive = (staging: string, at: string, fill: (root: string) => void) => {
    mkdirSync(staging);
    execFileSync('mount', ['-t', 'tmpfs', '-o', 'size=16m', 'tmpfs', staging]);
    mounted = staging;
    fill(staging);
    execFileSync('mount', ['--move', staging, at]);
    mounted = at;
  };
  const unmount = (at: string) => {
    execFileSync('umount', [at]);
    mounted = undefined;
  };
  afterEach(async () => {
    // The engine (closed by worldPerTest's own afterEach, which runs after this one) watches nothing mounted any more.
    if (mounted) execFileSync('umount', ['-l', mounted]);
    mounted = undefined;
  });

  it.skipIf(cannotMount !== undefined)(
    `restarts the watch on the new mount and keeps the exports that waited${cannotMount ? ` [skipped: ${cannotMount}]` : ''}`,
    async () => {
      const drive = join(t.world.root, 'drive');
      mkdirSync(drive);
      mount(drive);
      t.engine = createEngine(t.world.config({ folders: [{ id: 'usb', path: drive, quietSeconds: 0 }] }));
      t.engine.start();
      await t.engine.whenWatching();
      const engine = t.engine;
      const rowOf = (name: string) => engine.store.listFiles().files.find((f) => f.relPath === name);

      // An export paused by a person while its upload was under way: it waits, its source on the drive.
      t.world.sandbox.faults.add({ op: 'file.createSingle', delayMs: 2_000 });
      const keptBytes = randomBytes(200 * KiB);
      // Whole seconds, so the copy on the drive that comes back can carry the very same mtime.
      const keptMtime = Math.floor(Date.now() / 1000) - 60;
      const putKept = (root: string) => {
        const hidden = join(root, '.kept.edf'); // hidden: not watched until renamed
        writeFileSync(hidden, keptBytes);
        utimesSync(hidden, keptMtime, keptMtime);
        renameSync(hidden, join(root, 'kept.edf'));
      };
      putKept(drive);
      await until('kept.edf to be uploading', () => rowOf('kept.edf')?.state === 'uploading');
      await engine.pause({ fileId: rowOf('kept.edf')!.id });
      t.world.sandbox.faults.clear();

      unmount(drive);
      // The unmount is not a deletion: the waiting export is not marked missing.
      await holdsFor('kept.edf to stay paused while the drive is away', 2_000, () => rowOf('kept.edf')?.state === 'paused', {
        seen: () => rowOf('kept.edf')?.state,
      });

      // Plugged in again, with the export still on it, and a new one written after.
      arrive(join(t.world.root, 'staging'), drive, putKept);
      const freshSha = writeRandomFile(join(drive, 'fresh.edf'), 300 * KiB);
      await until('fresh.edf, written on the new mount, to be done', () => rowOf('fresh.edf')?.state === 'done', {
        timeoutMs: 30_000,
        seen: () => engine.store.listFiles().files.map((f) => [f.relPath, f.state]),
      });
      await engine.resume({ fileId: rowOf('kept.edf')!.id });
      await until('kept.edf to be done', () => rowOf('kept.edf')?.state === 'done', { seen: () => rowOf('kept.edf')?.state });
      expect(await downloadedSha256(t.world.biot, rowOf('fresh.edf')!.biotFileId!)).toEqual({ sha256: freshSha, size: 300 * KiB });
      const keptSha = createHash('sha256').update(keptBytes).digest('hex');
      expect(await downloadedSha256(t.world.biot, rowOf('kept.edf')!.biotFileId!)).toEqual({ sha256: keptSha, size: 200 * KiB });
    },
    90_000,
  );
});
