// A stand-in for the `electron` module, for running the built main entry
// under Node (test/support/electron-run.ts resolves 'electron' here). It does
// what the app relies on Electron for, and no more: `ready` comes only when
// the runner says the entry has finished evaluating, as Electron's does;
// utilityProcess.fork starts a real Node child (the engine runs for real);
// protocol.handle's handler really serves what a window loads; a BrowserWindow
// is announced on `web-contents-created` before anyone can touch it. Each call
// the app makes is reported to the test (process.send), marked with whether
// `ready` had come; the test answers with clicks on the tray menu.
import { EventEmitter } from 'node:events';
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { forkUtility } from './utility-process-standin.ts';

let ready = false;
const report = (what: string, detail: unknown = null) => process.send?.({ kind: 'call', what, detail, ready });

// ---- app ----
let readyNow!: () => void;
const whenReady = new Promise<void>((resolve) => (readyNow = resolve));
const paths = new Map<string, string>();
const scratch = mkdtempSync(join(tmpdir(), 'du-fake-electron-'));
// Electron always sets it (the app's resources folder); electron-updater reads it.
(process as { resourcesPath?: string }).resourcesPath ??= scratch;
process.on('exit', () => rmSync(scratch, { recursive: true, force: true }));

class FakeApp extends EventEmitter {
  readonly isPackaged = process.env.DU_FAKE_PACKAGED === '1';
  whenReady = () => whenReady;
  isReady = () => ready;
  getAppPath = () => process.env.DU_FAKE_APP_PATH ?? process.cwd();
  getPath = (name: string) => paths.get(name) ?? join(scratch, name);
  setPath = (name: string, path: string) => void (paths.set(name, path), report('app.setPath', [name, path]));
  setAppUserModelId = (id: string) => report('app.setAppUserModelId', id);
  getVersion = () => '0.1.0';
  getName = () => 'Device Uploader';
  requestSingleInstanceLock = () => (report('app.requestSingleInstanceLock'), true);
  setLoginItemSettings = () => {};
  getLoginItemSettings = () => ({ openAtLogin: false });
  relaunch = () => {};
  exit = (code = 0) => void (report('app.exit', code), process.exit(code));
  /** As Electron: before-quit and will-quit may be prevented; otherwise quit, and the process ends. */
  quit = () => {
    report('app.quit');
    let prevented = false;
    this.emit('before-quit', { preventDefault: () => (prevented = true) });
    if (prevented) return;
    this.emit('will-quit', { preventDefault: () => (prevented = true) });
    if (prevented) return;
    this.emit('quit', {}, 0);
    setImmediate(() => process.exit(0));
  };
}
export const app = new FakeApp();

/** The runner's call, once the entry's evaluation has ended. */
export function emitReady(): void {
  ready = true;
  report('ready');
  app.emit('will-finish-launching');
  app.emit('ready', {}, {});
  readyNow();
}

// ---- windows ----
let nextContentsId = 1;
const handlers = new Map<string, (request: Request) => Promise<Response>>();

class FakeWebContents extends EventEmitter {
  readonly id = nextContentsId++;
  readonly mainFrame = { url: '' };
  #openHandler: ((details: { url: string }) => unknown) | undefined;
  setWindowOpenHandler(handler: (details: { url: string }) => unknown) {
    this.#openHandler = handler;
  }
  send() {}
  /** Loads as Chromium would through the app's protocol handler; reports what came back. */
  async loadURL(url: string) {
    this.mainFrame.url = url;
    const handler = handlers.get(new URL(url).protocol.slice(0, -1));
    const response = handler ? await handler(new Request(url)) : undefined;
    report('webContents.loadURL', { url, status: response?.status ?? null, type: response?.headers.get('content-type') ?? null });
    // What the catch-all decided for this page, asked as a page would: a window.open and a navigation.
    let navigationPrevented = false;
    this.emit('will-navigate', { url: 'https://elsewhere.example', preventDefault: () => (navigationPrevented = true) }, 'https://elsewhere.example');
    report('webContents.guarded', { windowOpen: this.#openHandler?.({ url: 'https://elsewhere.example' }) ?? null, navigationPrevented });
  }
}

export class BaseWindow extends EventEmitter {
  constructor(options: unknown) {
    super();
    report('new BaseWindow', options);
  }
}

export class BrowserWindow extends EventEmitter {
  readonly webContents = new FakeWebContents();
  #destroyed = false;
  #visible = false;
  constructor(options: { webPreferences?: { preload?: string } }) {
    super();
    report('new BrowserWindow', { ...options, preloadExists: existsSync(options.webPreferences?.preload ?? '') });
    app.emit('web-contents-created', {}, this.webContents);
  }
  loadURL = (url: string) => this.webContents.loadURL(url);
  show = () => void (this.#visible = true);
  hide = () => void (this.#visible = false);
  focus = () => {};
  isVisible = () => this.#visible;
  isDestroyed = () => this.#destroyed;
  destroy = () => void (this.#destroyed = true);
}

// ---- tray and menus ----
interface Item {
  id?: string;
  label?: string;
  click?: () => void;
}
let menu: Item[] = [];

export const Menu = {
  buildFromTemplate: (template: Item[]) => template,
  setApplicationMenu: (m: unknown) => report('Menu.setApplicationMenu', m),
};

export class Tray extends EventEmitter {
  constructor(image: { path: string }) {
    super();
    report('new Tray', { exists: existsSync(image.path) });
  }
  setImage() {}
  setToolTip(text: string) {
    report('tray.setToolTip', text);
  }
  setContextMenu(items: Item[]) {
    menu = items;
    report('tray.setContextMenu', items.map((i) => i.label ?? null).filter(Boolean));
  }
}

export const nativeImage = { createFromPath: (path: string) => ({ path }) };

export class Notification extends EventEmitter {
  readonly options: { title: string; body: string };
  constructor(options: { title: string; body: string }) {
    super();
    this.options = options;
  }
  show() {
    report('notification', this.options);
  }
  close() {}
}

// ---- the rest of what main uses ----
export const powerMonitor = new EventEmitter();
export const powerSaveBlocker = { start: () => 1, stop: () => {} };
export const protocol = {
  registerSchemesAsPrivileged: (schemes: unknown) => report('protocol.registerSchemesAsPrivileged', schemes),
  handle: (scheme: string, handler: (request: Request) => Promise<Response>) =>
    void (handlers.set(scheme, handler), report('protocol.handle', scheme)),
};
export const session = {
  defaultSession: {
    setPermissionRequestHandler: () => report('session.setPermissionRequestHandler'),
    setPermissionCheckHandler: () => {},
    protocol: {
      handle: (scheme: string) => report('session.protocol.handle', scheme),
      interceptFileProtocol: (scheme: string) => (report('session.interceptFileProtocol', scheme), true),
    },
    // network.proxy "system": the engine asks per host; this PC has no proxy.
    resolveProxy: async (url: string) => (report('session.resolveProxy', url), 'DIRECT'),
  },
};
export const net = { isOnline: () => true };
export const safeStorage = { isAsyncEncryptionAvailable: async () => false };
export const shell = { openPath: async () => '' };
export const ipcMain = { handle: (channel: string) => report('ipcMain.handle', channel) };
export const utilityProcess = {
  fork(modulePath: string, _args: string[], options: { serviceName?: string }) {
    const child = forkUtility(modulePath);
    report('utilityProcess.fork', { modulePath, serviceName: options.serviceName ?? null, pid: child.pid ?? null });
    child.child.once('exit', (code, signal) => report('engine.exit', { code, signal }));
    return child;
  },
};

// The test's hand on the tray: a click on a menu item by id.
process.on('message', (message: { kind?: string; id?: string }) => {
  if (message.kind === 'click') menu.find((item) => item.id === message.id)?.click?.();
});
