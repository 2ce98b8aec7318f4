// Issue 9, "a crash during a cross-volume move": the archive is on another
// volume (tmpfs under /dev/shm), so the move is a copy. A kill -9 in the middle
// of the copy must leave no truncated file under the export's name; the next
// start removes the half copy and moves the export whole, under its own name.
import { spawn } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import { copyFileSync, existsSync, mkdirSync, mkdtempSync, readFileSync, readdirSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, expect, it } from 'vitest';
import { createEngine } from '../../app/engine/create-engine.ts';
import { sha256File } from '../../app/common/hash-file.ts';
import { openStore, type Store } from '../../app/store/index.ts';
import { PARTIAL_DIR } from '../../app/watch/archive-copy.ts';
import { writeRandomFile, worldPerTest } from '../support/engine-harness.ts';
import { describeWithS3 } from '../support/s3.ts';
import { allRows, until } from '../support/watch-helpers.ts';

/** Marks a claimed row done as the scheduler leaves it: BioT's copy read back and verified (moves need it, issue 9). */
function markVerifiedDone(store: Store, fileId: number, size: number, mtimeMs: number): void {
  const biotFileId = randomUUID();
  const upload = store.startUpload(fileId, { biotFileId, kind: 'single', partSize: size, partCount: 1, fileSize: size, fileMtimeMs: mtimeMs }, [
    { partNumber: 1, offset: 0, size },
  ]);
  store.recordVerification(upload.id, { verdict: 'verified' });
  store.markDone(fileId, { biotFileId, afterUpload: 'move' });
}

const MiB = 1024 * 1024;
const child = join(import.meta.dirname, '..', 'support', 'move-child.ts');
const otherVolume = '/dev/shm';

describeWithS3('folder watcher: crash during a cross-volume move', (target) => {
  const t = worldPerTest(target);
  let archive: string | undefined;
  afterEach(() => {
    if (archive) rmSync(archive, { recursive: true, force: true });
    archive = undefined;
  });

  it.skipIf(!existsSync(otherVolume) || statSync(otherVolume).dev === statSync(process.cwd()).dev)(
    'kill -9 mid-copy leaves no truncated file under the real name; the restart cleans up and moves it whole',
    async () => {
      archive = mkdtempSync(join(otherVolume, 'du-archive-'));
      const source = join(t.world.inbox, 'day1', 'scan.dat');
      mkdirSync(join(t.world.inbox, 'day1'));
      const sha256 = writeRandomFile(source, 24 * MiB);
      const config = t.world.config({ folders: [{ id: 'inbox', path: t.world.inbox, quietSeconds: 0, afterUpload: 'move', archiveDir: archive }] });
      const database = join(config.dataDir, 'queue.db');

      // A row BioT confirmed, with the move owed (as the scheduler leaves it when it marks a row done).
      mkdirSync(config.dataDir, { recursive: true });
      const store = openStore(database);
      const { size, mtimeMs } = statSync(source);
      const queued = store.enqueue({ folderId: 'inbox', sourcePath: source, relPath: 'day1/scan.dat', size, mtimeMs, sha256 });
      store.claimNext(1);
      markVerifiedDone(store, queued.id, size, mtimeMs);
      store.close();

      const run = spawn(process.execPath, [child, database, String(queued.id), JSON.stringify(config.folders[0]), String(8 * MiB)], {
        stdio: ['ignore', 'pipe', 'pipe'],
      });
      let out = '';
      run.stdout.on('data', (d: Buffer) => (out += d));
      run.stderr.on('data', (d: Buffer) => (out += d));
      const exited = new Promise<NodeJS.Signals | null>((resolve) => run.on('exit', (_code, signal) => resolve(signal)));
      await until(`the child to be mid-copy (it said: ${out})`, () => out.includes('copying'), 30_000);
      run.kill('SIGKILL');
      expect(await exited).toBe('SIGKILL');

      // After the crash: nothing under the export's name, the half copy only in the partial folder, the source whole.
      expect(existsSync(join(archive, 'day1', 'scan.dat'))).toBe(false);
      const leftovers = readdirSync(join(archive, PARTIAL_DIR));
      expect(leftovers).toHaveLength(1);
      expect(statSync(join(archive, PARTIAL_DIR, leftovers[0]!)).size).toBeLessThan(24 * MiB);
      expect(await sha256File(source)).toBe(sha256);

      // The next start: leftovers removed, the move done again, whole, under the real name.
      t.engine = createEngine(config);
      t.engine.start();
      await t.engine.whenWatching();
      await until('the move to be done', () => allRows(t.engine!)[0]?.postAction === 'moved', 30_000);
      expect(await sha256File(join(archive, 'day1', 'scan.dat'))).toBe(sha256);
      expect(readdirSync(join(archive, 'day1'))).toEqual(['scan.dat']);
      expect(readdirSync(join(archive, PARTIAL_DIR))).toEqual([]);
      expect(existsSync(source)).toBe(false);
    },
    60_000,
  );

  it.skipIf(!existsSync(otherVolume) || statSync(otherVolume).dev === statSync(process.cwd()).dev)(
    'a cross-volume move never replaces a file already archived under the name',
    async () => {
      archive = mkdtempSync(join(otherVolume, 'du-archive-'));
      mkdirSync(join(archive, 'day1'));
      writeFileSync(join(archive, 'day1', 'scan.dat'), 'an older export already archived');
      mkdirSync(join(t.world.inbox, 'day1'));
      const bytes = writeRandomFile(join(t.world.inbox, 'day1', 'scan.dat'), 3 * MiB);
      t.engine = createEngine(
        t.world.config({ folders: [{ id: 'inbox', path: t.world.inbox, quietSeconds: 0.2, afterUpload: 'move', archiveDir: archive }] }),
      );
      t.engine.start();
      await t.engine.whenWatching();
      await until('the move to be done', () => allRows(t.engine!)[0]?.postAction === 'moved', 30_000);
      expect(readFileSync(join(archive, 'day1', 'scan.dat'), 'utf8')).toBe('an older export already archived');
      expect(await sha256File(join(archive, 'day1', 'scan (2).dat'))).toBe(bytes);
      expect(readdirSync(join(archive, PARTIAL_DIR))).toEqual([]);
    },
    60_000,
  );

  it.skipIf(!existsSync(otherVolume) || statSync(otherVolume).dev === statSync(process.cwd()).dev)(
    'a crash after the copy got its name but before the source was deleted does not archive it twice',
    async () => {
      archive = mkdtempSync(join(otherVolume, 'du-archive-'));
      const source = join(t.world.inbox, 'day1', 'scan.dat');
      mkdirSync(join(t.world.inbox, 'day1'));
      const sha256 = writeRandomFile(source, 3 * MiB);
      // What the crashed move left: the whole copy under its name, the source still there, the move still owed.
      mkdirSync(join(archive, 'day1'));
      copyFileSync(source, join(archive, 'day1', 'scan.dat'));
      const config = t.world.config({ folders: [{ id: 'inbox', path: t.world.inbox, quietSeconds: 0, afterUpload: 'move', archiveDir: archive }] });
      mkdirSync(config.dataDir, { recursive: true });
      const store = openStore(join(config.dataDir, 'queue.db'));
      const { size, mtimeMs } = statSync(source);
      const queued = store.enqueue({ folderId: 'inbox', sourcePath: source, relPath: 'day1/scan.dat', size, mtimeMs, sha256 });
      store.claimNext(1);
      markVerifiedDone(store, queued.id, size, mtimeMs);
      store.close();

      t.engine = createEngine(config);
      t.engine.start();
      await t.engine.whenWatching();
      await until('the move to be done', () => allRows(t.engine!)[0]?.postAction === 'moved', 30_000);
      expect(readdirSync(join(archive, 'day1'))).toEqual(['scan.dat']);
      expect(await sha256File(join(archive, 'day1', 'scan.dat'))).toBe(sha256);
      expect(existsSync(source)).toBe(false);
    },
    60_000,
  );
});
