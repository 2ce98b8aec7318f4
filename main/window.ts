// The queue window: Electron's security checklist applied to it and its
// session, and the tray-app behaviour of closing (hide, uploads go on, said
// once). Electron objects arrive through the small shapes below.
import { isAppUrl } from './app-origin.ts';

/** webPreferences for the window: the preload is the only bridge. */
export function windowPreferences(preload: string) {
  return {
    preload,
    contextIsolation: true,
    sandbox: true,
    nodeIntegration: false,
    nodeIntegrationInWorker: false,
    nodeIntegrationInSubFrames: false,
    webSecurity: true,
    allowRunningInsecureContent: false,
    webviewTag: false,
    spellcheck: false,
  } as const;
}

export interface PreventableEvent {
  preventDefault(): void;
}

export interface WebContentsLike {
  setWindowOpenHandler(handler: (details: { url: string }) => { action: 'deny' }): void;
  on(event: 'will-navigate' | 'will-redirect' | 'will-attach-webview', listener: (event: PreventableEvent, ...rest: unknown[]) => void): void;
}

export interface SessionLike {
  setPermissionRequestHandler(handler: (webContents: unknown, permission: string, callback: (granted: boolean) => void) => void): void;
  setPermissionCheckHandler(handler: (...args: unknown[]) => boolean): void;
}

export interface BrowserWindowLike {
  readonly webContents: WebContentsLike;
  on(event: 'close', listener: (event: PreventableEvent) => void): void;
  hide(): void;
}

/** Navigation, new windows, webviews and every permission: refused. */
export function lockDown(win: BrowserWindowLike, session: SessionLike, onRefused: (what: string) => void = () => {}): void {
  win.webContents.setWindowOpenHandler(() => {
    onRefused('window-open');
    return { action: 'deny' };
  });
  for (const event of ['will-navigate', 'will-redirect'] as const) {
    win.webContents.on(event, (e, ...rest) => {
      // The window is one page: even a link to itself would reload it from under the person.
      e.preventDefault();
      const target = typeof rest[0] === 'string' ? rest[0] : ((rest[0] as { url?: string } | undefined)?.url ?? '');
      onRefused(isAppUrl(target) ? `${event}-self` : event);
    });
  }
  win.webContents.on('will-attach-webview', (e) => {
    e.preventDefault();
    onRefused('webview');
  });
  session.setPermissionRequestHandler((_wc, permission, callback) => {
    onRefused(`permission:${permission}`);
    callback(false);
  });
  session.setPermissionCheckHandler(() => false);
}

/**
 * Closing hides (the tray's Quit quits). The first time, `notice` tells the
 * person that uploads go on; `noticeShown`/`markNoticeShown` keep "first"
 * across runs.
 */
export function hideOnClose(
  win: BrowserWindowLike,
  options: { quitting: () => boolean; noticeShown: () => boolean; markNoticeShown: () => void; notice: () => void },
): void {
  win.on('close', (event) => {
    if (options.quitting()) return;
    event.preventDefault();
    win.hide();
    if (!options.noticeShown()) {
      options.markNoticeShown();
      options.notice();
    }
  });
}
