// Issue 10 §1: `run --once` never hangs and never ends in silence. A refused
// login ends it with one line and a non-zero code; folders it could not scan
// (missing, a file, names that are not UTF-8) are named by folder id and
// count; a file stamped in the future (device clock ahead) is still uploaded.
// Real CLI process, real sandbox on 127.0.0.1 (disk store), real folders.
import { mkdirSync, symlinkSync, utimesSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { runCli } from '../support/cli-process.ts';
import { createEngine } from '../../app/engine/create-engine.ts';
import { createWorld, type World } from '../support/engine-harness.ts';
import { PAUSE_FILE } from '../../app/engine/timed-pause.ts';

const cli = (args: string[], timeoutMs = 45_000) => runCli(args, { timeoutMs });

let world: World;
beforeEach(async () => {
  world = await createWorld(undefined);
});
afterEach(async () => {
  await world.dispose();
});

function configFile(overrides: { password?: string; folders?: unknown[] } = {}): string {
  const file = join(world.root, 'config.json');
  writeFileSync(
    file,
    JSON.stringify({
      dataDir: join(world.root, 'data'),
      server: {
        baseUrl: world.sandbox.url,
        auth: {
          type: 'user',
          username: world.sandbox.credentials.user.username,
          password: overrides.password ?? world.sandbox.credentials.user.password,
        },
      },
      // quietSeconds 0: files written just before the run are settled for it (the quiet period is not under test).
      folders: overrides.folders ?? [{ id: 'inbox', path: world.inbox, quietSeconds: 0 }],
    }),
  );
  return file;
}

describe('run --once with a refused login', () => {
  it('exits non-zero with one clear line instead of waiting for ever', async () => {
    writeFileSync(join(world.inbox, 'a.dat'), 'x'.repeat(1000));
    writeFileSync(join(world.inbox, 'b.dat'), 'y'.repeat(1000));
    const result = await cli(['run', '--config', configFile({ password: 'wrong' }), '--once']);
    expect(result.code).toBe(1);
    const lines = result.stderr.trim().split('\n');
    expect(lines).toHaveLength(1);
    expect(lines[0]).toMatch(/^device-uploader run: uploads held: BioT refused the login \(LOGIN_FAILED\)/);
    expect(result.stderr + result.stdout).not.toMatch(/wrong|a\.dat|b\.dat/);
    // Nothing lost: both are still queued for the next run, with its login fixed.
    const status = await cli(['status', '--config', configFile(), '--json']);
    expect(JSON.parse(status.stdout).counts).toMatchObject({ queued: 2 });
  }, 60_000);

  it('ends the same way on a 401 from the login', async () => {
    writeFileSync(join(world.inbox, 'c.dat'), 'c'.repeat(1000));
    // A 401 without BioT's body (a proxy in front of it, or a gateway's refusal).
    world.sandbox.faults.add({ op: 'ums.login', status: 401, code: 'HTTP_ERROR', times: Infinity });
    const result = await cli(['run', '--config', configFile(), '--once']);
    // At most the plain progress lines (ids and states; how many depends on how long the sign-in took), never a summary;
    // and the login banner, whatever the refusal's code (issue 16).
    expect(result.stdout).toMatch(/^(\S+ file \d+ [a-z-]+\n|connection credentials-refused: [^\n]*\n)*$/);
    expect(result.stdout).toMatch(/^connection credentials-refused: BioT refused the login/m);
    expect(result.code).toBe(1);
    expect(result.stderr.trim().split('\n')).toEqual([expect.stringMatching(/^device-uploader run: uploads held: BioT refused the login \(/)]);
  }, 60_000);
});

describe('run --once during a timed pause', () => {
  it('says until when uploads are paused and exits non-zero at once, instead of waiting for the pause to end', async () => {
    writeFileSync(join(world.inbox, 'p.dat'), 'p'.repeat(1000));
    mkdirSync(join(world.root, 'data'), { recursive: true });
    // "Pause until tomorrow" pressed in the window before the scheduled run.
    writeFileSync(join(world.root, 'data', PAUSE_FILE), JSON.stringify({ until: Date.now() + 3_600_000 }));
    const result = await cli(['run', '--config', configFile(), '--once'], 20_000);
    expect(result.code).toBe(1);
    expect(result.stderr.trim().split('\n')).toEqual([
      expect.stringMatching(/^device-uploader run: uploads paused until .+; the next run after that sends them$/),
    ]);
    expect(world.sandbox.calls('file.createSingle')).toBe(0);
    const status = await cli(['status', '--config', configFile(), '--json']);
    expect(JSON.parse(status.stdout).counts).toMatchObject({ queued: 1 });
  }, 60_000);
});

describe('run --once and what it could not scan', () => {
  it('names, by folder id and count, a missing folder, a file given as folder, and names that are not UTF-8; exits non-zero', async () => {
    writeFileSync(join(world.inbox, 'good.dat'), 'g'.repeat(1000));
    // An old device's Latin-1 name: not valid UTF-8 on Linux.
    writeFileSync(
      Buffer.concat([Buffer.from(`${world.inbox}/`), Buffer.from([0x4d, 0xfc, 0x6c, 0x6c, 0x65, 0x72]), Buffer.from('.dat')]),
      'n'.repeat(500),
    );
    const aFile = join(world.root, 'a-file');
    writeFileSync(aFile, 'not a folder');
    const result = await cli([
      'run',
      '--config',
      configFile({
        folders: [
          { id: 'inbox', path: world.inbox, quietSeconds: 0 },
          { id: 'gone', path: join(world.root, 'no-such-folder') },
          { id: 'filed', path: aFile },
        ],
      }),
      '--once',
    ]);
    expect(result.code).toBe(1);
    expect(result.stdout).toMatch(/^done 1, duplicates 0, not done 0$/m);
    expect(result.stdout).toMatch(/^not scanned: folder inbox: 1 file or folder name\(s\) are not valid UTF-8/m);
    expect(result.stdout).toMatch(/^not scanned: folder gone: the watched folder does not exist/m);
    expect(result.stdout).toMatch(/^not scanned: folder filed: the watched path is a file, not a folder/m);
    expect(result.stdout + result.stderr).not.toMatch(/M.ller|no-such-folder|a-file/);
  }, 60_000);

  it('uploads a file whose mtime is in the future (device clock ahead) once it held still', async () => {
    const path = join(world.inbox, 'ahead.dat');
    writeFileSync(path, 'a'.repeat(2000));
    const tomorrow = new Date(Date.now() + 24 * 3600_000);
    utimesSync(path, tomorrow, tomorrow);
    const result = await cli(['run', '--config', configFile({ folders: [{ id: 'inbox', path: world.inbox, quietSeconds: 0.5 }] }), '--once']);
    expect(result.stdout).toMatch(/^done 1, duplicates 0, not done 0$/m);
    expect(result.code).toBe(0);
  }, 60_000);
});

describe('run --once over a folder it cannot read', () => {
  it('says so, with the errno, instead of reporting nothing to do', async () => {
    // A symlink loop: the folder cannot be opened, for root as for anyone.
    const loop = join(world.root, 'loop');
    symlinkSync(loop, loop);
    const result = await cli(['run', '--config', configFile({ folders: [{ id: 'looped', path: loop }] }), '--once']);
    expect(result.code).toBe(1);
    expect(result.stdout).toMatch(/^not scanned: folder looped: the watched folder cannot be read \(ELOOP\)$/m);
  }, 60_000);

  // root reads every folder whatever its mode, so EACCES cannot happen for it.
  it.skipIf(process.getuid?.() === 0)(
    'says so instead of reporting nothing to do (skipped as root: root is never refused)',
    async () => {
      const locked = join(world.root, 'locked');
      mkdirSync(locked, { mode: 0o000 });
      const result = await cli(['run', '--config', configFile({ folders: [{ id: 'locked', path: locked }] }), '--once']);
      expect(result.code).toBe(1);
      expect(result.stdout).toMatch(/folder locked: the watched folder cannot be read \(EACCES\)/);
    },
    60_000,
  );
});

describe('watch mode', () => {
  it('reports names that are not UTF-8 in the log, by folder id and count', async () => {
    writeFileSync(Buffer.concat([Buffer.from(`${world.inbox}/`), Buffer.from([0x4d, 0xfc, 0x6c, 0x6c, 0x65, 0x72]), Buffer.from('.dat')]), 'n');
    const events: Record<string, unknown>[] = [];
    const engine = createEngine(world.config(), { logger: { log: (_l, event, facts = {}) => void events.push({ event, ...facts }) } });
    try {
      engine.start();
      await engine.whenWatching();
      expect(events.find((e) => e.event === 'folder-scan-problem')).toEqual({
        event: 'folder-scan-problem',
        folderId: 'inbox',
        kind: 'names-not-utf8',
        count: 1,
      });
    } finally {
      await engine.close();
    }
  });
});
