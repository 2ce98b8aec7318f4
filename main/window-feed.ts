// What the shell tells the window besides answering its calls: the engine's
// events, and whether the engine is there at all. The window must not keep
// showing "Connected" and live speeds from an engine that died: when the
// supervisor sees it go, the window hears `lost` at once, and `open` when a
// new engine is up (it then refreshes). A page that (re)loads hears where
// things stand. Sent only to the main window while its top frame shows the
// app's own page, the same window the IPC handlers answer (ipc.ts).
import type { EngineEvent } from '../app/api.ts';
import { isAppUrl } from './app-origin.ts';
import { EVENT_CHANNEL, LINK_CHANNEL, type HostLinkState } from './channels.ts';
import type { MainWindowLike } from './ipc.ts';

export interface FeedWindowLike {
  readonly webContents: MainWindowLike['webContents'] & { send(channel: string, data: unknown): void };
}

export interface WindowFeed {
  event(event: EngineEvent): void;
  link(state: HostLinkState): void;
  /** The window's page finished loading: it hears the link state (nothing before the first engine came up or failed). */
  loaded(): void;
}

export function windowFeed(current: () => FeedWindowLike | undefined): WindowFeed {
  let link: HostLinkState | undefined;
  const send = (channel: string, data: unknown) => {
    const window = current();
    if (window && isAppUrl(window.webContents.mainFrame.url)) window.webContents.send(channel, data);
  };
  return {
    event: (event) => send(EVENT_CHANNEL, event),
    link(state) {
      link = state;
      send(LINK_CHANNEL, state);
    },
    loaded() {
      if (link) send(LINK_CHANNEL, link);
    },
  };
}
