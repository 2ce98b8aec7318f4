// The engine as a hosted service, for real: engine-entry.ts in a Node child
// process (child_process.fork, serialization 'advanced', the parentPort shim
// Electron's utilityProcess would replace), driven through EngineClient over a
// real config file, a real watched folder and the sandbox (disk store).
import { closeSync, openSync, writeFileSync, writeSync } from 'node:fs';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { describe, expect, it } from 'vitest';
import type { EngineEvent } from '../../app/api.ts';
import { ApiError } from '../../app/api-schemas.ts';
import { DataFolderInUse, lockDataFolder } from '../../app/engine/data-lock.ts';
import { EngineClient, EngineStartError, type EngineLifecycle } from '../../app/host/engine-client.ts';
import { forkEngine } from '../../app/host/fork.ts';
import { downloadedSha256, worldPerTest, writeRandomFile, type World } from '../support/engine-harness.ts';
import { until } from '../support/watch-helpers.ts';

const t = worldPerTest(undefined);

function writeConfig(world: World, extra: Record<string, unknown> = {}, withPassword = true): string {
  const file = join(world.root, 'config.json');
  const { username, password } = world.sandbox.credentials.user;
  writeFileSync(
    file,
    JSON.stringify({
      dataDir: join(world.root, 'data'),
      server: { baseUrl: world.sandbox.url, auth: { type: 'user', username, ...(withPassword && { password }) } },
      folders: [{ id: 'inbox', path: world.inbox, quietSeconds: 0.3 }],
      transfer: { partSizeMiB: 5, parallelParts: 2, parallelFiles: 1 },
      ...extra,
    }),
  );
  return file;
}

async function started(configFile: string, secrets?: { password?: string }): Promise<EngineClient> {
  const client = new EngineClient(forkEngine({ env: {} }));
  await client.start({ configFile, ...(secrets && { secrets }) });
  return client;
}

async function rowFor(client: EngineClient, relPath: string) {
  return (await client.snapshot({ search: relPath })).rows.find((r) => r.relPath === relPath);
}

describe('the engine in a child process', () => {
  it('uploads a dropped file, pauses and resumes, numbers its events, and quits cleanly', async () => {
    const configFile = writeConfig(t.world, { transfer: { partSizeMiB: 5, parallelParts: 1, parallelFiles: 1, maxBytesPerSecond: 3 * 1024 * 1024 } });
    const client = await started(configFile);
    const events: EngineEvent[] = [];
    client.onEvent((e) => events.push(e));
    const lifecycle: EngineLifecycle[] = [];
    client.onLifecycle((e) => lifecycle.push(e));
    // The child holds the data folder's OS-level lock while it runs.
    expect(() => lockDataFolder(join(t.world.root, 'data'))).toThrow(DataFolderInUse);

    const sha = writeRandomFile(join(t.world.inbox, 'holter-1.edf'), 12 * 1024 * 1024);
    await until('the file to start uploading', async () => (await rowFor(client, 'holter-1.edf'))?.state === 'uploading', 30_000);
    expect(await client.pause({ all: true })).toBeGreaterThanOrEqual(1);
    await until('the file to be paused', async () => (await rowFor(client, 'holter-1.edf'))?.state === 'paused');
    expect(await client.resume({ all: true })).toBe(1);
    await until('the file to be uploaded', async () => (await rowFor(client, 'holter-1.edf'))?.state === 'done', 60_000);
    const row = await rowFor(client, 'holter-1.edf');
    expect(await downloadedSha256(t.world.biot, row!.biotFileId!)).toEqual({ sha256: sha, size: 12 * 1024 * 1024 });

    expect(events.length).toBeGreaterThan(0);
    expect(events.map((e) => e.seq)).toEqual(events.map((_, i) => events[0]!.seq + i));

    const stopping = client.stop();
    expect(client.stop()).toBe(stopping); // idempotent: one shutdown, one promise
    await stopping;
    expect(lifecycle).toContainEqual({ state: 'exited', code: 0, expected: true });
    lockDataFolder(join(t.world.root, 'data')).release(); // released at exit
    await expect(client.snapshot()).rejects.toMatchObject({ code: 'engine-stopped' });
  });

  it('takes the secret from the start request when the file holds none (the desktop keeps it in safeStorage)', async () => {
    const configFile = writeConfig(t.world, {}, false);
    const client = await started(configFile, { password: t.world.sandbox.credentials.user.password });
    writeFileSync(join(t.world.inbox, 'ecg.xml'), '<ecg/>');
    await until('the file to be uploaded', async () => (await rowFor(client, 'ecg.xml'))?.state === 'done', 30_000);
    await client.stop();
  });

  it('refuses a malformed payload and an unknown command by code, and goes on', async () => {
    const client = await started(writeConfig(t.world));
    await expect(client.call('pause', { fileId: -1 })).rejects.toMatchObject({ code: 'bad-payload' });
    await expect(client.call('nope' as 'pause', null)).rejects.toMatchObject({ code: 'bad-payload' });
    await expect(client.cancel({ fileId: 999 })).rejects.toMatchObject({ code: 'stale' });
    expect((await client.snapshot()).matching).toBe(0);
    await client.stop();
  });

  it('says why it failed to start: bad config, locked data folder, newer database, damaged database', async () => {
    const bad = join(t.world.root, 'bad.json');
    writeFileSync(bad, JSON.stringify({ dataDir: 'x', colour: 'blue' }));
    await expect(started(bad)).rejects.toMatchObject({ reason: 'bad-config', message: expect.stringContaining('colour') });

    const configFile = writeConfig(t.world);
    const first = await started(configFile);
    const second = started(configFile);
    await expect(second).rejects.toBeInstanceOf(EngineStartError);
    await expect(second).rejects.toMatchObject({ reason: 'locked-data-folder' });
    await first.stop();

    const db = new Database(join(t.world.root, 'data', 'queue.db'));
    db.pragma('user_version = 999');
    db.close();
    await expect(started(configFile)).rejects.toMatchObject({ reason: 'newer-database' });

    // A bad sector in the queue: refused by name, with the repair to run.
    const fd = openSync(join(t.world.root, 'data', 'queue.db'), 'r+');
    writeSync(fd, Buffer.alloc(4096, 0xa5), 0, 4096, 4096);
    closeSync(fd);
    await expect(started(configFile)).rejects.toMatchObject({
      reason: 'damaged-database',
      message: expect.stringContaining('device-uploader repair'),
    });
  });

  it('answers calls in flight with engine-stopped when the process dies, and reports the exit as unexpected', async () => {
    const forked = forkEngine({ env: {} });
    const client = new EngineClient(forked);
    await client.start({ configFile: writeConfig(t.world) });
    const exited = new Promise<EngineLifecycle>((r) => client.onLifecycle((e) => e.state === 'exited' && r(e)));
    forked.kill();
    expect(await exited).toMatchObject({ state: 'exited', expected: false });
    await expect(client.snapshot()).rejects.toBeInstanceOf(ApiError);
  });
});
