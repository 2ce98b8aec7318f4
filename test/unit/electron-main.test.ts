// The wiring file only: electron-main.ts hands Electron's real objects to the
// shell. Electron itself cannot run here (no binary), so `electron` is mocked
// for this file and nowhere else; the logic is tested on plain modules.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, expect, it, vi } from 'vitest';

const calls = vi.hoisted(() => ({ lock: true, log: [] as [string, unknown][] }));

vi.mock('electron', () => {
  const record =
    (name: string) =>
    (...args: unknown[]) =>
      void calls.log.push([name, args]);
  const emitter = () => ({ on: record('on') });
  class BrowserWindow {
    webContents = { id: 1, mainFrame: { url: '' }, on: () => {}, setWindowOpenHandler: () => {}, send: () => {} };
    constructor(options: unknown) {
      calls.log.push(['BrowserWindow', options]);
    }
    on() {}
    show() {}
    focus() {}
    hide() {}
    isDestroyed() {
      return false;
    }
    async loadURL(url: string) {
      calls.log.push(['loadURL', url]);
    }
  }
  class Tray {
    setImage() {}
    setToolTip() {}
    setContextMenu() {}
    on() {}
  }
  return {
    app: {
      getAppPath: () => '/app',
      getPath: () => join(tmpdir(), 'du-electron-main-userdata'),
      setPath: record('app.setPath'),
      whenReady: async () => {},
      requestSingleInstanceLock: () => calls.lock,
      quit: record('app.quit'),
      on: record('app.on'),
      setLoginItemSettings: () => {},
      getLoginItemSettings: () => ({ openAtLogin: false }),
    },
    BrowserWindow,
    Tray,
    Menu: { buildFromTemplate: (t: unknown) => t },
    nativeImage: { createFromPath: (p: string) => p },
    Notification: class {
      on() {}
      show() {}
      close() {}
    },
    powerMonitor: emitter(),
    powerSaveBlocker: { start: () => 1, stop: () => {} },
    protocol: { registerSchemesAsPrivileged: record('protocol.registerSchemesAsPrivileged'), handle: record('protocol.handle') },
    safeStorage: { isAsyncEncryptionAvailable: async () => false },
    session: {
      defaultSession: {
        setPermissionRequestHandler: record('setPermissionRequestHandler'),
        setPermissionCheckHandler: () => {},
        resolveProxy: async () => 'DIRECT',
      },
    },
    shell: { openPath: async () => '' },
    net: { isOnline: () => true },
    ipcMain: { handle: record('ipcMain.handle'), removeHandler: () => {} },
    utilityProcess: {
      fork: (...args: unknown[]) => {
        calls.log.push(['utilityProcess.fork', args]);
        return { pid: 9, postMessage: () => {}, on: () => {}, kill: () => true };
      },
    },
  };
});

// electron-updater loads the real `electron` through require(), which vi.mock does not reach.
vi.mock('../../main/updates-electron.ts', () => ({
  startAutoUpdates: (settings: unknown) => {
    calls.log.push(['startAutoUpdates', settings]);
    return { dispose: () => {} };
  },
}));

let home: string;
beforeEach(() => {
  home = mkdtempSync(join(tmpdir(), 'du-emain-'));
  vi.stubEnv('DEVICE_UPLOADER_HOME', home);
  vi.resetModules();
  calls.log = [];
});
afterEach(() => {
  vi.unstubAllEnvs();
  rmSync(home, { recursive: true, force: true });
});
const named = (name: string) => calls.log.filter(([n]) => n === name).map(([, a]) => a);

it('registers app:// as a standard secure scheme before ready, and a second instance only quits', async () => {
  calls.lock = false;
  await import('../../main/electron-main.ts');
  expect(named('protocol.registerSchemesAsPrivileged')).toEqual([
    [[{ scheme: 'app', privileges: { standard: true, secure: true, supportFetchAPI: false, corsEnabled: false } }]],
  ]);
  expect(named('app.quit')).toHaveLength(1);
  expect(named('utilityProcess.fork')).toEqual([]);
  expect(named('startAutoUpdates')).toEqual([]);
});

it('wires the engine in a utility process, the protocol, every IPC channel and a sandboxed window', async () => {
  calls.lock = true;
  await import('../../main/electron-main.ts');
  const [fork] = named('utilityProcess.fork') as [string, unknown[], { serviceName: string }][];
  expect(fork![0]).toMatch(/[\\/]host[\\/]engine-entry\.js$/);
  expect(named('protocol.handle').map((a) => (a as unknown[])[0])).toEqual(['app']);
  expect(named('ipcMain.handle')).toHaveLength(9);
  const [options] = named('BrowserWindow') as [{ webPreferences: Record<string, unknown> }];
  expect(options.webPreferences).toMatchObject({ contextIsolation: true, sandbox: true, nodeIntegration: false });
  expect(String(options.webPreferences.preload)).toMatch(/[\\/]preload[\\/]preload\.cjs$/);
  expect(named('loadURL')).toEqual(['app://uploader/index.html']);
  expect(named('setPermissionRequestHandler')).toHaveLength(1);
  // First run (no config): the demo, with updates on from the URL built into the app.
  expect(named('startAutoUpdates')).toEqual([{ enabled: true }]);
});
