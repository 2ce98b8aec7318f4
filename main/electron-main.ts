// The Electron main entry: the one file that imports `electron`. It hands the
// real objects to runShell (shell.ts) through ShellPorts and does nothing
// else; every decision lives in the plain modules beside it, tested under
// Node. The build (esbuild) bundles this to out/main/, the preload to
// out/preload/preload.cjs and the engine entry to out/host/engine-entry.js.
import {
  app,
  BrowserWindow,
  Menu,
  nativeImage,
  Notification,
  powerMonitor,
  powerSaveBlocker,
  protocol,
  safeStorage,
  session,
  shell as electronShell,
  Tray,
  ipcMain,
  utilityProcess,
} from 'electron';
import { join } from 'node:path';
import { defaultHome } from '../app/host/data-home.ts';
import { EngineClient } from '../app/host/engine-client.ts';
import { APP_SCHEME } from './app-origin.ts';
import { defaultAutostartDir } from './login-item.ts';
import { filePrefs } from './prefs.ts';
import { SecretVault } from './secrets.ts';
import { configSource } from './config-source.ts';
import { runShell, type Shell, type ShellPorts, type ShellWindow } from './shell.ts';
import { updateSettings } from './update-settings.ts';
import { startAutoUpdates } from './updates-electron.ts';
import type { TrayIcon } from './tray-state.ts';
import { utilityEngineProcess } from './utility-process.ts';
import { windowPreferences } from './window.ts';
import type { ShownNotification } from './notifications.ts';

const here = import.meta.dirname;
const ENGINE_ENTRY = join(here, '..', 'host', 'engine-entry.js');
const PRELOAD = join(here, '..', 'preload', 'preload.cjs');
const RENDERER_DIR = join(app.getAppPath(), 'renderer', 'dist');
// Copied beside the bundles by scripts/build-main.ts.
const ICONS_DIR = join(here, '..', 'icons');

// Before ready: the app's scheme is a standard, secure origin (so 'self' in the CSP means it), with no extra file privileges.
protocol.registerSchemesAsPrivileged([
  { scheme: APP_SCHEME, privileges: { standard: true, secure: true, supportFetchAPI: false, corsEnabled: false } },
]);

const dataHome = defaultHome();
app.setPath('userData', join(dataHome, 'desktop'));

await app.whenReady();

const trayImage = (icon: TrayIcon) => nativeImage.createFromPath(join(ICONS_DIR, `tray-${icon}.png`));

const ports: ShellPorts = {
  argv: process.argv.slice(1),
  env: process.env,
  platform: process.platform,
  app,
  protocolHandle: (scheme, handler) => protocol.handle(scheme, handler),
  createTray() {
    const tray = new Tray(trayImage('ok'));
    return {
      setImage: (icon) => tray.setImage(trayImage(icon)),
      setToolTip: (text) => tray.setToolTip(text),
      setContextMenu: (items) => tray.setContextMenu(Menu.buildFromTemplate(items)),
      on: (event, listener) => void tray.on(event, listener),
    };
  },
  createWindow: () =>
    new BrowserWindow({
      width: 1100,
      height: 720,
      show: false,
      title: 'Device Uploader',
      webPreferences: windowPreferences(PRELOAD),
    }) as unknown as ShellWindow,
  session: session.defaultSession,
  ipcMain,
  vault: new SecretVault(safeStorage, join(app.getPath('userData'), 'secrets.bin')),
  notify({ kind, title, body }): ShownNotification {
    const n = new Notification({ title, body, silent: kind === 'uploaded' });
    // A click on any notification opens the window, where the problem is explained.
    n.on('click', () => shell?.showWindow());
    n.show();
    return { close: () => n.close() };
  },
  powerMonitor,
  powerSaveBlocker,
  spawnEngine: () =>
    new EngineClient(utilityEngineProcess(utilityProcess.fork(ENGINE_ENTRY, [], { serviceName: 'Device Uploader engine', stdio: 'ignore' }))),
  openPath: (path) => void electronShell.openPath(path),
  loginItem: {
    platform: process.platform,
    execPath: process.env.APPIMAGE ?? process.execPath,
    autostartDir: defaultAutostartDir(),
    setLoginItemSettings: (s) => app.setLoginItemSettings(s),
    getLoginItemSettings: (o) => app.getLoginItemSettings(o),
  },
  dataHome,
  rendererDir: RENDERER_DIR,
  prefs: filePrefs(join(app.getPath('userData'), 'prefs.json')),
  formatTime: (at) => new Date(at).toLocaleString(),
  // ids and codes only (see the README's logging rule); the engine keeps the log file.
  log: (event, facts) => console.log(JSON.stringify({ at: new Date().toISOString(), event, ...facts })),
};

// The ports' callbacks above reach `shell` only after this line ran (on clicks, later).
const shell: Shell | undefined = runShell(ports);

// Updates (only in the instance that runs): checked at start and daily, installed
// on quit; off by `updates.enabled: false` for managed sites.
if (shell) {
  const updates = startAutoUpdates(updateSettings(configSource(ports.argv, ports.env, dataHome)));
  app.on('will-quit', () => updates.dispose());
}
