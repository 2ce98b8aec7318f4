// The queue window: its webPreferences from Electron's security checklist
// (what every webContents and the session refuse is in web-guards.ts), the
// tray-app behaviour of closing (hide, uploads go on, said once), and the one
// window kept alive.
import { APP_ENTRY_URL } from './app-origin.ts';
import type { PreventableEvent } from './web-guards.ts';

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

export interface BrowserWindowLike {
  on(event: 'close', listener: (event: PreventableEvent) => void): void;
  hide(): void;
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

export interface QueueWindowLike extends BrowserWindowLike {
  readonly webContents: { readonly id: number };
  show(): void;
  focus(): void;
  loadURL(url: string): Promise<void>;
  isDestroyed(): boolean;
  isVisible(): boolean;
  destroy(): void;
}

/** Allows `max` calls answered true in any `windowMs`. */
export function revivalBudget(max = 3, windowMs = 60_000, now: () => number = Date.now): () => boolean {
  const recent: number[] = [];
  return () => {
    const at = now();
    while (recent.length > 0 && at - recent[0]! >= windowMs) recent.shift();
    if (recent.length >= max) return false;
    recent.push(at);
    return true;
  };
}

/**
 * The queue window, one at a time: made when first asked for (a start at
 * login stays in the tray), hidden on close, and replaced when its page's
 * process died rather than left showing a dead page (a few times a minute
 * at most, so a page that dies at every load does not spin).
 */
export class QueueWindow<W extends QueueWindowLike> {
  #window: W | undefined;
  readonly #create: () => W;
  readonly #closing: Parameters<typeof hideOnClose>[1];
  readonly #mayRevive: () => boolean;

  constructor(create: () => W, closing: Parameters<typeof hideOnClose>[1], mayRevive = revivalBudget()) {
    this.#create = create;
    this.#closing = closing;
    this.#mayRevive = mayRevive;
  }

  /** The window, when there is one alive. */
  get current(): W | undefined {
    return this.#window && !this.#window.isDestroyed() ? this.#window : undefined;
  }

  /** Shows the window (made and loaded if needed) at `hash` (#settings), or where it is. */
  show(hash = ''): void {
    let window = this.current;
    if (!window) {
      window = this.#window = this.#create();
      hideOnClose(window, this.#closing);
      void window.loadURL(APP_ENTRY_URL + hash);
    } else if (hash) void window.loadURL(APP_ENTRY_URL + hash);
    window.show();
    window.focus();
  }

  /** A page's process died: when it was this window's, a new window takes its place (shown if the old one was). */
  rendererGone(contentsId: number): void {
    const dead = this.current;
    if (!dead || dead.webContents.id !== contentsId) return;
    this.#window = undefined;
    const visible = dead.isVisible();
    dead.destroy();
    if (visible && this.#mayRevive()) this.show();
  }
}
