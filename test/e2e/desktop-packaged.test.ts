// The packaged app on the real Electron binary: what the stand-in binary of
// test/integration/packaging.test.ts cannot show. The fuses really hold (the
// app neither turns into Node nor opens an inspector), the app starts from
// app.asar, its engine loads better-sqlite3 from app.asar.unpacked, and it asks
// the update server built into app-update.yml at start.
// Skips (with the reason in its title) where the Electron binary is absent or
// no X display can be had; Playwright's _electron cannot drive this build,
// because it attaches through --inspect, which the fuse turns off.
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { once } from 'node:events';
import { existsSync, mkdtempSync, readdirSync, rmSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { electronDistOrReason, packApp, type PackedApp } from '../support/pack-app.ts';
import { until } from '../support/watch-helpers.ts';

const dist = electronDistOrReason();
const hasXvfbRun = spawnSync('sh', ['-c', 'command -v xvfb-run'], { stdio: 'ignore' }).status === 0;
const skipReason =
  process.platform !== 'linux'
    ? 'packs the Linux layout'
    : 'reason' in dist
      ? dist.reason
      : !process.env.DISPLAY && !hasXvfbRun
        ? 'needs an X display (DISPLAY or xvfb-run) for the app window'
        : undefined;

let work: string;
let packed: PackedApp;
let server: Server;
let updateRequests: string[];
const running: ChildProcess[] = [];

/** Starts the packaged app with its data folder in `home`; collects its output. */
function startApp(home: string, options: { args?: string[]; env?: NodeJS.ProcessEnv } = {}) {
  const args = [...(options.args ?? [])];
  const command = process.env.DISPLAY ? packed.binary : 'xvfb-run';
  const argv = process.env.DISPLAY ? args : ['-a', packed.binary, ...args];
  const child = spawn(command, argv, {
    env: { ...process.env, DEVICE_UPLOADER_HOME: home, ...options.env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  running.push(child);
  const output = { stdout: '', stderr: '' };
  child.stdout!.on('data', (d: Buffer) => (output.stdout += d.toString('utf8')));
  child.stderr!.on('data', (d: Buffer) => (output.stderr += d.toString('utf8')));
  return { child, output };
}

/** Whether a queue.db exists anywhere under `dir` (the engine has opened SQLite). */
function hasQueueDb(dir: string): boolean {
  return existsSync(dir) && readdirSync(dir, { recursive: true, encoding: 'utf8' }).some((name) => name.endsWith('queue.db'));
}

describe.skipIf(skipReason !== undefined)(`packaged desktop app on the real Electron binary${skipReason ? ` [skipped: ${skipReason}]` : ''}`, () => {
  beforeAll(async () => {
    work = mkdtempSync(join(tmpdir(), 'du-desktop-'));
    updateRequests = [];
    server = createServer((req, res) => {
      updateRequests.push(req.url ?? '');
      res.writeHead(404).end();
    });
    server.listen(0, '127.0.0.1');
    await once(server, 'listening');
    const updateUrl = `http://127.0.0.1:${(server.address() as AddressInfo).port}/updates`;
    packed = await packApp({ electronDist: (dist as { dir: string }).dir, outputDir: join(work, 'dist'), updateUrl });
  }, 180_000);

  afterEach(async () => {
    for (const child of running.splice(0)) {
      if (child.exitCode === null) {
        child.kill('SIGTERM');
        await once(child, 'exit');
      }
    }
  });

  afterAll(async () => {
    server?.closeAllConnections();
    await new Promise((r) => server?.close(r));
    if (work) rmSync(work, { recursive: true, force: true });
  });

  it('starts from app.asar, and its engine opens the queue with better-sqlite3 from app.asar.unpacked', async () => {
    const home = join(work, 'home-start');
    startApp(home);
    await until('the engine to create queue.db', () => hasQueueDb(home), 60_000);
  });

  it('stays the app under ELECTRON_RUN_AS_NODE=1 (RunAsNode fuse off)', async () => {
    const home = join(work, 'home-run-as-node');
    const { output } = startApp(home, { args: ['-e', 'process.stdout.write("ran-as-node")'], env: { ELECTRON_RUN_AS_NODE: '1' } });
    await until('the app (not Node) to create queue.db', () => hasQueueDb(home), 60_000);
    expect(output.stdout).not.toContain('ran-as-node');
  });

  it('opens no inspector for --inspect or NODE_OPTIONS (inspect and NODE_OPTIONS fuses off)', async () => {
    const home = join(work, 'home-inspect');
    const { output } = startApp(home, { args: ['--inspect=0'], env: { NODE_OPTIONS: '--inspect=0' } });
    await until('the app to create queue.db', () => hasQueueDb(home), 60_000);
    expect(output.stderr).not.toMatch(/Debugger listening/);
  });

  it('asks the update server built into app-update.yml at start', async () => {
    const home = join(work, 'home-updates');
    // electron-updater's Linux updater only runs inside an AppImage; $APPIMAGE says it is one.
    startApp(home, { env: { APPIMAGE: packed.binary } });
    await until('a request for latest-linux.yml', () => updateRequests.some((u) => u.endsWith('/updates/latest-linux.yml')), 60_000);
  });
});
