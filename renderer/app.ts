// The window: a title bar with the uploader's status and three views (Queue,
// History, Settings). Views are built once and shown or hidden, so switching
// keeps the scroll position and filters.
import type { ConnectionStatus, FolderStatus, Snapshot, StateCounts, UploaderApi } from '../app/api.ts';
import { createGapDetector } from './bridge/event-sequence.ts';
import { hostLinkOf, type LinkState } from './bridge/host-link.ts';
import { h } from './lib/dom.ts';
import { folderNames } from './lib/folder-names.ts';
import { createResumedNews } from './lib/resumed-news.ts';
import { createBanner } from './views/banner.ts';
import { createHistoryView } from './views/history-view.ts';
import { createLimitsBar } from './views/limits-bar.ts';
import { createQueueView } from './views/queue-view.ts';
import { createSettingsView } from './views/settings-view.ts';

export function mountApp(root: HTMLElement, api: UploaderApi): void {
  let connection: ConnectionStatus = { state: 'unknown', advice: null, since: Date.now() };
  let folders: FolderStatus[] = [];
  let counts: StateCounts | null = null;
  // Two sources of news about the uploader itself: the event stream (when the host can tell) and calls that fail.
  let streamLink: LinkState = 'open';
  let callLink: LinkState = 'open';
  const resumed = createResumedNews(() => sessionStorage);
  const banner = createBanner(() => {
    resumed.dismiss();
    redrawBanner();
  });
  const link = (): LinkState => (streamLink !== 'open' ? streamLink : callLink);
  const redrawBanner = () => banner.update({ connection, folders, counts, link: link(), resumed: resumed.count() });

  const onError = (error: unknown) => {
    // The web bridge answers HTTP statuses; the desktop preload answers ApiErrorCode codes.
    const { status, code } = error as { status?: number; code?: string };
    // A refused argument or a file that moved on is this window's business, not a lost uploader.
    if (status === 409 || status === 400 || code === 'stale' || code === 'bad-payload') return;
    callLink = status === 401 ? 'expired' : 'lost';
    redrawBanner();
  };
  const limits = createLimitsBar(api, onError, () => void queue.refresh());
  const onSnapshot = (snap: Snapshot) => {
    connection = snap.connection;
    folders = snap.folders;
    folderNames.set(folders);
    counts = snap.totals.counts;
    resumed.heard(snap.resumed);
    callLink = 'open';
    redrawBanner();
    limits.update(snap.limits);
  };
  const queue = createQueueView(api, onSnapshot, onError);
  const history = createHistoryView(api, onError);
  const settings = createSettingsView(api, onError);

  const views = { queue: queue.el, history: history.el, settings: settings.el };
  type ViewName = keyof typeof views;
  let current: ViewName = 'queue';
  const tabs = (Object.keys(views) as ViewName[]).map((name) =>
    h('button', { type: 'button', class: 'tab', role: 'tab', 'data-view': name, onclick: () => show(name) }, name[0]!.toUpperCase() + name.slice(1)),
  );
  const show = (name: ViewName) => {
    // Back on the queue after another view: events may have been missed meanwhile.
    if (name === 'queue' && current !== 'queue') void queue.refresh();
    current = name;
    for (const [n, el] of Object.entries(views)) el.hidden = n !== name;
    for (const t of tabs) t.setAttribute('aria-selected', String(t.dataset.view === name));
    if (name === 'history') void history.refresh();
    if (name === 'settings') void settings.load();
  };

  root.replaceChildren(
    h(
      'header',
      { class: 'top' },
      h('h1', {}, 'Device Uploader'),
      h('nav', { role: 'tablist' }, ...tabs),
      h('span', { class: 'spacer' }),
      banner.pill,
    ),
    banner.el,
    limits.el,
    h('main', {}, queue.el, history.el, settings.el),
  );
  // The desktop tray's "Settings…" opens the window at #settings.
  show(location.hash === '#settings' ? 'settings' : 'queue');
  redrawBanner();

  // No polling: events carry progress and changes; a gap in their numbers
  // (a dropped stream, a restarted engine) or the window coming back into
  // view is when a fresh snapshot is taken. A folder unplugged is an event of its own.
  const missed = createGapDetector();
  api.onEvent((event) => {
    if (event.type === 'connection') {
      connection = event.connection;
      redrawBanner();
    } else if (event.type === 'folders') {
      folders = event.folders;
      folderNames.set(folders);
      redrawBanner();
    } else if (event.type === 'progress') {
      const changed = counts === null || Object.entries(event.totals.counts).some(([k, n]) => counts![k as keyof StateCounts] !== n);
      counts = event.totals.counts;
      if (changed) redrawBanner();
    } else if (event.type === 'limits') limits.update(event.limits);
    if (missed(event.seq) && current === 'queue') void queue.refresh();
    queue.onEvent(event);
  });
  // The stream's end is news at once: no speed or "Connected" may outlive the uploader.
  hostLinkOf(api)?.onLink((state) => {
    const was = streamLink;
    streamLink = state;
    queue.setLive(state === 'open');
    redrawBanner();
    // Back after a stop: whatever changed meanwhile (a restarted engine starts its event numbers over).
    if (state === 'open' && was !== 'open') {
      void queue.refresh();
      if (current === 'history') void history.refresh();
    }
  });
  document.addEventListener('visibilitychange', () => {
    if (document.visibilityState === 'visible' && current === 'queue') void queue.refresh();
  });
}
