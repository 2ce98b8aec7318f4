// The strip under the title that says, in plain words, what stops uploads and
// what to do: this window having lost the uploader, BioT unreachable, the
// login refused or locked, a watched folder missing; and, once per run, that
// interrupted uploads were taken up again. The pill in the title bar says the
// same in a few words (lib/connection-words.ts).
import type { ConnectionStatus, FolderStatus, StateCounts } from '../../app/api.ts';
import type { LinkState } from '../bridge/host-link.ts';
import { adviceAfter, bannerTitle, pillFor } from '../lib/connection-words.ts';
import { h } from '../lib/dom.ts';

export interface BannerState {
  connection: ConnectionStatus;
  folders: FolderStatus[];
  counts: StateCounts | null;
  /** This window's own link to the uploader: anything but `open` outweighs what it last heard. */
  link: LinkState;
  /** Uploads this run resumed, while that news is not dismissed (0: nothing to say). */
  resumed: number;
}

const HOST_WORDS: Record<Exclude<LinkState, 'open'>, [string, string]> = {
  lost: [
    'This window lost contact with Device Uploader',
    'It has stopped or is restarting. Uploads go on when it runs again, and this window reconnects by itself.',
  ],
  expired: ['This window’s access has expired', 'Device Uploader was restarted with a new address. Open the address it printed when it started.'],
};

export function createBanner(onDismissResumed: () => void): { el: HTMLElement; pill: HTMLElement; update(s: BannerState): void } {
  const el = h('div', { class: 'banners', role: 'alert' });
  const pill = h('span', { class: 'pill', 'data-test': 'pill' });
  return {
    el,
    pill,
    update(s) {
      const shown = pillFor(s);
      pill.textContent = shown.text;
      pill.className = `pill pill-${shown.kind}`;
      pill.dataset.state = s.link === 'open' ? s.connection.state : s.link;
      // Whatever else this window knew is from before contact was lost: only this banner is true now.
      if (s.link !== 'open') return el.replaceChildren(banner('host', ...HOST_WORDS[s.link]));
      const items: HTMLElement[] = [];
      const c = s.connection.state;
      if (c !== 'ok' && c !== 'unknown') {
        const title = bannerTitle(s.connection);
        items.push(banner(c, title, adviceAfter(title, s.connection.advice)));
      }
      for (const f of s.folders.filter((x) => x.state !== 'ok')) {
        items.push(
          banner(
            'folder',
            `Watched folder ${f.state === 'missing' ? 'missing' : 'is not a folder'}: ${f.path}`,
            'Files saved there are not being uploaded. Check that the drive or network share is connected, or change the folder in Settings.',
          ),
        );
      }
      if (s.resumed > 0) {
        const item = banner(
          'resumed',
          `${s.resumed} ${s.resumed === 1 ? 'upload' : 'uploads'} resumed where ${s.resumed === 1 ? 'it' : 'they'} stopped`,
          'Device Uploader was stopped during these uploads; the parts BioT already had were not sent again.',
        );
        item.append(h('button', { type: 'button', class: 'dismiss', onclick: onDismissResumed }, 'OK'));
        items.push(item);
      }
      el.replaceChildren(...items);
    },
  };
}

function banner(kind: string, title: string, advice: string): HTMLElement {
  return h('div', { class: `banner banner-${kind}`, 'data-banner': kind }, h('strong', {}, title), advice ? h('span', {}, advice) : null);
}
