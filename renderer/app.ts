// The window: a title bar with the BioT status and three views (Queue,
// History, Settings). Views are built once and shown or hidden, so switching
// keeps the scroll position and filters.
import type { ConnectionStatus, FolderStatus, UploaderApi } from '../app/api.ts';
import { createGapDetector } from './bridge/event-sequence.ts';
import { h } from './lib/dom.ts';
import { createBanner } from './views/banner.ts';
import { createHistoryView } from './views/history-view.ts';
import { createLimitsBar } from './views/limits-bar.ts';
import { createQueueView } from './views/queue-view.ts';
import { createSettingsView } from './views/settings-view.ts';

export function mountApp(root: HTMLElement, api: UploaderApi): void {
  const banner = createBanner();
  let connection: ConnectionStatus = { state: 'unknown', advice: null, since: Date.now() };
  let folders: FolderStatus[] = [];
  let hostProblem: string | null = null;
  const redrawBanner = () => banner.update({ connection, folders, hostProblem });

  const onError = (error: unknown) => {
    // The web bridge answers HTTP statuses; the desktop preload answers ApiErrorCode codes.
    const { status, code } = error as { status?: number; code?: string };
    hostProblem =
      status === 401
        ? 'The access link has expired. Open the address Device Uploader printed when it started.'
        : status === 409 || status === 400 || code === 'stale' || code === 'bad-payload'
          ? null
          : 'Device Uploader may have stopped. Uploads resume when it runs again; this window reconnects by itself.';
    redrawBanner();
  };
  const limits = createLimitsBar(api, onError, () => void queue.refresh());
  const queue = createQueueView(
    api,
    (snap) => {
      connection = snap.connection;
      folders = snap.folders;
      hostProblem = null;
      redrawBanner();
      limits.update(snap.limits);
    },
    onError,
  );
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
      redrawBanner();
    } else if (event.type === 'limits') limits.update(event.limits);
    if (missed(event.seq) && current === 'queue') void queue.refresh();
    queue.onEvent(event);
  });
  document.addEventListener('visibilitychange', () => {
    if (document.visibilityState === 'visible' && current === 'queue') void queue.refresh();
  });
}
