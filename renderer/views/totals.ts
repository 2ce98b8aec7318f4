// The figures across the top of the queue: what waits, what moves, what was
// done today, what needs a person, and the overall speed.
import type { Totals } from '../../app/api.ts';
import { h, setText } from '../lib/dom.ts';
import { formatBytes, formatEta, formatSpeed } from '../lib/format.ts';

export function createTotals(): { el: HTMLElement; update(t: Totals): void } {
  const tile = (label: string, id: string) => {
    const value = h('span', { class: 'tile-value', 'data-total': id }, '–');
    return { value, el: h('div', { class: `tile tile-${id}` }, value, h('span', { class: 'tile-label' }, label)) };
  };
  const queued = tile('in queue', 'queued');
  const uploading = tile('uploading', 'uploading');
  const today = tile('done today', 'today');
  const attention = tile('need attention', 'attention');
  const speed = tile('overall speed', 'speed');
  const left = h('span', { class: 'tile-label' });
  speed.el.append(left);
  return {
    el: h('div', { class: 'totals' }, queued.el, uploading.el, today.el, attention.el, speed.el),
    update(t) {
      const c = t.counts;
      setText(queued.value, (c.queued + c.paused + c.failed).toLocaleString());
      setText(uploading.value, (c.uploading + c.completing).toLocaleString());
      setText(today.value, t.doneToday.toLocaleString());
      const needs = c['needs-attention'];
      setText(attention.value, needs.toLocaleString());
      attention.el.classList.toggle('alert', needs > 0);
      setText(speed.value, formatSpeed(t.speed) || '0 B/s');
      setText(
        left,
        t.bytesRemaining > 0
          ? `${formatBytes(t.bytesRemaining)} to send${t.etaSeconds !== null ? `, ${formatEta(t.etaSeconds)}` : ''}`
          : 'nothing to send',
      );
    },
  };
}
