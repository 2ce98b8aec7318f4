// One row of the queue: folder, name, size, state, a progress bar with speed
// and ETA while uploading, the error in plain words when something is wrong,
// and the buttons that state allows. Built once per pooled slot; update()
// only touches what changed.
import type { QueueRow } from '../../app/api.ts';
import { h, setText } from '../lib/dom.ts';
import { plainError } from '../lib/errors.ts';
import { folderNames } from '../lib/folder-names.ts';
import { formatBytes, formatEta, formatSpeed, percent } from '../lib/format.ts';
import { ACTION_LABEL, actionsFor, STATE_LABEL, type Action } from '../lib/states.ts';
import type { RowView } from './virtual-list.ts';

const ALL_ACTIONS: Action[] = ['pause', 'resume', 'retry', 'cancel'];

export function createQueueRow(): RowView<QueueRow> {
  const folder = h('span', { class: 'q-folder' });
  const name = h('span', { class: 'q-name' });
  const error = h('span', { class: 'q-error' });
  const size = h('span', { class: 'q-size' });
  const state = h('span', { class: 'badge' });
  const fill = h('span', { class: 'bar-fill' });
  const bar = h('span', { class: 'bar', role: 'progressbar', 'aria-valuemin': 0, 'aria-valuemax': 100 }, fill);
  const pct = h('span', { class: 'q-pct' });
  const rate = h('span', { class: 'q-rate' });
  const buttons = Object.fromEntries(
    ALL_ACTIONS.map((a) => [a, h('button', { type: 'button', class: `act act-${a}`, 'data-action': a }, ACTION_LABEL[a])]),
  ) as Record<Action, HTMLButtonElement>;
  const el = h(
    'div',
    { class: 'q-row', role: 'listitem' },
    h('div', { class: 'q-file' }, h('div', { class: 'q-line' }, folder, name), error),
    size,
    h('div', { class: 'q-state' }, state),
    h('div', { class: 'q-progress' }, bar, h('div', { class: 'q-line small' }, pct, rate)),
    h('div', { class: 'q-actions' }, ...ALL_ACTIONS.map((a) => buttons[a])),
  );
  let shownId = -1;
  return {
    el,
    update(row) {
      el.classList.toggle('loading', !row);
      if (!row) {
        setText(name, 'Loading…');
        for (const part of [folder, error, size, state, pct, rate]) setText(part, '');
        fill.style.width = '0%';
        for (const a of ALL_ACTIONS) buttons[a].hidden = true;
        return;
      }
      if (shownId !== row.id) {
        shownId = row.id;
        // A pooled slot now shows another file: focus must not follow (Enter would act on the wrong file).
        if (el.contains(document.activeElement)) (document.activeElement as HTMLElement).blur();
        el.dataset.id = String(row.id);
        name.title = row.relPath;
      }
      el.dataset.state = row.state;
      setText(folder, folderNames.label(row.folderId));
      folder.title = folderNames.path(row.folderId);
      setText(name, row.relPath);
      setText(size, formatBytes(row.size));
      setText(state, STATE_LABEL[row.state]);
      state.className = `badge badge-${row.state}`;
      const problem = row.state === 'failed' || row.state === 'needs-attention' || row.state === 'missing';
      setText(error, problem ? plainError(row) : '');
      error.title = problem && row.error ? `${row.error}${row.errorCode ? ` [${row.errorCode}]` : ''}` : '';
      const p = row.state === 'done' || row.state === 'duplicate' ? 100 : percent(row.bytesDone, row.size);
      fill.style.width = `${p}%`;
      bar.setAttribute('aria-valuenow', String(p));
      // A paused row always shows how far it got: what BioT holds, where Resume goes on from.
      const still = row.state === 'queued' || row.state === 'cancelled' || row.state === 'needs-attention' || row.state === 'missing';
      setText(pct, still && p === 0 ? '' : `${p}%`);
      const moving = row.state === 'uploading' || row.state === 'completing';
      const paused = row.state === 'paused' && p > 0 ? 'resumes from here' : '';
      setText(rate, moving ? [formatSpeed(row.speed), formatEta(row.etaSeconds)].filter(Boolean).join(' · ') : paused);
      const allowed = actionsFor(row.state);
      for (const a of ALL_ACTIONS) buttons[a].hidden = !allowed.includes(a);
    },
  };
}
