// The built main entry, run as Electron runs it: bundled by scripts/build-main.ts
// (what `npm run build:main` does), then started under Node with an Electron
// stand-in (test/support/electron-fake.ts) whose `ready` comes only once the
// entry has finished evaluating, as Electron's does. An entry that awaits
// `ready` at its top level hangs there, and the run says so. Past that: what
// must precede ready did, the engine runs for real in its "utility process"
// (a Node child, the demo), the tray shows its state, the window is guarded
// and served by the app's protocol, the main process's lines reach its own
// log file (none on stdout: an installed app has no console), and the tray's
// Quit stops the engine and ends the app. The logic behind each is tested on
// plain modules (test/unit/main-*.test.ts); this is the wiring.
import { fork, type ChildProcess } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, symlinkSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { buildMain } from '../../scripts/build-main.ts';
import { until } from '../support/wait.ts';

const repo = resolve(import.meta.dirname, '..', '..');
const RUNNER = fileURLToPath(new URL('../support/electron-run.ts', import.meta.url));

interface Call {
  kind: 'call';
  what: string;
  detail: unknown;
  ready: boolean;
}

let work: string;
let runner: ChildProcess | undefined;
const calls: Call[] = [];
let evaluation: { kind: 'evaluated' } | { kind: 'hung'; message: string } | undefined;
let stdout = '';
let exit: { code: number | null } | undefined;

beforeAll(async () => {
  work = mkdtempSync(join(tmpdir(), 'du-emain-'));
  const outDir = await buildMain({ outDir: join(work, 'out') });
  // The bundles' externals (better-sqlite3) resolve from beside them, as they do from the app's asar.
  symlinkSync(join(repo, 'node_modules'), join(work, 'node_modules'), 'dir');
  mkdirSync(join(work, 'user'));
  const { NODE_OPTIONS: _ignored, ...env } = process.env;
  runner = fork(RUNNER, [join(outDir, 'main', 'electron-main.js')], {
    env: {
      ...env,
      DEVICE_UPLOADER_HOME: join(work, 'home'),
      HOME: join(work, 'user'), // the demo's inbox goes in the home folder
      DU_FAKE_PACKAGED: '1',
      DU_FAKE_APP_PATH: repo, // renderer/dist, built by the test run's global setup
    },
    stdio: ['ignore', 'pipe', 'inherit', 'ipc'],
    serialization: 'advanced',
  });
  runner.stdout!.on('data', (chunk: Buffer) => (stdout += chunk.toString()));
  runner.on('message', (m: Call | NonNullable<typeof evaluation>) => {
    if (m.kind === 'call') calls.push(m);
    else evaluation = m;
  });
  runner.once('exit', (code) => (exit = { code }));
  await until('the main entry to finish evaluating (or be reported hung)', () => evaluation !== undefined || exit !== undefined, 30_000);
}, 60_000);

afterAll(() => {
  // Its engine child goes with it (the IPC channel closes: the engine shuts down).
  if (runner && exit === undefined) runner.kill('SIGKILL');
  rmSync(work, { recursive: true, force: true });
});

const called = (what: string) => calls.filter((c) => c.what === what);
/** The main process's log files (<data folder>/logs/main.N.log, beside the engine's), oldest first. */
const mainLog = () => {
  const dir = join(work, 'home', 'logs');
  if (!existsSync(dir)) return '';
  const files = readdirSync(dir).filter((f) => /^main\.\d+\.log$/.test(f));
  return files.map((f) => readFileSync(join(dir, f), 'utf8')).join('');
};
const last = (what: string) => called(what).at(-1);
/** Each test first: an entry that never got to `ready` fails here, at once and saying why. */
const entryEvaluated = () => {
  if (evaluation?.kind === 'hung') throw new Error(evaluation.message);
  expect(evaluation, `the runner ended first (exit ${exit?.code})`).toEqual({ kind: 'evaluated' });
};

it('finishes evaluating before ready, and does before ready only what must precede it', () => {
  entryEvaluated();
  const ready = calls.findIndex((c) => c.what === 'ready');
  expect(ready).toBeGreaterThan(0);
  expect(calls.slice(0, ready).map((c) => c.what)).toEqual(['protocol.registerSchemesAsPrivileged', 'app.setPath', 'Menu.setApplicationMenu']);
  expect(called('protocol.registerSchemesAsPrivileged')[0]!.detail).toEqual([
    { scheme: 'app', privileges: { standard: true, secure: true, supportFetchAPI: false, corsEnabled: false } },
  ]);
  expect(called('app.setPath')[0]!.detail).toEqual(['userData', join(work, 'home', 'desktop')]);
  // The installed app (isPackaged) has no default menu on Linux and Windows.
  expect(called('Menu.setApplicationMenu')[0]!.detail).toBeNull();
});

it('starts the engine for real and the tray shows its state', async () => {
  entryEvaluated();
  await until(
    'the tray to show the running engine',
    () => last('tray.setContextMenu')?.detail !== undefined && !(last('tray.setContextMenu')!.detail as string[]).includes('Starting…'),
    {
      timeoutMs: 30_000,
      seen: () => last('tray.setContextMenu')?.detail,
    },
  );
  const [fork] = called('utilityProcess.fork');
  expect(fork!.ready).toBe(true);
  expect(fork!.detail).toMatchObject({
    modulePath: expect.stringMatching(/[\\/]out[\\/]host[\\/]engine-entry\.js$/),
    serviceName: 'Device Uploader engine',
  });
  expect(called('new Tray')[0]!.detail).toEqual({ exists: true });
  expect((last('tray.setContextMenu')!.detail as string[])[0]).toBe('All uploaded');
  expect(called('ipcMain.handle')).toHaveLength(9);
});

it('opens a sandboxed window that every guard covers, served by the app protocol', async () => {
  entryEvaluated();
  await until('the window to load', () => called('webContents.guarded').length > 0);
  const [window] = called('new BrowserWindow') as { detail: { webPreferences: Record<string, unknown>; preloadExists: boolean } }[];
  expect(window!.detail.webPreferences).toMatchObject({ contextIsolation: true, sandbox: true, nodeIntegration: false });
  expect(window!.detail.preloadExists).toBe(true);
  expect(last('webContents.loadURL')!.detail).toEqual({ url: 'app://uploader/index.html', status: 200, type: 'text/html; charset=utf-8' });
  expect(last('webContents.guarded')!.detail).toEqual({ windowOpen: { action: 'deny' }, navigationPrevented: true });
  expect(called('session.protocol.handle').map((c) => c.detail)).toEqual(['http', 'https', 'file']);
  expect(called('session.interceptFileProtocol').map((c) => c.detail)).toEqual(expect.arrayContaining(['ws', 'wss', 'data']));
  expect(called('session.setPermissionRequestHandler')).toHaveLength(1);
});

it("writes the main process's lines (the updater's outcome, refused web requests) to its own log file", async () => {
  entryEvaluated();
  await until('an update line in the main log', () => /"event":"update\.(inactive|none|failed)"/.test(mainLog()), {
    seen: () => mainLog().slice(-500),
  });
  expect(mainLog()).toContain('"what":"will-navigate","event":"web-refused"');
  expect(mainLog()).toContain('"event":"engine-up"');
});

it('Quit in the tray stops the engine and ends the app', async () => {
  entryEvaluated();
  runner!.send({ kind: 'click', id: 'quit' });
  await until('the app to end', () => exit !== undefined, 30_000);
  expect(exit).toEqual({ code: 0 });
  expect(last('engine.exit')?.detail).toEqual({ code: 0, signal: null });
  // The installed app has no console: every line is in the file, none on stdout.
  expect(mainLog()).toMatch(/"event":"update\./);
  expect(mainLog()).toContain('"event":"quit"');
  expect(stdout).not.toMatch(/"event":/);
});
