// Issue 9, "two engines on one data folder": a second `run`, `serve` or
// `start` on a folder an engine holds exits non-zero with one line naming the
// folder, and changes nothing (no recovery, no re-queue, no BioT call); a
// second demo `start` says where the running one's window is instead. The
// OS drops the lock with the process, so after kill -9 the next start works.
import { spawn, type ChildProcess } from 'node:child_process';
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, beforeEach, expect, it } from 'vitest';
import { DataFolderInUse, lockDataFolder } from '../../app/engine/data-lock.ts';
import { createEngine } from '../../app/engine/create-engine.ts';
import { DATABASE_FILE, openStore } from '../../app/store/index.ts';
import { createWorld, writeRandomFile, type World } from '../support/engine-harness.ts';
import { describeWithS3 } from '../support/s3.ts';
import { until } from '../support/watch-helpers.ts';
import { scanFolders, whenSettled } from '../../app/cli/once-scan.ts';

const MiB = 1024 * 1024;
const bin = join(import.meta.dirname, '..', '..', 'bin', 'device-uploader.js');

interface Exit {
  code: number | null;
  signal: NodeJS.Signals | null;
  out: string;
  err: string;
}

function launch(args: string[], home: string): { child: ChildProcess; exited: Promise<Exit> & { out(): string } } {
  const child = spawn(process.execPath, [bin, ...args], { stdio: ['ignore', 'pipe', 'pipe'], env: { ...process.env, DEVICE_UPLOADER_HOME: home } });
  let out = '';
  let err = '';
  child.stdout!.on('data', (d: Buffer) => (out += d));
  child.stderr!.on('data', (d: Buffer) => (err += d));
  const exited = Object.assign(new Promise<Exit>((resolve) => child.on('exit', (code, signal) => resolve({ code, signal, out, err }))), {
    out: () => out,
  });
  return { child, exited };
}

describeWithS3('one engine per data folder', (target) => {
  let world: World;
  let configFile: string;
  let holder: ChildProcess | undefined;

  beforeEach(async () => {
    world = await createWorld(target, { proxyStorage: true });
    // 2 MiB/s: the holder is mid-upload for ~10 s, with an open BioT upload a second engine would re-queue.
    const config = world.config({ transfer: { maxBytesPerSecond: 2 * MiB } });
    configFile = join(world.root, 'config.json');
    writeFileSync(configFile, JSON.stringify(config));
  });
  afterEach(async () => {
    if (holder && holder.exitCode === null && holder.signalCode === null) holder.kill('SIGKILL');
    holder = undefined;
    await world.dispose();
  });

  const home = (): string => join(world.root, 'home');

  /** Audit events of every row, read from the database file (WAL: a reader beside the holder). */
  function auditEvents(): string[] {
    const store = openStore(join(world.root, 'data', DATABASE_FILE));
    try {
      return store.listFiles().files.flatMap((f) => store.auditFor(f.id).map((a) => `${f.id}:${a.event}`));
    } finally {
      store.close();
    }
  }

  it('refuses a second run, serve and start while one runs, changing nothing; starts again after kill -9 of the holder', async () => {
    writeRandomFile(join(world.inbox, 'night.edf'), 20 * MiB);
    const first = launch(['run', '--config', configFile], home());
    holder = first.child;
    await until('the holder to be sending parts', () => world.sandbox.calls('storage.putPart') >= 1, 30_000);
    const before = auditEvents();
    const creates = world.sandbox.calls('file.createMultipart');

    for (const args of [
      ['run', '--config', configFile, '--once'],
      ['serve', '--config', configFile, '--ui-port', '0'],
      ['start', '--config', configFile, '--ui-port', '0'],
    ]) {
      const second = await launch(args, home()).exited;
      expect(second.code, `${args[0]}: ${second.out}${second.err}`).not.toBe(0);
      expect(second.signal).toBeNull();
      const lines = second.err.trim().split('\n');
      expect(lines, args[0]).toHaveLength(1);
      expect(lines[0]).toContain(join(world.root, 'data'));
      expect(lines[0]).toMatch(/already running/);
      expect(second.out).toBe('');
    }
    // Nothing recovered, re-queued or created by the refused instances.
    const after = auditEvents();
    expect(after.filter((e) => e.endsWith(':recovered'))).toEqual([]);
    expect(after.slice(0, before.length)).toEqual(before);
    expect(world.sandbox.calls('file.createMultipart')).toBe(creates);
    expect(first.child.exitCode).toBeNull(); // the holder runs on

    first.child.kill('SIGKILL');
    expect((await first.exited).signal).toBe('SIGKILL');
    holder = undefined;
    const next = await launch(['run', '--config', configFile, '--once'], home()).exited;
    expect(next.code, next.out + next.err).toBe(0);
    expect(next.out).toMatch(/done 1, duplicates 0, not done 0/);
    expect(auditEvents().filter((e) => e.endsWith(':recovered'))).toHaveLength(1);
  }, 120_000);

  it('in one process, a second Engine on the folder is refused and the first keeps working', async () => {
    const config = world.config();
    const engine = createEngine(config);
    try {
      expect(() => createEngine(config)).toThrow(DataFolderInUse);
      expect(() => lockDataFolder(config.dataDir)).toThrow(/already running on the data folder/);
      writeRandomFile(join(world.inbox, 'a.dat'), 100_000);
      engine.start({ watch: false });
      await scanFolders(engine);
      await whenSettled(engine, { maxAttempts: 1 });
      expect(engine.store.countByState().done).toBe(1);
    } finally {
      await engine.close();
    }
    // Released on close: the folder can be taken again.
    lockDataFolder(config.dataDir).release();
  }, 60_000);

  it("a second demo `start` stops before starting a sandbox or rewriting the first one's config", async () => {
    const inbox = join(world.root, 'demo-inbox');
    const first = launch(['start', '--inbox', inbox, '--ui-port', '0'], home());
    holder = first.child;
    await until('the demo to be up', () => first.exited.out().includes('Queue window:'), 30_000);
    const configBefore = readFileSync(join(home(), 'config.json'), 'utf8');
    const address = /Queue window: (\S+)/.exec(first.exited.out())![1]!;
    const second = await launch(['start', '--inbox', inbox, '--ui-port', '0'], home()).exited;
    // What a second `start` is run for is the window: it says where the running one's is (issue 18), and that is not a failure.
    expect(second.code, second.out + second.err).toBe(0);
    expect(second.err).toBe('');
    expect(second.out.trim().split('\n')).toEqual([expect.stringContaining(join(home(), 'data')), `Its queue window: ${address}`]);
    expect(readFileSync(join(home(), 'config.json'), 'utf8')).toBe(configBefore);
    first.child.kill('SIGTERM');
    expect((await first.exited).code).toBe(143);
    holder = undefined;
  }, 60_000);
});
