// Electron's security checklist for every web page the app could ever hold,
// not only the window it means to open: a catch-all on `web-contents-created`
// refuses new windows, navigation and <webview> to each webContents as it is
// born (DevTools, a window opened by a bug); the session refuses every
// permission, and the URL schemes the window never needs are refused (as
// Signal-Desktop does). The window is served from app:// alone and
// talks to the engine over IPC, so http(s), ws(s), file and the rest are
// never its business. The engine's own HTTP runs in its utility process,
// and the updater uses its own session: neither goes through this one.
import { isAppUrl } from './app-origin.ts';

export interface PreventableEvent {
  preventDefault(): void;
}

export interface WebContentsLike {
  setWindowOpenHandler(handler: (details: { url: string }) => { action: 'deny' }): void;
  on(
    event: 'will-navigate' | 'will-frame-navigate' | 'will-redirect' | 'will-attach-webview',
    listener: (event: PreventableEvent, ...rest: unknown[]) => void,
  ): void;
}

/** Electron's ProtocolResponse, as far as a refusal needs it. */
type Refusal = (request: unknown, callback: (response: { error: number }) => void) => void;

export interface SessionLike {
  setPermissionRequestHandler(handler: (webContents: unknown, permission: string, callback: (granted: boolean) => void) => void): void;
  setPermissionCheckHandler(handler: (...args: unknown[]) => boolean): void;
  readonly protocol: {
    /** Throws when the scheme cannot be taken over. */
    handle(scheme: string, handler: (request: Request) => Response): void;
    interceptFileProtocol(scheme: string, handler: Refusal): boolean;
  };
}

/**
 * The schemes `protocol.handle` intercepts in Electron 45 (lib/browser/api/
 * protocol.ts, isBuiltInScheme). For any other scheme it registers a new
 * handler of that name instead of intercepting Chromium's own, so those keep
 * the deprecated interceptFileProtocol, which intercepts (Signal-Desktop's way).
 */
export const HANDLED_SCHEMES: ReadonlySet<string> = new Set(['http', 'https', 'file']);

/**
 * Schemes the window never loads (Signal-Desktop's list, http(s) and file
 * included: nothing here needs them). app:// is the app's own; blob: stays,
 * for the history's CSV export; devtools:// is Chromium's.
 */
export const REFUSED_SCHEMES = [
  'http',
  'https',
  'ws',
  'wss',
  'file',
  'ftp',
  'data',
  'filesystem',
  'javascript',
  'mailto',
  'about',
  'content',
  'cid',
  'gopher',
] as const;

/** Chromium's net::ERR_ACCESS_DENIED. */
const ACCESS_DENIED = -10;

/** New windows, navigation (top frame or sub-frame) and webviews: refused for this webContents. */
export function lockDownContents(contents: WebContentsLike, onRefused: (what: string) => void = () => {}): void {
  contents.setWindowOpenHandler(() => {
    onRefused('window-open');
    return { action: 'deny' };
  });
  for (const event of ['will-navigate', 'will-frame-navigate', 'will-redirect'] as const) {
    contents.on(event, (e, ...rest) => {
      // The window is one page: even a link to itself would reload it from under the person.
      e.preventDefault();
      const target = typeof rest[0] === 'string' ? rest[0] : ((e as { url?: string }).url ?? (rest[0] as { url?: string } | undefined)?.url ?? '');
      onRefused(isAppUrl(target) ? `${event}-self` : event);
    });
  }
  contents.on('will-attach-webview', (e) => {
    e.preventDefault();
    onRefused('webview');
  });
}

/** Every webContents the app will ever create gets lockDownContents, the moment it exists. */
export function guardEveryWebContents(
  app: { on(event: 'web-contents-created', listener: (event: unknown, contents: WebContentsLike) => void): void },
  onRefused: (what: string) => void = () => {},
): void {
  app.on('web-contents-created', (_event, contents) => lockDownContents(contents, onRefused));
}

/** Every permission refused, and the schemes the window never needs answered "access denied". */
export function lockDownSession(session: SessionLike, onRefused: (what: string) => void = () => {}): void {
  session.setPermissionRequestHandler((_wc, permission, callback) => {
    onRefused(`permission:${permission}`);
    callback(false);
  });
  session.setPermissionCheckHandler(() => false);
  for (const scheme of REFUSED_SCHEMES) {
    // Not taken over in this Electron: said, not fatal (the CSP still holds).
    if (!refuseScheme(session, scheme, () => onRefused(`scheme:${scheme}`))) onRefused(`scheme-not-intercepted:${scheme}`);
  }
}

function refuseScheme(session: SessionLike, scheme: string, refused: () => void): boolean {
  if (!HANDLED_SCHEMES.has(scheme)) {
    return session.protocol.interceptFileProtocol(scheme, (_request, callback) => {
      refused();
      callback({ error: ACCESS_DENIED });
    });
  }
  try {
    session.protocol.handle(scheme, () => {
      refused();
      return Response.error();
    });
    return true;
  } catch {
    return false;
  }
}
