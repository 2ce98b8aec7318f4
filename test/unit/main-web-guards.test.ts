// The security checklist for every webContents and for the session, on fakes of Electron's objects.
import { EventEmitter } from 'node:events';
import { expect, it } from 'vitest';
import {
  guardEveryWebContents,
  HANDLED_SCHEMES,
  lockDownContents,
  lockDownSession,
  REFUSED_SCHEMES,
  type PreventableEvent,
  type SessionLike,
  type WebContentsLike,
} from '../../main/web-guards.ts';

function fakeContents() {
  let openHandler: ((d: { url: string }) => { action: 'deny' }) | undefined;
  const contents = Object.assign(new EventEmitter(), {
    setWindowOpenHandler: (h: typeof openHandler) => void (openHandler = h),
    openHandler: () => openHandler,
  });
  return contents as typeof contents & WebContentsLike;
}
const preventable = () => {
  const e = { prevented: false, preventDefault: () => void (e.prevented = true) };
  return e as PreventableEvent & { prevented: boolean };
};

it('denies new windows, blocks every navigation and webviews', () => {
  const contents = fakeContents();
  const refused: string[] = [];
  lockDownContents(contents, (w) => refused.push(w));
  expect(contents.openHandler()!({ url: 'https://evil.example' })).toEqual({ action: 'deny' });
  for (const [event, url] of [
    ['will-navigate', 'https://evil.example'],
    ['will-navigate', 'app://uploader/index.html'],
    ['will-redirect', 'file:///etc/passwd'],
  ]) {
    const e = preventable();
    contents.emit(event!, e, url);
    expect(e.prevented, `${event} ${url}`).toBe(true);
  }
  // Electron gives will-frame-navigate its URL on the event only.
  const frame = Object.assign(preventable(), { url: 'app://uploader/index.html' });
  contents.emit('will-frame-navigate', frame);
  expect(frame.prevented).toBe(true);
  const webview = preventable();
  contents.emit('will-attach-webview', webview);
  expect(webview.prevented).toBe(true);
  expect(refused).toEqual(['window-open', 'will-navigate', 'will-navigate-self', 'will-redirect', 'will-frame-navigate-self', 'webview']);
});

it('guards every webContents the app creates, not only the window it means to open', () => {
  const app = new EventEmitter();
  guardEveryWebContents(app as never);
  const [devtools, stray] = [fakeContents(), fakeContents()];
  app.emit('web-contents-created', {}, devtools);
  app.emit('web-contents-created', {}, stray);
  for (const contents of [devtools, stray]) {
    expect(contents.openHandler()!({ url: 'https://evil.example' })).toEqual({ action: 'deny' });
    const e = preventable();
    contents.emit('will-navigate', e, 'https://evil.example');
    expect(e.prevented).toBe(true);
  }
});

it('refuses every permission, and the schemes the window never needs: protocol.handle where it intercepts, else interceptFileProtocol', async () => {
  let permissionHandler: ((wc: unknown, p: string, cb: (g: boolean) => void) => void) | undefined;
  let checkHandler: (() => boolean) | undefined;
  const handled = new Map<string, (request: Request) => Response>();
  const intercepted = new Map<string, (request: unknown, callback: (r: { error: number }) => void) => void>();
  const session: SessionLike = {
    setPermissionRequestHandler: (h) => void (permissionHandler = h),
    setPermissionCheckHandler: (h) => void (checkHandler = h as () => boolean),
    protocol: {
      // As Electron 45: handle() intercepts http, https and file (for another scheme it would register a new one).
      handle: (scheme, handler) => {
        if (!['http', 'https', 'file'].includes(scheme)) throw new Error(`handle() would register ${scheme}, not intercept it`);
        handled.set(scheme, handler);
      },
      // false for a scheme that cannot be intercepted.
      interceptFileProtocol: (scheme, handler) => scheme !== 'gopher' && !!intercepted.set(scheme, handler),
    },
  };
  const refused: string[] = [];
  lockDownSession(session, (w) => refused.push(w));
  for (const permission of ['media', 'geolocation', 'notifications', 'clipboard-read', 'openExternal']) {
    let granted: boolean | undefined;
    permissionHandler!({}, permission, (g) => (granted = g));
    expect(granted, permission).toBe(false);
  }
  expect(checkHandler!()).toBe(false);
  expect([...handled.keys()].sort()).toEqual(['file', 'http', 'https']);
  expect([...handled.keys()].every((s) => HANDLED_SCHEMES.has(s))).toBe(true);
  expect([...intercepted.keys()]).toEqual(expect.arrayContaining(['ws', 'wss', 'data', 'javascript', 'about']));
  expect(REFUSED_SCHEMES).not.toContain('blob'); // the history's CSV export is a blob: download
  for (const [scheme, handler] of handled) expect(handler(new Request(`${scheme}://x/`)).type, scheme).toBe('error');
  for (const [scheme, handler] of intercepted) {
    let answer: { error: number } | undefined;
    handler({ url: `${scheme}://x` }, (r) => (answer = r));
    expect(answer, scheme).toEqual({ error: -10 });
  }
  expect(refused).toContain('permission:media');
  expect(refused).toContain('scheme:https');
  expect(refused).toContain('scheme:ws');
  expect(refused).toContain('scheme-not-intercepted:gopher');
  expect(refused).not.toContain('scheme-not-intercepted:http');
});
