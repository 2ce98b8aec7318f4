// The desktop shell's composition root: single instance, the engine under
// its supervisor, the tray, the window, IPC, secrets, notifications, start at
// login, sleep, the end of the session and processes that die. Everything
// Electron arrives through ShellPorts, so this file runs under Node with
// fakes; electron-main.ts passes the real objects.
import { ApiError, type CallableMethod } from '../app/api-schemas.ts';
import type { SettingsInput, Snapshot, Totals } from '../app/api.ts';
import type { EngineClient } from '../app/host/engine-client.ts';
import { APP_SCHEME } from './app-origin.ts';
import { createAppProtocolHandler } from './app-protocol.ts';
import { configSource } from '../app/host/config-source.ts';
import { EngineSupervisor } from './engine-supervisor.ts';
import { registerIpc, type IpcMainLike, type MainWindowLike } from './ipc.ts';
import { setStartAtLogin, startedAtLogin, startsAtLogin, type LoginItemHost } from './login-item.ts';
import { Notifier, notifyFromSnapshot, type ShowNotification } from './notifications.ts';
import { SleepGuard, type PowerSaveBlockerLike } from './power.ts';
import { watchNetwork } from './network-watch.ts';
import { saveKeepingSecrets } from './secret-save.ts';
import { takeSecrets, type SecretVault } from './secrets.ts';
import { createTrayPresenter, trayView, type TrayLike } from './tray-state.ts';
import { createMenuPresenter, trayMenu, type MenuItemSpec } from './tray-menu.ts';
import { QueueWindow, type QueueWindowLike } from './window.ts';
import { guardEveryWebContents, lockDownSession, type SessionLike, type WebContentsLike } from './web-guards.ts';
import { watchGoneProcesses, type GoneEventsLike } from './process-gone.ts';
import { onSessionEnd, type SessionEndSources } from './session-end.ts';
import { cannotStartNotice, type ExitDetails } from './cannot-start.ts';
import { windowFeed, type FeedWindowLike } from './window-feed.ts';
import { disposable, DisposableStore } from '../app/common/disposable.ts';

export interface ShellWindow extends QueueWindowLike, MainWindowLike, FeedWindowLike {
  readonly webContents: FeedWindowLike['webContents'] & { on(event: 'did-finish-load', listener: () => void): void };
}

export interface ShellPorts {
  argv: readonly string[];
  env: NodeJS.ProcessEnv;
  platform: NodeJS.Platform;
  app: GoneEventsLike & {
    requestSingleInstanceLock(): boolean;
    on(event: 'second-instance' | 'window-all-closed' | 'activate', listener: () => void): void;
    on(event: 'before-quit', listener: (event: { preventDefault(): void }) => void): void;
    on(event: 'web-contents-created', listener: (event: unknown, contents: WebContentsLike) => void): void;
    quit(): void;
  };
  protocolHandle(scheme: string, handler: (request: Request) => Promise<Response>): void;
  createTray(): TrayLike & { setContextMenu(items: MenuItemSpec[]): void; on(event: 'click', listener: () => void): void };
  createWindow(): ShellWindow;
  /** The default session: its permission handlers, and Chromium's proxy answer per URL (network.proxy "system"). */
  session: SessionLike & { resolveProxy(url: string): Promise<string> };
  /** Electron's net.isOnline(), for noticing a network change. */
  isOnline(): boolean;
  ipcMain: IpcMainLike;
  vault: SecretVault;
  notify: ShowNotification;
  powerMonitor: SessionEndSources['powerMonitor'] & { on(event: 'suspend' | 'resume', listener: () => void): void };
  sessionWindow?: SessionEndSources['sessionWindow'];
  powerSaveBlocker: PowerSaveBlockerLike;
  spawnEngine(): EngineClient;
  openPath(path: string): void;
  loginItem: LoginItemHost;
  /** Where the demo and the data-folder config live (app/host/data-home.ts). */
  dataHome: string;
  rendererDir: string;
  /** Small UI memory (the close notice shown once). */
  prefs: { get(key: 'closeNoticeShown'): boolean; set(key: 'closeNoticeShown', value: boolean): void };
  formatTime(at: number): string;
  log(event: string, facts?: Record<string, string | number>): void;
}

const TRAY_REFRESH_MS = 1_000;

export interface Shell {
  /** Quit: stop the engine (bounded), then let the app end. */
  quit(): Promise<void>;
  showWindow(): void;
}

/** Runs the shell; answers undefined when another instance already runs (it was asked to show its window). */
export function runShell(ports: ShellPorts): Shell | undefined {
  if (!ports.app.requestSingleInstanceLock()) {
    ports.app.quit();
    return undefined;
  }
  let quitting = false;
  let stopped = false;
  let latest: Pick<Snapshot, 'totals' | 'connection' | 'folders' | 'limits'> | undefined;
  let lastUploadAt: number | null = null;
  let engineState: 'running' | 'starting' | 'down' = 'starting';
  let lastEngineExit: ExitDetails | undefined;
  const source = configSource(ports.argv, ports.env, ports.dataHome);

  const notifier = new Notifier(ports.notify);
  const tray = ports.createTray();
  const present = createTrayPresenter(tray);
  const presentMenu = createMenuPresenter(tray);
  // What the shell holds until quit, let go in reverse order; the engine stops after them, explicitly.
  const held = new DisposableStore((error) => ports.log('dispose-failed', { error: error instanceof Error ? error.name : 'unknown' }));
  const sleep = held.add(new SleepGuard(() => supervisor.client, ports.powerSaveBlocker));
  held.add(disposable(() => network.dispose()));
  const network = watchNetwork({ isOnline: ports.isOnline, powerMonitor: ports.powerMonitor }, (why) => {
    ports.log('network-changed', { why });
    supervisor.client?.networkChanged();
  });

  const supervisor: EngineSupervisor = new EngineSupervisor({
    spawn: ports.spawnEngine,
    log: ports.log,
    request: async () => {
      const { secrets, moved } = await takeSecrets(source.file, ports.vault).catch(() => ({ secrets: {}, moved: false }));
      if (moved) ports.log('secret-moved-to-safe-storage');
      return { configFile: source.file, secrets, systemProxy: true, ...(source.kind === 'demo' && { demo: true }) };
    },
    onUp: (client) => {
      engineState = 'running';
      lastEngineExit = undefined; // a later "cannot start" tells of a later exit, not this old one
      notifier.clear('engine-failing');
      client.onResolveProxy((url) => ports.session.resolveProxy(url));
      client.onEvent((event) => {
        feed.event(event);
        if (event.type === 'progress') noteTotals(event.totals);
        refreshSoon();
      });
      feed.link('open');
      refreshSoon();
    },
    onDown: () => {
      engineState = 'starting';
      feed.link('lost');
      sleep.uploading(0);
      redraw();
    },
    onRepeatedFailure: (failures, reason) => {
      engineState = 'down';
      ports.log('engine-failing', {
        failures,
        reason,
        ...(lastEngineExit && { exitReason: lastEngineExit.reason, exitCode: lastEngineExit.exitCode }),
      });
      const { title, body } = cannotStartNotice(reason, lastEngineExit);
      notifier.problem('engine-failing', title, body);
      redraw();
    },
  });

  const noteTotals = (totals: Totals) => {
    sleep.uploading(totals.counts.uploading + totals.counts.completing);
    if (latest) latest = { ...latest, totals };
  };

  let refreshTimer: NodeJS.Timeout | undefined;
  held.add(disposable(() => clearTimeout(refreshTimer)));
  const refreshSoon = () => {
    refreshTimer ??= setTimeout(() => {
      refreshTimer = undefined;
      void refresh();
    }, TRAY_REFRESH_MS);
  };
  const refresh = async () => {
    const client = supervisor.client;
    if (!client) return redraw();
    try {
      const [snap, history] = await Promise.all([client.snapshot({ limit: 0 }), client.history({ limit: 1 })]);
      latest = snap;
      lastUploadAt = history.rows[0]?.at ?? null;
      noteTotals(snap.totals);
      notifyFromSnapshot(notifier, snap);
    } catch {
      // The engine is restarting; the supervisor redraws when it is back.
    }
    redraw();
  };

  const redraw = () => {
    const counts = latest?.totals.counts;
    const view = latest
      ? trayView({ ...latest, lastUploadAt, engine: engineState }, ports.formatTime)
      : {
          icon: engineState === 'down' ? ('attention' as const) : ('ok' as const),
          status: engineState === 'down' ? 'The uploader has stopped' : 'Starting…',
          tooltip: 'Device Uploader',
        };
    present(view);
    presentMenu(
      trayMenu(
        {
          status: view.status,
          pausable: counts ? counts.queued + counts.uploading + counts.failed : 0,
          paused: counts?.paused ?? 0,
          pausedUntil: latest?.limits?.pausedUntil ? ports.formatTime(latest.limits.pausedUntil) : null,
          folders: latest?.folders ?? [],
          startAtLogin: startsAtLogin(ports.loginItem),
        },
        {
          open: showWindow,
          pauseAll: () => void supervisor.client?.pause({ all: true }).then(refresh, () => {}),
          pauseFor: (choice) => void supervisor.client?.pause({ all: true, for: choice }).then(refresh, () => {}),
          resumeAll: () => void supervisor.client?.resume({ all: true }).then(refresh, () => {}),
          openFolder: (id) => {
            const folder = latest?.folders.find((f) => f.id === id);
            if (folder) ports.openPath(folder.path);
          },
          settings: () => showWindow('#settings'),
          setStartAtLogin: (on) => {
            setStartAtLogin(ports.loginItem, on);
            redraw();
          },
          quit: () => void shell.quit(),
        },
      ),
    );
  };

  // The window's calls: the engine's, except that secrets never reach its config file.
  const call = async (method: CallableMethod, arg: unknown): Promise<unknown> => {
    const client = supervisor.client;
    if (!client) throw new ApiError('engine-stopped', 'Device Uploader is starting; try again in a moment');
    if (method === 'settings') return { ...(await client.settings()), secretStorage: await ports.vault.protection() };
    if (method !== 'saveSettings') return client.call(method, arg);
    return saveKeepingSecrets(
      { save: (input) => client.saveSettings(input), vault: ports.vault, configFile: source.file, restart: () => void supervisor.restart() },
      arg as SettingsInput,
    );
  };

  // A page that (re)loads hears whether the engine is there (window-feed.ts).
  const createWindow = () => {
    const window = ports.createWindow();
    window.webContents.on('did-finish-load', () => feed.loaded());
    return window;
  };
  const windows = new QueueWindow(createWindow, {
    quitting: () => quitting,
    noticeShown: () => ports.prefs.get('closeNoticeShown'),
    markNoticeShown: () => ports.prefs.set('closeNoticeShown', true),
    notice: () =>
      ports.notify({
        kind: 'still-running',
        title: 'Device Uploader is still running',
        body: 'Uploads go on in the background. Quit from the tray icon.',
      }),
  });
  const showWindow = (hash = '') => windows.show(hash);
  const feed = windowFeed(() => windows.current);

  const shell: Shell = {
    showWindow,
    async quit() {
      if (quitting) return;
      quitting = true;
      ports.log('quit');
      await held.dispose();
      await supervisor.stop();
      stopped = true;
      ports.app.quit();
    },
  };

  ports.protocolHandle(APP_SCHEME, createAppProtocolHandler(ports.rendererDir));
  registerIpc(ports.ipcMain, {
    mainWindow: () => windows.current,
    call,
    onRefused: (channel, reason) => ports.log('ipc-refused', { channel, reason }),
  });
  const refused = (what: string) => ports.log('web-refused', { what });
  guardEveryWebContents(ports.app, refused);
  lockDownSession(ports.session, refused);
  watchGoneProcesses(ports.app, {
    log: ports.log,
    onEngineGone: (exit) => (lastEngineExit = exit),
    onRendererGone: (id) => windows.rendererGone(id),
  });
  const sessionEnds = (why: string) => {
    ports.log('session-end', { why });
    void shell.quit();
  };
  onSessionEnd(ports, sessionEnds, () => stopped);
  ports.app.on('second-instance', () => (ports.log('second-instance'), showWindow()));
  // macOS: a click on the Dock icon (or opening the app again from Finder).
  ports.app.on('activate', () => showWindow());
  // Quit from anywhere (Cmd+Q, the Dock; Windows' log off comes as session-end): hold it until the engine stopped, then quit again.
  ports.app.on('before-quit', (event) => {
    if (stopped) return;
    event.preventDefault();
    void shell.quit();
  });
  // The window hides rather than closes; should it go anyway, the tray app stays.
  ports.app.on('window-all-closed', () => {});
  tray.on('click', () => showWindow());
  // The engine may be restarting (its snapshot refused): said in the log, never an unhandled rejection.
  const failed = (event: string) => (error: unknown) => ports.log(event, { error: error instanceof Error ? error.name : 'unknown' });
  ports.powerMonitor.on('suspend', () => void sleep.suspend().then((n) => ports.log('suspend', { paused: n }), failed('suspend-failed')));
  ports.powerMonitor.on('resume', () => void sleep.resume().then((n) => ports.log('resume', { resumed: n }), failed('resume-failed')));
  supervisor.start();
  redraw();
  if (!startedAtLogin(ports.argv, ports.loginItem)) showWindow();
  return shell;
}
