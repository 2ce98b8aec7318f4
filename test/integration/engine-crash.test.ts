// Issue 3: kill -9 of a `run` process at random moments during a 1 GiB upload,
// five times, then a final `run --once`: the file completes whole, as one BioT
// file, and no part that had its ETag recorded before a kill is sent again.
import { spawn } from 'node:child_process';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { DATABASE_FILE, openStore } from '../../app/store/index.ts';
import { createWorld, downloadedSha256, writeRandomFile, type World } from '../support/engine-harness.ts';
import { describeWithS3 } from '../support/s3.ts';
import { until } from '../support/wait.ts';

const MiB = 1024 * 1024;
const bin = join(import.meta.dirname, '..', '..', 'bin', 'device-uploader.js');

describeWithS3('crash safety: kill -9 during a 1 GiB upload', (target) => {
  let world: World;
  let configFile: string;
  let sha256: string;

  beforeAll(async () => {
    world = await createWorld(target, { proxyStorage: true });
    sha256 = writeRandomFile(join(world.inbox, 'holter-night.edf'), 1024 * MiB);
    const config = world.config({ transfer: { partSizeMiB: 8, parallelParts: 4, maxBytesPerSecond: 120 * MiB } });
    configFile = join(world.root, 'config.json');
    writeFileSync(configFile, JSON.stringify({ ...config, server: { ...config.server } }));
  }, 120_000);
  afterAll(async () => world?.dispose());

  /** Runs `run --once`; with killAfterMs, SIGKILLs it that long after its first part PUT. */
  function runOnce(killAfterMs?: number): Promise<{ code: number | null; signal: NodeJS.Signals | null; out: string }> {
    const putsBefore = world.sandbox.calls('storage.putPart');
    return new Promise((resolve) => {
      const child = spawn(process.execPath, [bin, 'run', '--config', configFile, '--once'], { stdio: ['ignore', 'pipe', 'pipe'] });
      let out = '';
      child.stdout.on('data', (d: Buffer) => (out += d));
      child.stderr.on('data', (d: Buffer) => (out += d));
      let timer: NodeJS.Timeout | undefined;
      const watch = setInterval(() => {
        if (killAfterMs === undefined || world.sandbox.calls('storage.putPart') === putsBefore) return;
        clearInterval(watch);
        timer = setTimeout(() => child.kill('SIGKILL'), killAfterMs);
      }, 20);
      child.on('exit', (code, signal) => {
        clearInterval(watch);
        clearTimeout(timer);
        resolve({ code, signal, out });
      });
    });
  }

  /** Part numbers with a recorded ETag, per BioT upload id, as the database holds them now. */
  function etagged(): Map<string, Set<number>> {
    const store = openStore(join(world.root, 'data', DATABASE_FILE));
    try {
      const result = new Map<string, Set<number>>();
      for (const file of store.listFiles().files) {
        for (const upload of store.uploadsFor(file.id)) {
          result.set(
            upload.biotFileId,
            new Set(
              store
                .partsOf(upload.id)
                .filter((p) => p.etag)
                .map((p) => p.partNumber),
            ),
          );
        }
      }
      return result;
    } finally {
      store.close();
    }
  }

  const checks: (() => void)[] = [];

  it('completes whole after five kills, never re-sending a part that had its ETag', async () => {
    const resentAfterKill: string[] = [];
    const progress: number[] = [];
    for (let kill = 0; kill < 5; kill++) {
      // Random moments while parts are moving (the first run hashes the file before it uploads).
      const result = await runOnce(Math.floor(Math.random() * 1500));
      expect(result.signal, result.out).toBe('SIGKILL');
      // The proxy logs the exchanges the kill cut short as their connections close.
      await until('the exchanges the kill cut short to be logged', () => world.sandbox.storageOpen() === 0, {
        timeoutMs: 10_000,
        everyMs: 20,
        seen: () => world.sandbox.storageOpen(),
      });
      const landed = etagged();
      const logIndex = world.sandbox.storageLog().length;
      progress.push([...landed.values()].reduce((n, s) => n + s.size, 0));
      // Checked after the next run: no PUT for a part that already had its ETag.
      const check = () => {
        for (const entry of world.sandbox.storageLog().slice(logIndex)) {
          if (entry.op === 'storage.putPart' && entry.partNumber && landed.get(entry.fileId)?.has(entry.partNumber)) {
            resentAfterKill.push(`kill ${kill + 1}: part ${entry.partNumber}`);
          }
        }
      };
      checks.push(check);
    }
    const final = await runOnce();
    for (const check of checks) check();
    expect(final.code, final.out).toBe(0);
    expect(resentAfterKill).toEqual([]);
    console.log(`[figures] parts with ETag after each kill: ${progress.join(', ')} of 128`);

    const store = openStore(join(world.root, 'data', DATABASE_FILE));
    try {
      const [file] = store.listFiles().files;
      expect(store.listFiles().total).toBe(1);
      expect(file!.state).toBe('done');
      const completed = store.uploadsFor(file!.id).filter((u) => u.state === 'completed');
      expect(completed).toHaveLength(1);
      expect(await downloadedSha256(world.biot, file!.biotFileId!)).toEqual({ sha256, size: 1024 * MiB });
    } finally {
      store.close();
    }
  }, 300_000);
});
