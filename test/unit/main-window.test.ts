// The window's webPreferences, its close-to-tray behaviour and the one window
// kept alive (replaced when its page died), on fakes of Electron's objects.
import { EventEmitter } from 'node:events';
import { expect, it } from 'vitest';
import type { PreventableEvent } from '../../main/web-guards.ts';
import { hideOnClose, QueueWindow, revivalBudget, windowPreferences, type BrowserWindowLike, type QueueWindowLike } from '../../main/window.ts';

function fakeWindow() {
  const win = new EventEmitter() as EventEmitter & BrowserWindowLike & { hidden: number };
  Object.assign(win, { hidden: 0, hide: () => win.hidden++ });
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

function queueWindows() {
  const made: (EventEmitter & QueueWindowLike & { id: number; shown: number; visible: boolean; destroyed: boolean; loaded: string[] })[] = [];
  const create = () => {
    const w = Object.assign(new EventEmitter(), {
      id: made.length + 1,
      shown: 0,
      visible: false,
      destroyed: false,
      loaded: [] as string[],
      webContents: { id: made.length + 1 },
      hide: () => void (w.visible = false),
      show: () => void (w.shown++, (w.visible = true)),
      focus: () => {},
      loadURL: async (url: string) => void w.loaded.push(url),
      isDestroyed: () => w.destroyed,
      isVisible: () => w.visible,
      destroy: () => void (w.destroyed = true),
    });
    made.push(w);
    return w;
  };
  const closing = { quitting: () => false, noticeShown: () => true, markNoticeShown: () => {}, notice: () => {} };
  return { made, create, closing };
}

it('replaces a shown window whose page died, and only drops a hidden one until it is asked for', () => {
  const { made, create, closing } = queueWindows();
  const windows = new QueueWindow(create, closing);
  windows.show('#settings');
  expect(made[0]!.loaded).toEqual(['app://uploader/index.html#settings']);
  windows.rendererGone(99); // another webContents (DevTools): not ours
  expect(windows.current).toBe(made[0]);
  windows.rendererGone(made[0]!.webContents.id);
  expect(made[0]!.destroyed).toBe(true);
  expect(windows.current).toBe(made[1]);
  expect(made[1]).toMatchObject({ shown: 1, loaded: ['app://uploader/index.html'] });
  made[1]!.emit('close', { preventDefault: () => {} }); // closing hides, as the first one did
  expect(made[1]!.visible).toBe(false);
  windows.rendererGone(made[1]!.webContents.id);
  expect(made).toHaveLength(2);
  expect(windows.current).toBeUndefined();
  windows.show();
  expect(made).toHaveLength(3);
});

it('stops replacing a window whose page dies at every load (three a minute)', () => {
  let now = 0;
  const { made, create, closing } = queueWindows();
  const windows = new QueueWindow(
    create,
    closing,
    revivalBudget(3, 60_000, () => now),
  );
  windows.show();
  for (let i = 0; i < 5; i++) windows.rendererGone(made.at(-1)!.webContents.id);
  expect(made).toHaveLength(4); // the first and three replacements
  expect(windows.current).toBeUndefined();
  now += 60_000;
  windows.show();
  windows.rendererGone(made.at(-1)!.webContents.id);
  expect(windows.current).toBe(made.at(-1));
  expect(made).toHaveLength(6);
});
