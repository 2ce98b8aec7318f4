// The window: a title bar with the BioT status and three views (Queue,
// History, Settings). Views are built once and shown or hidden, so switching
// keeps the scroll position and filters.
import type { ConnectionStatus, FolderStatus, UploaderApi } from '../app/api.ts';
import { h } from './lib/dom.ts';
import { createBanner } from './views/banner.ts';
import { createHistoryView } from './views/history-view.ts';
import { createQueueView } from './views/queue-view.ts';
import { createSettingsView } from './views/settings-view.ts';

const SAFETY_REFRESH_MS = 3_000;

export function mountApp(root: HTMLElement, api: UploaderApi): void {
  const banner = createBanner();
  let connection: ConnectionStatus = { state: 'unknown', advice: null, since: Date.now() };
  let folders: FolderStatus[] = [];
  let hostProblem: string | null = null;
  const redrawBanner = () => banner.update({ connection, folders, hostProblem });

  const onError = (error: unknown) => {
    const status = (error as { status?: number }).status;
    hostProblem = status === 401
      ? 'The access link has expired. Open the address Device Uploader printed when it started.'
      : status === 409 || status === 400
        ? null
        : 'Device Uploader may have stopped. Uploads resume when it runs again; this window reconnects by itself.';
    redrawBanner();
  };
  const queue = createQueueView(api, (snap) => {
    connection = snap.connection;
    folders = snap.folders;
    hostProblem = null;
    redrawBanner();
  }, onError);
  const history = createHistoryView(api, onError);
  const settings = createSettingsView(api, onError);

  const views = { queue: queue.el, history: history.el, settings: settings.el };
  type ViewName = keyof typeof views;
  let current: ViewName = 'queue';
  const tabs = (Object.keys(views) as ViewName[]).map((name) =>
    h('button', { type: 'button', class: 'tab', role: 'tab', 'data-view': name, onclick: () => show(name) }, name[0]!.toUpperCase() + name.slice(1)));
  const show = (name: ViewName) => {
    current = name;
    for (const [n, el] of Object.entries(views)) el.hidden = n !== name;
    for (const t of tabs) t.setAttribute('aria-selected', String(t.dataset.view === name));
    if (name === 'history') void history.refresh();
    if (name === 'settings') void settings.load();
  };

  root.replaceChildren(
    h('header', { class: 'top' }, h('h1', {}, 'Device Uploader'), h('nav', { role: 'tablist' }, ...tabs), h('span', { class: 'spacer' }), banner.pill),
    banner.el,
    h('main', {}, queue.el, history.el, settings.el),
  );
  show('queue');
  redrawBanner();

  api.onEvent((event) => {
    if (event.type === 'connection') {
      connection = event.connection;
      redrawBanner();
    }
    queue.onEvent(event);
  });
  // Events carry progress; this catches what they do not (a folder unplugged, a missed event).
  setInterval(() => {
    if (current === 'queue') void queue.refresh();
  }, SAFETY_REFRESH_MS);
}
