// The shell's composition on fakes of Electron's objects (the real binary is
// not available here): single instance, a login start stays in the tray, the
// tray follows the engine, Settings keeps secrets out of the engine's file,
// and Quit stops the engine before the app ends. The engine client is a fake;
// the real engine process is covered by test/integration/engine-host.test.ts.
import { EventEmitter } from 'node:events';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, expect, it, vi } from 'vitest';
import type { EngineEvent, FileState, SettingsInput, Snapshot } from '../../app/api.ts';
import { API_FILE_STATES } from '../../app/api-schemas.ts';
import { EngineStartError, type EngineClient, type EngineLifecycle } from '../../app/host/engine-client.ts';
import { CALL_CHANNELS, EVENT_CHANNEL, LINK_CHANNEL, type IpcAnswer } from '../../main/channels.ts';
import type { InvokeEventLike } from '../../main/ipc.ts';
import { HIDDEN_FLAG } from '../../main/login-item.ts';
import { SecretVault } from '../../main/secrets.ts';
import { runShell, type ShellPorts, type ShellWindow } from '../../main/shell.ts';
import type { MenuItemSpec } from '../../main/tray-menu.ts';
import { holdsFor } from '../support/wait.ts';
import { until } from '../support/watch-helpers.ts';

let home: string;
beforeEach(() => (home = mkdtempSync(join(tmpdir(), 'du-shell-'))));
afterEach(() => rmSync(home, { recursive: true, force: true }));

const counts = (over: Partial<Record<FileState, number>> = {}) =>
  ({ ...Object.fromEntries(API_FILE_STATES.map((s) => [s, 0])), ...over }) as Record<FileState, number>;

function fakeEngine(configFile?: string, failStart = false) {
  const listeners = new Set<(e: EngineEvent) => void>();
  // The supervisor's listener for this start (the fake is one client started again and again).
  let lifecycle: ((e: EngineLifecycle) => void) | undefined;
  const state = {
    failStart,
    snapshotFails: false,
    /** stop() ends when this settles (a test holds it to see what happens meanwhile). */
    stopping: Promise.resolve(),
    started: 0,
    stopped: 0,
    saved: [] as SettingsInput[],
    startedWith: [] as unknown[],
    counts: counts(),
    resolveProxy: undefined as ((url: string) => Promise<string>) | undefined,
    networkChanges: 0,
  };
  const client = {
    pid: 1,
    onLifecycle: (l: (e: EngineLifecycle) => void) => ((lifecycle = l), () => {}),
    start: async (request: unknown) => {
      state.started++;
      state.startedWith.push(request);
      if (state.failStart) throw new EngineStartError('other', 'the engine exited (code 70)');
    },
    stop: async () => {
      await state.stopping;
      state.stopped++;
    },
    onEvent: (l: (e: EngineEvent) => void) => (listeners.add(l), () => listeners.delete(l)),
    onResolveProxy: (r: (url: string) => Promise<string>) => void (state.resolveProxy = r),
    networkChanged: () => void state.networkChanges++,
    snapshot: async () => {
      if (state.snapshotFails) throw new Error('the engine is restarting');
      return {
        at: 0,
        totals: { counts: state.counts, doneToday: 0, speed: 0, bytesRemaining: 0, etaSeconds: null },
        connection: { state: 'ok', advice: null, since: 0 },
        folders: [],
        logs: { state: 'ok', code: null, since: 0, dropped: 0 },
        rows: [],
        matching: 0,
      } as Snapshot;
    },
    history: async () => ({ rows: [], matching: 0 }),
    settings: async () => ({ server: { baseUrl: 'https://b', auth: { type: 'user', username: 'u', hasSecret: true } }, folders: [], transfer: {} }),
    saveSettings: async (input: SettingsInput) => {
      state.saved.push(input);
      // As the real engine does: it writes back the secret it was started with.
      if (configFile)
        writeFileSync(
          configFile,
          JSON.stringify({ server: { baseUrl: input.server.baseUrl, auth: { ...input.server.auth, password: 'old-secret' } } }),
        );
      return { ok: true, restartNeeded: ['server'] };
    },
    call: async () => 1,
    pause: async () => 1,
    resume: async () => 1,
  };
  return {
    client: client as unknown as EngineClient,
    state,
    emit: (e: EngineEvent) => listeners.forEach((l) => l(e)),
    /** The engine process ends by itself (a crash). */
    die: () => lifecycle?.({ state: 'exited', code: 139, expected: false }),
  };
}

function ports(argv: string[], options: { locked?: boolean; configFile?: string; platform?: NodeJS.Platform; failStart?: boolean } = {}) {
  const engine = fakeEngine(options.configFile, options.failStart);
  const app = Object.assign(new EventEmitter(), { quits: 0, requestSingleInstanceLock: () => !options.locked, quit: () => void app.quits++ });
  const tray = {
    images: [] as string[],
    menu: [] as MenuItemSpec[],
    menus: [] as MenuItemSpec[][],
    setImage: (i: string) => tray.images.push(i),
    setToolTip: () => {},
    setContextMenu: (m: MenuItemSpec[]) => void tray.menus.push((tray.menu = m)),
    on: () => {},
  };
  const windows: (ShellWindow & { shown: number; loaded: string[]; sent: [string, unknown][] })[] = [];
  const handlers = new Map<string, (e: InvokeEventLike, ...a: unknown[]) => Promise<IpcAnswer>>();
  const mainFrame = { url: 'app://uploader/index.html' };
  const flip = (b: Buffer) => Buffer.from(b.map((x) => x ^ 1));
  const vault = new SecretVault(
    {
      isAsyncEncryptionAvailable: async () => true,
      encryptStringAsync: async (s) => flip(Buffer.from(s)),
      decryptStringAsync: async (b) => ({ result: flip(b).toString(), shouldReEncrypt: false }),
    },
    join(home, 'secrets.bin'),
    'darwin',
  );
  const notices: { kind: string; title: string; body: string }[] = [];
  const logged: [string, Record<string, string | number> | undefined][] = [];
  const powerMonitor = new EventEmitter();
  const sessionWindow = new EventEmitter();
  const p: ShellPorts = {
    argv,
    env: {},
    platform: options.platform ?? 'darwin',
    app,
    protocolHandle: () => {},
    createTray: () => tray,
    createWindow: () => {
      const contents = Object.assign(new EventEmitter(), { id: windows.length + 1, mainFrame, send: (c: string, d: unknown) => w.sent.push([c, d]) });
      const w = Object.assign(new EventEmitter(), {
        shown: 0,
        visible: false,
        destroyed: false,
        loaded: [] as string[],
        sent: [] as [string, unknown][],
        webContents: contents,
        show: () => void (w.shown++, (w.visible = true)),
        focus: () => {},
        hide: () => void (w.visible = false),
        isVisible: () => w.visible,
        isDestroyed: () => w.destroyed,
        destroy: () => void (w.destroyed = true),
        loadURL: async (u: string) => void w.loaded.push(u),
      });
      windows.push(w as unknown as (typeof windows)[number]);
      return w as unknown as ShellWindow;
    },
    session: {
      setPermissionRequestHandler: () => {},
      setPermissionCheckHandler: () => {},
      protocol: { handle: () => {}, interceptFileProtocol: () => true },
      resolveProxy: async (url: string) => (url.includes('api.') ? 'PROXY ward-proxy:3128' : 'DIRECT'),
    },
    isOnline: () => true,
    ipcMain: { handle: (c, l) => void handlers.set(c, l) },
    vault,
    notify: (n) => (notices.push(n), { close: () => {} }),
    powerMonitor,
    sessionWindow: () => sessionWindow,
    powerSaveBlocker: { start: () => 1, stop: () => {} },
    spawnEngine: () => engine.client,
    openPath: () => {},
    loginItem: {
      platform: 'darwin',
      execPath: '/x',
      autostartDir: home,
      setLoginItemSettings: () => {},
      getLoginItemSettings: () => ({ openAtLogin: false }),
    },
    dataHome: home,
    rendererDir: home,
    prefs: { get: () => false, set: () => {} },
    formatTime: String,
    log: (event, facts) => void logged.push([event, facts]),
  };
  const invoke = (method: keyof typeof CALL_CHANNELS, arg?: unknown) =>
    handlers.get(CALL_CHANNELS[method])!({ sender: { id: 1 }, senderFrame: mainFrame }, ...(arg === undefined ? [] : [arg]));
  return { p, engine, app, tray, windows, invoke, vault, notices, powerMonitor, sessionWindow, logged, mainFrame };
}

it('a second instance quits at once (the first shows its window)', () => {
  const { p, app, engine } = ports(['app'], { locked: true });
  expect(runShell(p)).toBeUndefined();
  expect(app.quits).toBe(1);
  expect(engine.state.started).toBe(0);
});

it("a person's start opens the window on app://; a login start stays in the tray until asked", async () => {
  const person = ports(['app']);
  runShell(person.p);
  expect(person.windows).toHaveLength(1);
  expect(person.windows[0]!.loaded).toEqual(['app://uploader/index.html']);

  const login = ports(['app', HIDDEN_FLAG]);
  runShell(login.p);
  expect(login.windows).toHaveLength(0);
  await until('the engine to start', () => login.engine.state.started === 1);
  login.app.emit('second-instance');
  expect(login.windows).toHaveLength(1);
  expect(login.windows[0]!.shown).toBe(1);
  expect(login.logged).toContainEqual(['second-instance', undefined]);
});

it('the tray follows the engine: attention when a file needs a person', async () => {
  const { p, engine, tray } = ports(['app', HIDDEN_FLAG]);
  runShell(p);
  await until('the engine to start', () => engine.state.started === 1);
  await until('the tray to be drawn', () => tray.images.includes('ok'), 5_000);
  engine.state.counts = counts({ 'needs-attention': 1 });
  engine.emit({ type: 'changed', at: 1, fileIds: [1], seq: 1 });
  await until('the attention icon', () => tray.images.at(-1) === 'attention', 5_000);
  expect(tray.menu.map((m) => m.id).filter(Boolean)).toContain('quit');
});

it('Settings: a new password goes to the vault, never to the engine, and the engine restarts to use it', async () => {
  const configFile = join(home, 'config.json');
  writeFileSync(configFile, JSON.stringify({ server: { baseUrl: 'https://api.clinic.example', auth: { type: 'user', username: 'u' } } }));
  const { p, engine, invoke, vault, logged } = ports(['app', '--config', configFile], { configFile });
  runShell(p);
  await until('the engine to start', () => engine.state.started === 1);
  const view = await invoke('settings');
  expect(view).toMatchObject({ ok: true, result: { secretStorage: 'os-protected' } });
  const input: SettingsInput = {
    server: { baseUrl: 'https://api.clinic.example', auth: { type: 'user', username: 'u', password: 'new-secret' } },
    folders: [],
    transfer: { partSizeMiB: 8, parallelParts: 4, parallelFiles: 2, maxBytesPerSecond: 0, stallSeconds: 60, requestTimeoutSeconds: 30 },
  };
  expect(await invoke('saveSettings', input)).toMatchObject({ ok: true });
  expect(JSON.stringify(engine.state.saved)).not.toContain('new-secret');
  expect(await vault.read()).toEqual({ password: 'new-secret' });
  expect(readFileSync(configFile, 'utf8')).not.toMatch(/secret/);
  await until('the engine to restart with the new secret', () => engine.state.started === 2);
  expect(engine.state.startedWith[1]).toMatchObject({ configFile, secrets: { password: 'new-secret' } });
  // Why the engine restarted is in the shell's log (the password is not).
  expect(logged.map(([event]) => event)).toEqual(expect.arrayContaining(['engine-up', 'engine-restart-asked']));
  expect(JSON.stringify(logged)).not.toContain('new-secret');
});

it('Settings: a proxy password goes to the vault beside the BioT secret, never to the engine', async () => {
  const configFile = join(home, 'config.json');
  writeFileSync(configFile, JSON.stringify({ server: { baseUrl: 'https://api.clinic.example', auth: { type: 'user', username: 'u' } } }));
  const { p, engine, invoke, vault } = ports(['app', '--config', configFile], { configFile });
  await vault.write({ password: 'biot-secret' });
  runShell(p);
  await until('the engine to start', () => engine.state.started === 1);
  const input: SettingsInput = {
    server: { baseUrl: 'https://api.clinic.example', auth: { type: 'user', username: 'u' } },
    folders: [],
    transfer: { partSizeMiB: 8, parallelParts: 4, parallelFiles: 2, maxBytesPerSecond: 0, stallSeconds: 60, requestTimeoutSeconds: 30 },
    network: { proxy: 'http://proxy.local:3128', noProxy: [], proxyUsername: 'svc', proxyPassword: 'ward-7', caFile: '' },
  };
  expect(await invoke('saveSettings', input)).toMatchObject({ ok: true });
  expect(JSON.stringify(engine.state.saved)).not.toContain('ward-7');
  expect(engine.state.saved[0]?.network).toEqual({ proxy: 'http://proxy.local:3128', noProxy: [], proxyUsername: 'svc', caFile: '' });
  expect(await vault.read()).toEqual({ password: 'biot-secret', proxyPassword: 'ward-7' });
  await until('the engine to restart with it', () => engine.state.started === 2);
  expect(engine.state.startedWith[1]).toMatchObject({ secrets: { password: 'biot-secret', proxyPassword: 'ward-7' } });
});

it('Quit stops the engine before the app ends; a quit from the OS is held until then', async () => {
  const { p, engine, app, logged } = ports(['app', HIDDEN_FLAG]);
  runShell(p);
  await until('the engine to start', () => engine.state.started === 1);
  let prevented = false;
  app.emit('before-quit', { preventDefault: () => (prevented = true) });
  expect(prevented).toBe(true);
  await until('the engine to stop and the app to quit', () => engine.state.stopped === 1 && app.quits === 1);
  let again = false;
  app.emit('before-quit', { preventDefault: () => (again = true) });
  expect(again).toBe(false);
  expect(logged.filter(([event]) => event === 'quit')).toHaveLength(1);
});

it('a stream of progress events that changes nothing the menu shows rebuilds it no more (an open menu stays open)', async () => {
  vi.useFakeTimers({ toFake: ['setTimeout', 'clearTimeout'] });
  try {
    const { p, engine, tray } = ports(['app', HIDDEN_FLAG]);
    engine.state.counts = counts({ uploading: 1, queued: 2 });
    const snapshots = vi.spyOn(engine.client, 'snapshot');
    runShell(p);
    await vi.advanceTimersByTimeAsync(1_000);
    expect(tray.menus.at(-1)![0]!.label).toBe('Uploading: 1 now, 2 waiting');
    const built = tray.menus.length;
    for (let i = 1; i <= 10; i++) {
      const totals = { counts: engine.state.counts, doneToday: 0, speed: 1e6 + i, bytesRemaining: 1e9 - i * 1e6, etaSeconds: 1_000 - i };
      engine.emit({ type: 'progress', at: i, totals, rows: [{ id: 1, state: 'uploading', bytesDone: i * 1e6, speed: 1e6, etaSeconds: 9 }], seq: i });
      await vi.advanceTimersByTimeAsync(1_000);
    }
    expect(snapshots.mock.calls.length).toBeGreaterThanOrEqual(10); // the tray was redrawn after every tick...
    expect(tray.menus.length).toBe(built); // ...and its menu left alone
    engine.state.counts = counts({ uploading: 0, queued: 0 });
    engine.emit({ type: 'changed', at: 11, fileIds: [1], seq: 11 });
    await vi.advanceTimersByTimeAsync(1_000);
    expect(tray.menus.at(-1)![0]!.label).toBe('All uploaded');
    expect(tray.menus.length).toBe(built + 1);
  } finally {
    vi.useRealTimers();
  }
});

it.each<[NodeJS.Platform, string]>([
  ['linux', 'shutdown'],
  ['win32', 'session-end'],
])('%s: the end of the session stops the engine and quits (no before-quit comes on Windows)', async (platform, event) => {
  const { p, engine, app, powerMonitor, sessionWindow } = ports(['app', HIDDEN_FLAG], { platform });
  runShell(p);
  await until('the engine to start', () => engine.state.started === 1);
  let waited = false;
  const e = { reasons: ['logoff'], preventDefault: () => (waited = true) };
  if (event === 'shutdown') powerMonitor.emit('shutdown', e);
  else sessionWindow.emit('session-end', e);
  await until('the engine to stop and the app to quit', () => engine.state.stopped === 1 && app.quits === 1);
  expect(waited).toBe(platform === 'linux');
});

it('a window whose page died is replaced by a new one, not left showing a dead page', async () => {
  const { p, app, windows, engine } = ports(['app']);
  runShell(p);
  await until('the engine to start', () => engine.state.started === 1);
  expect(windows).toHaveLength(1);
  app.emit('render-process-gone', {}, windows[0]!.webContents, { reason: 'crashed', exitCode: 133 });
  expect(windows[0]!.isDestroyed()).toBe(true);
  expect(windows).toHaveLength(2);
  expect(windows[1]!.shown).toBe(1);
  expect(windows[1]!.loaded).toEqual(['app://uploader/index.html']);
});

it('every webContents the app creates is locked down, and the session refuses the schemes it never needs', () => {
  const { p, app } = ports(['app', HIDDEN_FLAG]);
  const intercepted: string[] = [];
  p.session = {
    ...p.session,
    protocol: { handle: (scheme) => void intercepted.push(scheme), interceptFileProtocol: (scheme) => intercepted.push(scheme) > 0 },
  };
  runShell(p);
  let deny: unknown;
  app.emit('web-contents-created', {}, Object.assign(new EventEmitter(), { setWindowOpenHandler: (h: () => unknown) => (deny = h()) }));
  expect(deny).toEqual({ action: 'deny' });
  expect(intercepted).toEqual(expect.arrayContaining(['http', 'https', 'file']));
});

it('"cannot start" says how the engine ended last time', async () => {
  vi.useFakeTimers({ toFake: ['setTimeout', 'clearTimeout'] });
  try {
    const { p, app, engine, notices } = ports(['app', HIDDEN_FLAG], { failStart: true });
    runShell(p);
    await vi.advanceTimersByTimeAsync(0);
    app.emit('child-process-gone', {}, { type: 'Utility', name: 'Device Uploader engine', reason: 'oom', exitCode: -5 });
    await vi.advanceTimersByTimeAsync(10_000); // restarts after 1 and 2 s: the third failure tells
    expect(engine.state.started).toBeGreaterThanOrEqual(3);
    expect(notices.filter((n) => n.kind === 'engine-failing')).toEqual([
      expect.objectContaining({ title: 'Device Uploader cannot start', body: expect.stringMatching(/Last time it ran out of memory\.$/) }),
    ]);
  } finally {
    vi.useRealTimers();
  }
});

it("network.proxy system: the engine's questions are answered by the session, per URL, and waking up asks again", async () => {
  const { p, engine, powerMonitor } = ports(['app']);
  runShell(p);
  await until('the engine is up', () => engine.state.resolveProxy !== undefined);
  expect(engine.state.startedWith[0]).toMatchObject({ systemProxy: true });
  expect(await engine.state.resolveProxy!('https://api.clinic.example/')).toBe('PROXY ward-proxy:3128');
  expect(await engine.state.resolveProxy!('https://bucket.s3.example/')).toBe('DIRECT');
  powerMonitor.emit('resume');
  expect(engine.state.networkChanges).toBe(1);
});

it('the window hears at once that the engine stopped and that it is back; a page that loads hears where things stand', async () => {
  const { p, engine, windows, mainFrame } = ports(['app']);
  runShell(p);
  const window = windows[0]!;
  const links = () => window.sent.filter(([c]) => c === LINK_CHANNEL).map(([, d]) => d);
  await until('the window to hear that the engine is there', () => links().length > 0, 5_000);
  expect(links()).toEqual(['open']);
  engine.emit({ type: 'changed', at: 1, fileIds: [1], seq: 1 });
  expect(window.sent.filter(([c]) => c === EVENT_CHANNEL)).toHaveLength(1);

  engine.die();
  expect(links()).toEqual(['open', 'lost']); // at once: no "Connected" or speed outlives the engine
  (window.webContents as unknown as EventEmitter).emit('did-finish-load'); // the page reloaded meanwhile
  expect(links()).toEqual(['open', 'lost', 'lost']);
  await until('a new engine to be up', () => links().at(-1) === 'open', 5_000);
  expect(engine.state.started).toBe(2);

  // Only the window showing the app's own page hears anything.
  mainFrame.url = 'https://elsewhere.example/';
  engine.die();
  expect(links().at(-1)).toBe('open');
});

it('Windows: the query before the session ends is held until the engine has stopped; then the session may end', async () => {
  const { p, engine, app, sessionWindow } = ports(['app', HIDDEN_FLAG], { platform: 'win32' });
  runShell(p);
  await until('the engine to start', () => engine.state.started === 1);
  let stopNow!: () => void;
  engine.state.stopping = new Promise((resolve) => (stopNow = resolve));
  const query = () => {
    let held = false;
    sessionWindow.emit('query-session-end', { reasons: ['shutdown'], preventDefault: () => (held = true) });
    return held;
  };
  expect(query()).toBe(true); // the stop starts, and Windows is asked to wait
  expect(query()).toBe(true); // asked again while the engine stops: still held
  expect(app.quits).toBe(0);
  stopNow();
  await until('the engine to stop and the app to quit', () => engine.state.stopped === 1 && app.quits === 1);
  expect(query()).toBe(false);
  sessionWindow.emit('session-end', { reasons: ['shutdown'], preventDefault: () => {} }); // the last resort: nothing left to do
  expect(engine.state.stopped).toBe(1);
});

it('"cannot start" does not tell of an exit from before the engine last came up', async () => {
  vi.useFakeTimers({ toFake: ['setTimeout', 'clearTimeout'] });
  try {
    const { p, app, engine, notices } = ports(['app', HIDDEN_FLAG]);
    runShell(p);
    await vi.advanceTimersByTimeAsync(0);
    app.emit('child-process-gone', {}, { type: 'Utility', name: 'Device Uploader engine', reason: 'oom', exitCode: -5 });
    engine.die();
    await vi.advanceTimersByTimeAsync(1_000); // up again after 1 s
    expect(engine.state.started).toBe(2);
    engine.state.failStart = true;
    engine.die(); // a crash with no exit told, then a start that fails: the third failure in a row tells
    await vi.advanceTimersByTimeAsync(10_000);
    const told = notices.filter((n) => n.kind === 'engine-failing');
    expect(told).toHaveLength(1);
    expect(told[0]!.body).not.toMatch(/Last time/);
  } finally {
    vi.useRealTimers();
  }
});

it('a sleep while the engine cannot answer is logged, never an unhandled rejection', async () => {
  const { p, engine, powerMonitor, logged } = ports(['app', HIDDEN_FLAG]);
  runShell(p);
  await until('the engine to start', () => engine.state.started === 1);
  engine.state.snapshotFails = true;
  const unhandled: unknown[] = [];
  const note = (reason: unknown) => void unhandled.push(reason);
  process.on('unhandledRejection', note);
  try {
    powerMonitor.emit('suspend');
    await until('the failed suspend to be logged', () => logged.some(([event]) => event === 'suspend-failed'), 2_000);
    await holdsFor('no unhandled rejection', 100, () => unhandled.length === 0);
  } finally {
    process.off('unhandledRejection', note);
  }
});
