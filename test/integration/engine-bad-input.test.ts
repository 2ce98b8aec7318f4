// Issue 3: a broken config, an unreadable file, a vanished file and a 401
// lock-out each give a clear error, the other files go on, nothing is lost.
import { spawnSync } from 'node:child_process';
import { mkdirSync, rmSync, unlinkSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { expect, it } from 'vitest';
import { createEngine } from '../../app/engine/create-engine.ts';
import { downloadedSha256, writeRandomFile, worldPerTest } from '../support/engine-harness.ts';
import { describeWithS3 } from '../support/s3.ts';
import { holdsFor, until } from '../support/wait.ts';
import { scanFolders, whenSettled } from '../../app/cli/once-scan.ts';

const MiB = 1024 * 1024;
const bin = join(import.meta.dirname, '..', '..', 'bin', 'device-uploader.js');

it('refuses a broken config with the key named and exit code 2', () => {
  const dir = join(import.meta.dirname, '..', '..', 'node_modules', '.cache', `du-config-${process.pid}`);
  mkdirSync(dir, { recursive: true });
  const file = join(dir, 'config.json');
  writeFileSync(
    file,
    JSON.stringify({
      dataDir: 'd',
      server: { baseUrl: 'http://127.0.0.1:1', auth: { type: 'user', username: 'u', password: 'p' } },
      transfer: { parallelParts: 0 },
    }),
  );
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
  const t = worldPerTest(target);

  it('marks a vanished file missing and an unreadable one needs-attention, while the others upload', async () => {
    const good = writeRandomFile(join(t.world.inbox, 'good.dat'), 12 * MiB);
    writeRandomFile(join(t.world.inbox, 'vanishes.dat'), 6 * MiB);
    writeRandomFile(join(t.world.inbox, 'unreadable.dat'), 6 * MiB);
    t.engine = createEngine(t.world.config(), { transfer: { retryBaseMs: 10, retryMaxMs: 50 } });
    expect((await scanFolders(t.engine)).queued).toBe(3);
    unlinkSync(join(t.world.inbox, 'vanishes.dat'));
    // Replaced by a folder of the same name: it exists but cannot be read as a file.
    unlinkSync(join(t.world.inbox, 'unreadable.dat'));
    mkdirSync(join(t.world.inbox, 'unreadable.dat'));
    t.engine.start({ watch: false });
    await whenSettled(t.engine, { maxAttempts: 1 });
    const byName = new Map(t.engine.store.listFiles().files.map((f) => [f.relPath, f]));
    expect(byName.get('vanishes.dat')!.state).toBe('missing');
    expect(byName.get('unreadable.dat')).toMatchObject({ state: 'needs-attention', lastErrorCode: 'NOT_A_FILE' });
    expect(byName.get('unreadable.dat')!.lastError).not.toMatch(/unreadable\.dat|inbox/);
    const done = byName.get('good.dat')!;
    expect(done.state).toBe('done');
    expect(await downloadedSha256(t.world.biot, done.biotFileId!)).toEqual({ sha256: good, size: 12 * MiB });
  }, 60_000);

  it('holds the files on a lock-out without hammering the login, and goes on by itself once the account is unlocked', async () => {
    const shas = [0, 1, 2].map((i) => writeRandomFile(join(t.world.inbox, `f${i}.dat`), 6 * MiB));
    t.world.sandbox.lock('user');
    // The engine's own tries of the login: seconds here, minutes in production.
    t.engine = createEngine(t.world.config({ transfer: { parallelFiles: 2 } }), { signInRetry: { baseMs: 3_000, maxMs: 3_000 } });
    const connection: string[] = [];
    t.engine.onEvent((e) => e.type === 'connection' && connection.push(e.connection.state));
    t.engine.start({ watch: false });
    await scanFolders(t.engine);
    await until(
      'the lock-out to hold the files',
      async () => {
        const s = await t.engine!.snapshot();
        return s.connection.state === 'locked' && s.totals.counts.queued === 3;
      },
      { seen: () => ({ connection, logins: t.world.sandbox.calls('ums.login') }) },
    );
    // No hammering: the next try of the login waits its turn (1.5 s at least here).
    await holdsFor('a single login attempt', 1000, () => t.world.sandbox.calls('ums.login') === 1, {
      seen: () => t.world.sandbox.calls('ums.login'),
    });
    const snap = await t.engine.snapshot();
    expect(snap.connection.state).toBe('locked');
    expect(snap.connection.advice).toMatch(/administrator/);
    expect(t.engine.heldBecause()).toMatch(/BioT locked the account \(USER_LOCKED\)/);
    // Nothing lost, nothing blamed: every file waits in the queue, none needs a person.
    expect(snap.matching).toBe(3);
    expect(snap.totals.counts).toMatchObject({ queued: 3, 'needs-attention': 0, failed: 0 });
    expect(snap.rows.filter((r) => r.errorCode === 'USER_LOCKED').length).toBeGreaterThanOrEqual(1);

    // Unlocked by the BioT administrator: nobody presses Retry.
    t.world.sandbox.unlock('user');
    await until('every file done', () => t.engine!.store.countByState().done === 3, {
      timeoutMs: 30_000,
      seen: () => [t.engine!.store.countByState(), connection],
    });
    expect(connection.at(-1)).toBe('ok');
    const files = t.engine.store.listFiles().files;
    for (const f of files) {
      expect(await downloadedSha256(t.world.biot, f.biotFileId!)).toEqual({ sha256: shas[Number(f.relPath[1])], size: 6 * MiB });
    }
  }, 60_000);
});
