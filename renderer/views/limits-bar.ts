// The strip that says what holds uploads back on purpose, and lets a person
// do it: "Paused until 15:30" with Resume now, or "Limited to 2 MB/s until
// 18:00" from the bandwidth timetable; and the timed pauses a clinic asks for
// (as OneDrive offers): Pause for 1 hour, Pause until tomorrow.
import type { Limits, PauseFor, UploaderApi } from '../../app/api.ts';
import { h, setText } from '../lib/dom.ts';
import { formatSpeed } from '../lib/format.ts';

export function createLimitsBar(
  api: UploaderApi,
  onError: (e: unknown) => void,
  changed: () => void,
): { el: HTMLElement; update(l: Limits | undefined): void } {
  const text = h('span', { class: 'limits-text', 'data-test': 'limits-text' });
  const act = async (run: () => Promise<unknown>) => {
    try {
      await run();
    } catch (error) {
      onError(error);
    }
    changed();
  };
  const pauseFor = (choice: PauseFor, label: string) =>
    h(
      'button',
      { type: 'button', class: 'pause-for', 'data-pause-for': choice, onclick: () => void act(() => api.pause({ all: true, for: choice })) },
      label,
    );
  const pauses = h('span', { class: 'pause-choices' }, pauseFor('hour', 'Pause for 1 hour'), pauseFor('tomorrow', 'Pause until tomorrow'));
  const resume = h(
    'button',
    { type: 'button', class: 'resume-now', hidden: true, onclick: () => void act(() => api.resume({ all: true })) },
    'Resume now',
  );
  const el = h('div', { class: 'limits', 'data-test': 'limits' }, text, pauses, resume);
  return {
    el,
    update(limits) {
      const paused = limits?.pausedUntil ?? null;
      el.classList.toggle('paused', paused !== null);
      pauses.hidden = paused !== null;
      resume.hidden = paused === null;
      setText(
        text,
        paused !== null ? `Uploads paused until ${when(paused)}; they go on by themselves.` : limits ? bandwidthWords(limits.bandwidth) : '',
      );
    },
  };
}

function bandwidthWords(b: Limits['bandwidth']): string {
  const until = b.until === null ? '' : ` until ${when(b.until)}`;
  if (b.maxBytesPerSecond > 0) return `Upload speed limited to ${formatSpeed(b.maxBytesPerSecond)}${until}${b.scheduled ? ' (timetable)' : ''}.`;
  return b.until !== null && b.then > 0 ? `No speed limit${until}, then ${formatSpeed(b.then)}.` : '';
}

/** "18:00" today, "tomorrow 07:30", else "Mon 07:30": local time, as the clinic reads a clock. */
export function when(at: number, now = Date.now()): string {
  const time = new Date(at).toLocaleTimeString([], { hour: '2-digit', minute: '2-digit', hourCycle: 'h23' });
  const day = (t: number) => new Date(t).toDateString();
  if (day(at) === day(now)) return time;
  if (day(at) === day(now + 24 * 60 * 60 * 1000)) return `tomorrow ${time}`;
  return `${new Date(at).toLocaleDateString([], { weekday: 'short' })} ${time}`;
}
