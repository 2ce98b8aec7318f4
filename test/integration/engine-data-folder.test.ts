// Issue 10 §1: a full or read-only data folder, for real. The data folder is
// a small tmpfs mounted for the test (needs root; skipped, saying so, where
// mounting is not permitted). The engine must hold uploads and say so (the
// banner's status, `status`), keep running (the log stream's ENOSPC too),
// and go on by itself when space returns, without sending a file twice.
import { execFileSync, spawn } from 'node:child_process';
import { mkdtempSync, openSync, closeSync, rmSync, writeSync, writeFileSync, mkdirSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, expect, it } from 'vitest';
import { openEngineLog } from '../../app/common/engine-log.ts';
import type { FileLogger } from '../../app/common/log-file.ts';
import { createEngine } from '../../app/engine/create-engine.ts';
import { checkDataFolder, storageFault } from '../../app/engine/data-folder-health.ts';
import { worldPerTest } from '../support/engine-harness.ts';
import { until } from '../support/watch-helpers.ts';
import { scanFolders } from '../../app/cli/once-scan.ts';

const bin = join(import.meta.dirname, '..', '..', 'bin', 'device-uploader.js');
const t = worldPerTest(undefined);

/** Mounts a tmpfs of `size` at a new folder; undefined where this user may not mount. */
function smallDisk(size: string): string | undefined {
  const dir = mkdtempSync(join(tmpdir(), 'du-small-disk-'));
  try {
    execFileSync('mount', ['-t', 'tmpfs', '-o', `size=${size}`, 'tmpfs', dir], { stdio: 'ignore' });
    mounted.push(dir);
    return dir;
  } catch {
    rmSync(dir, { recursive: true, force: true });
    return undefined;
  }
}
const mounted: string[] = [];
afterEach(async () => {
  // The engine first (worldPerTest's afterEach runs after this one): it holds files on the mount.
  await t.engine?.close();
  t.engine = undefined;
  for (const dir of mounted.splice(0)) {
    execFileSync('umount', ['-l', dir], { stdio: 'ignore' });
    rmSync(dir, { recursive: true, force: true });
  }
});
const canMount = (() => {
  const probe = smallDisk('1m');
  for (const dir of mounted.splice(0)) {
    execFileSync('umount', [dir], { stdio: 'ignore' });
    rmSync(dir, { recursive: true, force: true });
  }
  return probe !== undefined;
})();

/** Writes zeros to `path` until the disk says ENOSPC. */
function fill(path: string): void {
  const fd = openSync(path, 'w');
  try {
    const chunk = Buffer.alloc(64 * 1024);
    for (;;) writeSync(fd, chunk);
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== 'ENOSPC') throw error;
  } finally {
    closeSync(fd);
  }
}

function statusOf(configFile: string): Promise<string> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [bin, 'status', '--config', configFile], { stdio: ['ignore', 'pipe', 'inherit'] });
    let out = '';
    child.stdout.on('data', (c: Buffer) => (out += c.toString()));
    child.on('exit', () => resolve(out));
    child.on('error', reject);
  });
}

it.skipIf(!canMount)(
  "a full disk holds uploads, says so, survives the log's ENOSPC, and goes on when space returns (skipped where tmpfs cannot be mounted: needs root)",
  async () => {
    const disk = smallDisk('4m')!;
    writeFileSync(join(t.world.inbox, 'e.dat'), 'e'.repeat(20_000));
    const config = { ...t.world.config(), dataDir: join(disk, 'data') };
    mkdirSync(config.dataDir, { recursive: true });
    const configFile = join(t.world.root, 'config.json');
    writeFileSync(
      configFile,
      JSON.stringify({
        dataDir: config.dataDir,
        server: { baseUrl: t.world.sandbox.url, auth: { type: 'user', ...t.world.sandbox.credentials.user } },
        folders: [],
      }),
    );
    const stderr: string[] = [];
    let logger: FileLogger | undefined;
    const write = process.stderr.write.bind(process.stderr);
    process.stderr.write = ((chunk: string) => (stderr.push(String(chunk)), true)) as typeof process.stderr.write;
    try {
      logger = await openEngineLog(config);
      t.engine = createEngine(config, { logger, dataFolder: { probeMs: 100 } });
      await scanFolders(t.engine);
      fill(join(disk, 'filler'));
      t.engine.start({ watch: false });
      await until('uploads held for the full disk', () => t.engine!.heldBecause() !== undefined, 20_000);
      expect((await t.engine.snapshot()).connection).toMatchObject({ state: 'data-folder-unwritable' });
      expect(t.engine.heldBecause()).toMatch(/full/);
      expect(await statusOf(configFile)).toMatch(/^uploads held: The disk holding the uploader's data folder is full/m);
      expect(t.engine.store.countByState().done).toBe(0);
      // Still running: space comes back, and it goes on by itself.
      rmSync(join(disk, 'filler'));
      await until('the file done after space returned', () => t.engine!.store.countByState().done === 1, 30_000);
      expect(t.engine.heldBecause()).toBeUndefined();
      // At most one single upload per attempt: an upload BioT completed is never made again.
      expect(t.world.sandbox.calls('file.createSingle')).toBeLessThanOrEqual(1 + t.engine.store.listFiles().files[0]!.attempts);
      expect(stderr.join('')).not.toMatch(/e\.dat/);
    } finally {
      process.stderr.write = write;
      // The logs close last, after the engine, as run and serve close them.
      await t.engine?.close();
      t.engine = undefined;
      await logger?.close();
    }
  },
  60_000,
);

it.skipIf(!canMount)(
  'a scan whose queue write the full disk refuses holds uploads instead of skipping the file in silence (skipped where tmpfs cannot be mounted: needs root)',
  async () => {
    const disk = smallDisk('4m')!;
    const config = { ...t.world.config(), dataDir: join(disk, 'data') };
    t.engine = createEngine(config, { dataFolder: { probeMs: 100 } });
    writeFileSync(join(t.world.inbox, 'g.dat'), 'g'.repeat(20_000));
    fill(join(disk, 'filler'));
    await expect(scanFolders(t.engine)).rejects.toMatchObject({ code: expect.stringMatching(/^SQLITE_/) });
    expect(t.engine.heldBecause()).toMatch(/full/);
    rmSync(join(disk, 'filler'));
    expect((await scanFolders(t.engine)).queued).toBe(1);
    t.engine.start({ watch: false });
    await until('the file done once space returned', () => t.engine!.store.countByState().done === 1, 30_000);
  },
  60_000,
);

it.skipIf(!canMount)(
  'a read-only or full data folder is named as such by the probe (skipped where tmpfs cannot be mounted: needs root)',
  async () => {
    // A mount cannot turn read-only under an open database (EBUSY), so the
    // engine's side of a read-only folder is the SQLITE_READONLY mapping below;
    // here the probe that decides when uploads go on is checked on real mounts.
    const disk = smallDisk('2m')!;
    const view = mkdtempSync(join(tmpdir(), 'du-ro-view-'));
    execFileSync('mount', ['--bind', disk, view], { stdio: 'ignore' });
    mounted.unshift(view);
    execFileSync('mount', ['-o', 'remount,bind,ro', view], { stdio: 'ignore' });
    expect(await checkDataFolder(view)).toBe('read-only');
    expect(await checkDataFolder(disk)).toBeUndefined();
    fill(join(disk, 'filler'));
    expect(await checkDataFolder(disk)).toBe('full');
  },
);

it.each([
  ['SQLITE_FULL', 'full'],
  ['SQLITE_IOERR_WRITE', 'full'],
  ['ENOSPC', 'full'],
  ['SQLITE_READONLY', 'read-only'],
  ['SQLITE_READONLY_DBMOVED', 'read-only'],
  ['EROFS', 'read-only'],
  ['SQLITE_BUSY', undefined],
  ['SQLITE_CONSTRAINT_UNIQUE', undefined],
])('a store error %s is a data folder problem: %s', (code, problem) => {
  expect(storageFault(Object.assign(new Error(code), { code }))).toBe(problem);
});
