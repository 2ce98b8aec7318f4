// Issue 3: a broken config, an unreadable file, a vanished file and a 401
// lock-out each give a clear error, the other files go on, nothing is lost.
import { spawnSync } from 'node:child_process';
import { mkdirSync, rmSync, unlinkSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, beforeEach, expect, it } from 'vitest';
import { Engine } from '../../app/engine.ts';
import { createWorld, downloadedSha256, writeRandomFile, type World } from '../support/engine-harness.ts';
import { describeWithS3 } from '../support/s3.ts';

const MiB = 1024 * 1024;
const bin = join(import.meta.dirname, '..', '..', 'bin', 'device-uploader.js');

it('refuses a broken config with the key named and exit code 2', () => {
  const dir = join(import.meta.dirname, '..', '..', 'node_modules', '.cache', `du-config-${process.pid}`);
  mkdirSync(dir, { recursive: true });
  const file = join(dir, 'config.json');
  writeFileSync(file, JSON.stringify({ dataDir: 'd', server: { baseUrl: 'http://127.0.0.1:1', auth: { type: 'user', username: 'u', password: 'p' } }, transfer: { parallelParts: 0 } }));
  const bad = spawnSync(process.execPath, [bin, 'run', '--config', file, '--once'], { encoding: 'utf8' });
  expect(bad.status).toBe(2);
  expect(bad.stderr).toMatch(/transfer\.parallelParts/);
  writeFileSync(file, '{ "dataDir": "d", ');
  const broken = spawnSync(process.execPath, [bin, 'status', '--config', file], { encoding: 'utf8' });
  expect(broken.status).toBe(2);
  expect(broken.stderr).toMatch(/not valid JSON/);
  rmSync(dir, { recursive: true, force: true });
});

describeWithS3('engine with bad input', (target) => {
  let world: World;
  let engine: Engine | undefined;

  beforeEach(async () => {
    world = await createWorld(target);
  });
  afterEach(async () => {
    await engine?.close();
    engine = undefined;
    await world.dispose();
  });

  it('marks a vanished file missing and an unreadable one needs-attention, while the others upload', async () => {
    const good = writeRandomFile(join(world.inbox, 'good.dat'), 12 * MiB);
    writeRandomFile(join(world.inbox, 'vanishes.dat'), 6 * MiB);
    writeRandomFile(join(world.inbox, 'unreadable.dat'), 6 * MiB);
    engine = new Engine(world.config(), { transfer: { retryBaseMs: 10, retryMaxMs: 50 } });
    expect(await engine.scanFolders()).toBe(3);
    unlinkSync(join(world.inbox, 'vanishes.dat'));
    // Replaced by a folder of the same name: it exists but cannot be read as a file.
    unlinkSync(join(world.inbox, 'unreadable.dat'));
    mkdirSync(join(world.inbox, 'unreadable.dat'));
    engine.start({ watch: false });
    await engine.whenSettled({ maxAttempts: 1 });
    const byName = new Map(engine.store.listFiles().files.map((f) => [f.relPath, f]));
    expect(byName.get('vanishes.dat')!.state).toBe('missing');
    expect(byName.get('unreadable.dat')).toMatchObject({ state: 'needs-attention', lastErrorCode: 'NOT_A_FILE' });
    expect(byName.get('unreadable.dat')!.lastError).not.toMatch(/unreadable\.dat|inbox/);
    const done = byName.get('good.dat')!;
    expect(done.state).toBe('done');
    expect(await downloadedSha256(world.biot, done.biotFileId!)).toEqual({ sha256: good, size: 12 * MiB });
  }, 60_000);

  it('stops on a lock-out without hammering the login, and goes on after unlock and retry', async () => {
    const shas = [0, 1, 2].map((i) => writeRandomFile(join(world.inbox, `f${i}.dat`), 6 * MiB));
    world.sandbox.lock('user');
    engine = new Engine(world.config({ transfer: { parallelFiles: 2 } }));
    const connection: string[] = [];
    engine.onEvent((e) => e.type === 'connection' && connection.push(e.connection.state));
    engine.start({ watch: false });
    await engine.scanFolders();
    await new Promise((r) => setTimeout(r, 1500));
    const snap = await engine.snapshot();
    expect(snap.connection.state).toBe('locked');
    expect(snap.connection.advice).toMatch(/administrator/);
    expect(connection).toContain('locked');
    expect(snap.totals.counts['needs-attention']).toBeGreaterThanOrEqual(1);
    // Nothing lost: every file is still known, and only one login was tried.
    expect(snap.matching).toBe(3);
    expect(world.sandbox.calls('ums.login')).toBe(1);
    const stuck = snap.rows.find((r) => r.state === 'needs-attention')!;
    expect(stuck.errorCode).toBe('USER_LOCKED');

    world.sandbox.unlock('user');
    await engine.retry({ all: true });
    await engine.whenSettled({ maxAttempts: 1 });
    const files = engine.store.listFiles().files;
    expect(files.map((f) => f.state)).toEqual(['done', 'done', 'done']);
    for (const f of files) {
      expect(await downloadedSha256(world.biot, f.biotFileId!)).toEqual({ sha256: shas[Number(f.relPath[1])], size: 6 * MiB });
    }
  }, 60_000);
});
