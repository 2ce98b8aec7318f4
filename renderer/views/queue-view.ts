// The queue: totals, a filter by state, a search box, actions for all, and
// the virtualised list. Filtering and paging happen in the engine; progress
// events patch the rows on screen in place, and a state change (or a file
// never seen) refetches just the visible page, at most a few times a second.
import type { EngineEvent, FileState, QueueRow, Snapshot, Totals, UploaderApi } from '../../app/api.ts';
import { h, searchInput, setText } from '../lib/dom.ts';
import { cancelQuestion } from '../lib/cancel-question.ts';
import { FILTERS, type Action } from '../lib/states.ts';
import { createQueueRow } from './queue-row.ts';
import { createTotals } from './totals.ts';
import { VirtualList } from './virtual-list.ts';

export const QUEUE_ROW_HEIGHT = 56;

export interface QueueView {
  el: HTMLElement;
  onEvent(event: EngineEvent): void;
  /** Reloads what is on screen (when the window comes back into view, or after a gap in the events). */
  refresh(): Promise<void>;
  /** false: the uploader went away, so no speed or time left shown is live any more (until the next refresh). */
  setLive(live: boolean): void;
}

export function createQueueView(api: UploaderApi, onSnapshot: (s: Snapshot) => void, onError: (e: unknown) => void): QueueView {
  let states: FileState[] | undefined;
  let search = '';
  const totals = createTotals();
  let lastTotals: Totals | undefined;
  const showTotals = (t: Totals) => {
    lastTotals = t;
    totals.update(t);
  };
  const count = h('span', { class: 'count', 'aria-live': 'polite' });
  const empty = h('div', { class: 'empty', hidden: true });

  const list = new VirtualList<QueueRow>({
    rowHeight: QUEUE_ROW_HEIGHT,
    async fetchPage(offset, limit) {
      const snap = await api.snapshot({ ...(states && { states }), ...(search && { search }), limit, offset });
      showTotals(snap.totals);
      onSnapshot(snap);
      return snap;
    },
    createRow: createQueueRow,
    onTotal(n) {
      setText(count, `${n.toLocaleString()} ${n === 1 ? 'file' : 'files'}`);
      empty.hidden = n > 0;
      setText(empty, states || search ? 'No files match this filter.' : 'No files yet. Files that devices save in the watched folders appear here.');
    },
    onError,
  });

  const filter = h(
    'select',
    { class: 'filter', 'aria-label': 'Show', 'data-test': 'filter' },
    ...FILTERS.map((f) => h('option', { value: f.id }, f.label)),
  );
  filter.addEventListener('change', () => {
    states = FILTERS.find((f) => f.id === filter.value)?.states;
    void list.reset();
  });
  const searchBox = searchInput('Search file names', (text) => {
    search = text;
    void list.reset();
  });

  const run = async (action: Action, target: { fileId: number } | { all: true }) => {
    try {
      await api[action](target);
    } catch (error) {
      onError(error);
    }
    await list.refresh();
  };
  const bulk = (action: Action, label: string, confirmText?: string) =>
    h(
      'button',
      {
        type: 'button',
        class: `bulk bulk-${action}`,
        onclick: () => {
          if (confirmText && !window.confirm(confirmText)) return;
          void run(action, { all: true });
        },
      },
      label,
    );

  list.element.addEventListener('click', (e) => {
    const button = (e.target as Element).closest<HTMLButtonElement>('button[data-action]');
    const row = button?.closest<HTMLElement>('.q-row');
    const id = Number(row?.dataset.id);
    if (!button || !Number.isInteger(id) || id <= 0) return;
    // Cancelling what is being sent throws those bytes away: asked once, here, and nowhere else.
    const question = button.dataset.action === 'cancel' ? cancelQuestion([...list.cached()].find((r) => r.id === id)) : undefined;
    if (question && !window.confirm(question)) return;
    button.disabled = true;
    void run(button.dataset.action as Action, { fileId: id }).finally(() => (button.disabled = false));
  });

  const refreshSoon = throttle(() => void list.refresh(), 400);
  void list.reset();

  const view = h(
    'section',
    { class: 'view view-queue', 'aria-label': 'Queue' },
    totals.el,
    h(
      'div',
      { class: 'toolbar' },
      filter,
      searchBox,
      count,
      h('span', { class: 'spacer' }),
      bulk('pause', 'Pause all'),
      bulk('resume', 'Resume all'),
      bulk('retry', 'Retry all'),
      bulk('cancel', 'Cancel all', 'Cancel every file that is not finished? You can retry them later.'),
    ),
    h(
      'div',
      { class: 'q-head', 'aria-hidden': 'true' },
      h('span', {}, 'File'),
      h('span', {}, 'Size'),
      h('span', {}, 'State'),
      h('span', {}, 'Progress'),
      h('span', {}, ''),
    ),
    h('div', { class: 'list-wrap' }, list.element, empty),
  );
  return {
    el: view,
    onEvent(event) {
      if (event.type === 'progress') {
        showTotals(event.totals);
        const byId = new Map(event.rows.map((r) => [r.id, r]));
        let stale = false;
        for (const row of list.cached()) {
          const live = byId.get(row.id);
          if (!live) continue;
          byId.delete(row.id);
          if (live.state !== row.state) stale = true;
          Object.assign(row, live);
        }
        list.redraw();
        // A state change may move a row in or out of the filter; an unknown id is a new file.
        if (stale || byId.size > 0) refreshSoon();
      } else if (event.type === 'changed') refreshSoon();
    },
    refresh: () => list.refresh(),
    setLive(live) {
      view.classList.toggle('stale', !live);
      if (live) return;
      for (const row of list.cached()) Object.assign(row, { speed: 0, etaSeconds: null });
      list.redraw();
      if (lastTotals) totals.update({ ...lastTotals, speed: 0, etaSeconds: null });
    },
  };
}

function throttle(fn: () => void, ms: number): () => void {
  let timer: ReturnType<typeof setTimeout> | undefined;
  return () => {
    timer ??= setTimeout(() => {
      timer = undefined;
      fn();
    }, ms);
  };
}
