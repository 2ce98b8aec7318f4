// The shell's composition on fakes of Electron's objects (the real binary is
// not available here): single instance, a login start stays in the tray, the
// tray follows the engine, Settings keeps secrets out of the engine's file,
// and Quit stops the engine before the app ends. The engine client is a fake;
// the real engine process is covered by test/integration/engine-host.test.ts.
import { EventEmitter } from 'node:events';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, expect, it } from 'vitest';
import type { EngineEvent, FileState, SettingsInput, Snapshot } from '../../app/api.ts';
import { API_FILE_STATES } from '../../app/api-schemas.ts';
import type { EngineClient } from '../../app/host/engine-client.ts';
import { CALL_CHANNELS, type IpcAnswer } from '../../main/channels.ts';
import type { InvokeEventLike } from '../../main/ipc.ts';
import { HIDDEN_FLAG } from '../../main/login-item.ts';
import { SecretVault } from '../../main/secrets.ts';
import { runShell, type ShellPorts, type ShellWindow } from '../../main/shell.ts';
import type { MenuItemSpec } from '../../main/tray-menu.ts';
import { until } from '../support/watch-helpers.ts';

let home: string;
beforeEach(() => (home = mkdtempSync(join(tmpdir(), 'du-shell-'))));
afterEach(() => rmSync(home, { recursive: true, force: true }));

const counts = (over: Partial<Record<FileState, number>> = {}) =>
  ({ ...Object.fromEntries(API_FILE_STATES.map((s) => [s, 0])), ...over }) as Record<FileState, number>;

function fakeEngine(configFile?: string) {
  const listeners = new Set<(e: EngineEvent) => void>();
  const state = {
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
    onLifecycle: () => () => {},
    start: async (request: unknown) => void (state.started++, state.startedWith.push(request)),
    stop: async () => void state.stopped++,
    onEvent: (l: (e: EngineEvent) => void) => (listeners.add(l), () => listeners.delete(l)),
    onResolveProxy: (r: (url: string) => Promise<string>) => void (state.resolveProxy = r),
    networkChanged: () => void state.networkChanges++,
    snapshot: async () =>
      ({
        at: 0,
        totals: { counts: state.counts, doneToday: 0, speed: 0, bytesRemaining: 0, etaSeconds: null },
        connection: { state: 'ok', advice: null, since: 0 },
        folders: [],
        logs: { state: 'ok', code: null, since: 0, dropped: 0 },
        rows: [],
        matching: 0,
      }) as Snapshot,
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
  return { client: client as unknown as EngineClient, state, emit: (e: EngineEvent) => listeners.forEach((l) => l(e)) };
}

function ports(argv: string[], options: { locked?: boolean; configFile?: string } = {}) {
  const engine = fakeEngine(options.configFile);
  const app = Object.assign(new EventEmitter(), { quits: 0, requestSingleInstanceLock: () => !options.locked, quit: () => void app.quits++ });
  const tray = {
    images: [] as string[],
    menu: [] as MenuItemSpec[],
    setImage: (i: string) => tray.images.push(i),
    setToolTip: () => {},
    setContextMenu: (m: MenuItemSpec[]) => (tray.menu = m),
    on: () => {},
  };
  const windows: (ShellWindow & { shown: number; loaded: string[] })[] = [];
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
  const p: ShellPorts = {
    argv,
    env: {},
    platform: 'darwin',
    app,
    protocolHandle: () => {},
    createTray: () => tray,
    createWindow: () => {
      const w = Object.assign(new EventEmitter(), {
        shown: 0,
        loaded: [] as string[],
        webContents: Object.assign(new EventEmitter(), { id: 1, mainFrame, send: () => {}, setWindowOpenHandler: () => {} }),
        show: () => void w.shown++,
        focus: () => {},
        hide: () => {},
        isDestroyed: () => false,
        loadURL: async (u: string) => void w.loaded.push(u),
      });
      windows.push(w as unknown as ShellWindow & { shown: number; loaded: string[] });
      return w as unknown as ShellWindow;
    },
    session: {
      setPermissionRequestHandler: () => {},
      setPermissionCheckHandler: () => {},
      resolveProxy: async (url: string) => (url.includes('api.') ? 'PROXY ward-proxy:3128' : 'DIRECT'),
    },
    isOnline: () => true,
    ipcMain: { handle: (c, l) => void handlers.set(c, l), removeHandler: () => {} },
    vault,
    notify: () => ({ close: () => {} }),
    powerMonitor: Object.assign(new EventEmitter(), {}),
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
    log: () => {},
  };
  const invoke = (method: keyof typeof CALL_CHANNELS, arg?: unknown) =>
    handlers.get(CALL_CHANNELS[method])!({ sender: { id: 1 }, senderFrame: mainFrame }, ...(arg === undefined ? [] : [arg]));
  return { p, engine, app, tray, windows, invoke, vault };
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
  const { p, engine, invoke, vault } = ports(['app', '--config', configFile], { configFile });
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
  const { p, engine, app } = ports(['app', HIDDEN_FLAG]);
  runShell(p);
  await until('the engine to start', () => engine.state.started === 1);
  let prevented = false;
  app.emit('before-quit', { preventDefault: () => (prevented = true) });
  expect(prevented).toBe(true);
  await until('the engine to stop and the app to quit', () => engine.state.stopped === 1 && app.quits === 1);
  let again = false;
  app.emit('before-quit', { preventDefault: () => (again = true) });
  expect(again).toBe(false);
});

it("network.proxy system: the engine's questions are answered by the session, per URL, and waking up asks again", async () => {
  const { p, engine } = ports(['app']);
  runShell(p);
  await until('the engine is up', () => engine.state.resolveProxy !== undefined);
  expect(engine.state.startedWith[0]).toMatchObject({ systemProxy: true });
  expect(await engine.state.resolveProxy!('https://api.clinic.example/')).toBe('PROXY ward-proxy:3128');
  expect(await engine.state.resolveProxy!('https://bucket.s3.example/')).toBe('DIRECT');
  (p.powerMonitor as unknown as EventEmitter).emit('resume');
  expect(engine.state.networkChanges).toBe(1);
});
