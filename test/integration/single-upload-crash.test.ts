// Issue 9: a small file's single PUT reaches storage, but the process is
// killed (-9) or stopped (SIGTERM) while storage holds the answer back. The
// next `run --once` must find the BioT file it recorded before the PUT, read
// it back, and keep it: one BioT file, one PUT, no orphan.
import { spawn, type ChildProcess } from 'node:child_process';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { expect, it } from 'vitest';
import { DATABASE_FILE, openStore } from '../../app/store/index.ts';
import { downloadedSha256, writeRandomFile, worldPerTest } from '../support/engine-harness.ts';
import { describeWithS3 } from '../support/s3.ts';
import { until } from '../support/watch-helpers.ts';

const bin = join(import.meta.dirname, '..', '..', 'bin', 'device-uploader.js');

describeWithS3('single uploads across a crash while the PUT answer is held back', (target) => {
  const t = worldPerTest(target, { proxyStorage: true });

  function runOnce(configFile: string): {
    child: ChildProcess;
    exited: Promise<{ code: number | null; signal: NodeJS.Signals | null; out: string }>;
  } {
    const child = spawn(process.execPath, [bin, 'run', '--config', configFile, '--once'], { stdio: ['ignore', 'pipe', 'pipe'] });
    let out = '';
    child.stdout!.on('data', (d: Buffer) => (out += d));
    child.stderr!.on('data', (d: Buffer) => (out += d));
    return { child, exited: new Promise((resolve) => child.on('exit', (code, signal) => resolve({ code, signal, out }))) };
  }

  /** The BioT file id the run recorded for its single upload, read from its database. */
  function recordedBiotFileId(dbFile: string): string | undefined {
    try {
      const store = openStore(dbFile);
      try {
        const [file] = store.listFiles().files;
        return file ? store.uploadsFor(file.id)[0]?.biotFileId : undefined;
      } finally {
        store.close();
      }
    } catch {
      return undefined; // not created yet
    }
  }

  for (const stop of ['SIGKILL', 'SIGTERM'] as const) {
    it(`keeps the stored object after ${stop}: one BioT file, one PUT`, async () => {
      const sha256 = writeRandomFile(join(t.world.inbox, 'ecg-12-lead.xml'), 300_000);
      const configFile = join(t.world.root, 'config.json');
      writeFileSync(configFile, JSON.stringify(t.world.config({ transfer: { partSizeMiB: 8 } })));
      const dbFile = join(t.world.root, 'data', DATABASE_FILE);
      // Storage stores the object and then holds its answer until the client goes away.
      t.world.sandbox.faults.add({ op: 'storage.putObject', holdAnswer: true });

      const first = runOnce(configFile);
      let biotFileId: string | undefined;
      await until('the BioT file id recorded', () => (biotFileId = recordedBiotFileId(dbFile)) !== undefined, 30_000);
      // BioT serves a download once storage holds the object: the PUT acted, its answer is still held.
      await until(
        'the object stored',
        () =>
          t.world.biot.files.downloadLink(biotFileId!).then(
            () => true,
            () => false,
          ),
        30_000,
      );
      first.child.kill(stop);
      const ended = await first.exited;
      // SIGTERM: a graceful stop (its own exit code); SIGKILL: gone at once.
      if (stop === 'SIGKILL') expect(ended.signal, ended.out).toBe('SIGKILL');
      else expect(ended.out).toContain('SIGTERM');

      t.world.sandbox.faults.clear();
      const second = await runOnce(configFile).exited;
      expect(second.code, second.out).toBe(0);
      expect(t.world.sandbox.calls('file.createSingle')).toBe(1);
      expect(t.world.sandbox.calls('storage.putObject')).toBe(1);
      const store = openStore(dbFile);
      try {
        const [file] = store.listFiles().files;
        expect(file).toMatchObject({ state: 'done', biotFileId, sha256, verification: 'verified' });
        expect(store.uploadsFor(file!.id).map((u) => u.state)).toEqual(['completed']);
      } finally {
        store.close();
      }
      expect(await downloadedSha256(t.world.biot, biotFileId!)).toEqual({ sha256, size: 300_000 });
    }, 90_000);
  }
});
