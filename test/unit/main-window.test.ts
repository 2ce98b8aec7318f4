// The window's security checklist and its close-to-tray behaviour, on fakes of Electron's objects.
import { EventEmitter } from 'node:events';
import { expect, it } from 'vitest';
import { hideOnClose, lockDown, windowPreferences, type BrowserWindowLike, type PreventableEvent } from '../../main/window.ts';

function fakeWindow() {
  const contents = new EventEmitter();
  let openHandler: ((d: { url: string }) => { action: 'deny' }) | undefined;
  const win = new EventEmitter() as EventEmitter & BrowserWindowLike & { hidden: number; openHandler: () => typeof openHandler };
  Object.assign(win, {
    hidden: 0,
    hide: () => win.hidden++,
    openHandler: () => openHandler,
    webContents: Object.assign(contents, { setWindowOpenHandler: (h: typeof openHandler) => (openHandler = h) }),
  });
  return win;
}
const preventable = () => {
  const e = { prevented: false, preventDefault: () => (e.prevented = true) };
  return e as PreventableEvent & { prevented: boolean };
};

it('turns on contextIsolation and sandbox, and off Node everywhere', () => {
  expect(windowPreferences('/p/preload.cjs')).toMatchObject({
    preload: '/p/preload.cjs',
    contextIsolation: true,
    sandbox: true,
    nodeIntegration: false,
    nodeIntegrationInWorker: false,
    nodeIntegrationInSubFrames: false,
    webSecurity: true,
    webviewTag: false,
  });
});

it('denies new windows, blocks navigation and webviews, and refuses every permission', () => {
  const win = fakeWindow();
  let permissionHandler: ((wc: unknown, p: string, cb: (g: boolean) => void) => void) | undefined;
  let checkHandler: (() => boolean) | undefined;
  const refused: string[] = [];
  lockDown(
    win,
    { setPermissionRequestHandler: (h) => (permissionHandler = h), setPermissionCheckHandler: (h) => (checkHandler = h as () => boolean) },
    (w) => refused.push(w),
  );
  expect(win.openHandler()!({ url: 'https://evil.example' })).toEqual({ action: 'deny' });
  for (const [event, url] of [
    ['will-navigate', 'https://evil.example'],
    ['will-navigate', 'app://uploader/index.html'],
    ['will-redirect', 'file:///etc/passwd'],
  ]) {
    const e = preventable();
    (win.webContents as unknown as EventEmitter).emit(event!, e, url);
    expect(e.prevented, `${event} ${url}`).toBe(true);
  }
  const webview = preventable();
  (win.webContents as unknown as EventEmitter).emit('will-attach-webview', webview);
  expect(webview.prevented).toBe(true);
  for (const permission of ['media', 'geolocation', 'notifications', 'clipboard-read', 'openExternal']) {
    let granted: boolean | undefined;
    permissionHandler!({}, permission, (g) => (granted = g));
    expect(granted, permission).toBe(false);
  }
  expect(checkHandler!()).toBe(false);
  expect(refused).toContain('window-open');
  expect(refused).toContain('permission:media');
});

it('closing hides the window, says once that uploads go on, and Quit really closes', () => {
  const win = fakeWindow();
  let quitting = false;
  let shown = false;
  const notices: string[] = [];
  hideOnClose(win, {
    quitting: () => quitting,
    noticeShown: () => shown,
    markNoticeShown: () => (shown = true),
    notice: () => notices.push('uploads go on'),
  });
  for (let i = 0; i < 3; i++) {
    const e = preventable();
    win.emit('close', e);
    expect(e.prevented).toBe(true);
  }
  expect(win.hidden).toBe(3);
  expect(notices).toEqual(['uploads go on']);
  quitting = true;
  const e = preventable();
  win.emit('close', e);
  expect(e.prevented).toBe(false);
});
