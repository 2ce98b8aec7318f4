// The Electron main entry: the one file that imports `electron`. It hands the
// real objects to runShell (shell.ts) through ShellPorts and does nothing
// else; every decision lives in the plain modules beside it, tested under
// Node. The build (esbuild) bundles this to out/main/, the preload to
// out/preload/preload.cjs and the engine entry to out/host/engine-entry.js.
// test/integration/electron-main.test.ts runs that bundle under an Electron
// stand-in whose `ready` comes after the entry's evaluation, as Electron's does.
import {
  app,
  BaseWindow,
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
  net,
  utilityProcess,
} from 'electron';
import { join } from 'node:path';
import { desktopDataHome } from '../app/host/machine-home.ts';
import { EngineClient } from '../app/host/engine-client.ts';
import { beforeReady, MAC_MENU } from './before-ready.ts';
import { ENGINE_SERVICE_NAME } from './cannot-start.ts';
import { defaultAutostartDir } from './login-item.ts';
import { closeLogBeforeQuit, openMainLog } from './main-log.ts';
import { filePrefs } from './prefs.ts';
import { SecretVault } from './secrets.ts';
import { configSource } from '../app/host/config-source.ts';
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
// Copied beside the bundles by scripts/build-main.ts.
const ICONS_DIR = join(here, '..', 'icons');

// Per machine on Windows: %ProgramData%\Device Uploader, a per-user folder from before moved in once (docs/MANAGED.md).
const { home: dataHome, migration } = desktopDataHome(app.getPath('exe'), process.env, process.platform);
beforeReady({ app, protocol, setApplicationMenu: (menu) => Menu.setApplicationMenu(menu), platform: process.platform, dataHome });
// The shell's own log file beside the engine's (main-log.ts); ids and codes only. Echoed to the terminal in development.
const logger = openMainLog(join(dataHome, 'logs'), { ...(!app.isPackaged && { echo: (line: string) => console.log(line) }) });
closeLogBeforeQuit(app, logger);
if (migration) logger.log('info', 'data-folder-migration', { result: migration });

// Not `await app.whenReady()`: `ready` comes only after this module has been evaluated.
let shell: Shell | undefined;
app
  .whenReady()
  .then(start)
  .catch((error: unknown) => {
    logger.log('error', 'start-failed', { error: error instanceof Error ? error.name : 'unknown' });
    void logger.close().finally(() => app.exit(70));
  });

function start(): void {
  if (app.isPackaged && process.platform === 'darwin') Menu.setApplicationMenu(Menu.buildFromTemplate(MAC_MENU));
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
    isOnline: () => net.isOnline(),
    ipcMain,
    vault: new SecretVault(safeStorage, join(app.getPath('userData'), 'secrets.bin')),
    notify({ title, body }): ShownNotification {
      const n = new Notification({ title, body });
      // A click on any notification opens the window, where the problem is explained.
      n.on('click', () => shell?.showWindow());
      n.show();
      return { close: () => n.close() };
    },
    powerMonitor,
    // Windows tells the end of the session to windows: a hidden one without a page hears it.
    ...(process.platform === 'win32' && {
      sessionWindow: () => new BaseWindow({ show: false, width: 1, height: 1, skipTaskbar: true, focusable: false }),
    }),
    powerSaveBlocker,
    spawnEngine: () =>
      new EngineClient(utilityEngineProcess(utilityProcess.fork(ENGINE_ENTRY, [], { serviceName: ENGINE_SERVICE_NAME, stdio: 'ignore' }))),
    openPath: (path) => void electronShell.openPath(path),
    loginItem: {
      platform: process.platform,
      execPath: process.env.APPIMAGE ?? process.execPath,
      autostartDir: defaultAutostartDir(),
      setLoginItemSettings: (s) => app.setLoginItemSettings(s),
      getLoginItemSettings: (o) => app.getLoginItemSettings(o),
    },
    dataHome,
    rendererDir: join(app.getAppPath(), 'renderer', 'dist'),
    prefs: filePrefs(join(app.getPath('userData'), 'prefs.json')),
    formatTime: (at) => new Date(at).toLocaleString(),
    log: (event, facts) => logger.log('info', event, facts),
  };

  // The ports' callbacks above reach `shell` only after this line ran (on clicks, later).
  shell = runShell(ports);

  // Updates (only in the instance that runs): checked at start and daily, installed
  // on quit; off by `updates.enabled: false` for managed sites.
  if (shell) {
    const updates = startAutoUpdates(updateSettings(configSource(ports.argv, ports.env, dataHome)), logger);
    app.on('will-quit', () => updates.dispose());
  }
}
