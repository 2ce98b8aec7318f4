// Issue 16, "queue.db deleted, journal beside it": an IT person "resetting"
// the uploader deletes queue.db (and -wal/-shm). The upload journal beside it
// still lists every finished upload, so the next start (or `repair`) restores
// them into the new, empty queue before the first scan, says so in one line,
// and the exports BioT already holds are not sent again. Real child
// processes (`device-uploader run --once`, `repair`), the sandbox over
// radosgw, real folders and SQLite.
import { spawnSync } from 'node:child_process';
import { rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { expect, it } from 'vitest';
import { startEngine } from '../soak/child-engine.ts';
import { writeRandomFile, worldPerTest } from '../support/engine-harness.ts';
import { describeWithS3 } from '../support/s3.ts';

const EXPORTS = 42;
const bin = join(import.meta.dirname, '..', '..', 'bin', 'device-uploader.js');

describeWithS3('queue.db deleted, upload journal beside it', (target) => {
  const t = worldPerTest(target);

  /** 42 exports of different sizes, and a config file for the child processes. */
  function exportsAndConfig(): string {
    for (let i = 0; i < EXPORTS; i++) writeRandomFile(join(t.world.inbox, `study-${i}.edf`), 10_000 + i * 1_000);
    const file = join(t.world.root, 'config.json');
    const config = t.world.config();
    writeFileSync(file, JSON.stringify({ ...config, folders: config.folders.map((f) => ({ id: f.id, path: f.path, quietSeconds: 0 })) }));
    return file;
  }

  async function runOnce(config: string): Promise<{ code: number | null; out: string }> {
    const run = startEngine(config, { once: true });
    const timer = setTimeout(() => run.child.kill('SIGKILL'), 60_000);
    const { code } = await run.exited;
    clearTimeout(timer);
    return { code, out: run.output() };
  }

  const uploadsCreated = () => t.world.sandbox.calls('file.createSingle') + t.world.sandbox.calls('file.createMultipart');

  const deleteQueue = () => {
    const db = join(t.world.root, 'data', 'queue.db');
    for (const suffix of ['', '-wal', '-shm']) rmSync(db + suffix, { force: true });
  };

  it('the next start restores the journal into the new queue before it scans: 0 of 42 sent again', async () => {
    const config = exportsAndConfig();
    const first = await runOnce(config);
    expect(first.code, first.out).toBe(0);
    expect(uploadsCreated()).toBe(EXPORTS);
    deleteQueue();
    const again = await runOnce(config);
    expect(again.code, again.out).toBe(0);
    expect(uploadsCreated() - EXPORTS).toBe(0);
    expect(again.out).toMatch(new RegExp(`restored ${EXPORTS} finished uploads? from the upload journal`));
    expect(again.out).toContain(`done ${EXPORTS}, duplicates ${EXPORTS}, not done 0`);
  }, 120_000);

  it('`repair` on a deleted queue restores the journal too (not "nothing to repair"), and the next run sends nothing', async () => {
    const config = exportsAndConfig();
    expect((await runOnce(config)).code).toBe(0);
    deleteQueue();
    const repair = spawnSync(process.execPath, [bin, 'repair', '--config', config], { encoding: 'utf8' });
    expect(repair.status, repair.stderr).toBe(0);
    expect(repair.stdout).not.toMatch(/nothing to repair/);
    expect(repair.stdout).toMatch(new RegExp(`restored ${EXPORTS} finished uploads? from the upload journal`));
    const after = await runOnce(config);
    expect(after.code, after.out).toBe(0);
    expect(uploadsCreated() - EXPORTS).toBe(0);
    // Restored by repair already: the run itself has nothing to restore.
    expect(after.out).not.toMatch(/from the upload journal/);
  }, 120_000);
});
