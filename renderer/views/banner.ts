// The strip under the title that says, in plain words, what stops uploads and
// what to do: BioT unreachable, the login refused or locked, a watched folder
// missing, or this window having lost the uploader itself.
import type { ConnectionStatus, FolderStatus } from '../../app/api.ts';
import { h } from '../lib/dom.ts';

export interface BannerState {
  connection: ConnectionStatus;
  folders: FolderStatus[];
  /** This window cannot reach the uploader (service stopped, or the access link expired). */
  hostProblem: string | null;
}

const TITLE: Record<ConnectionStatus['state'], string> = {
  ok: 'Connected to BioT',
  unknown: 'Connecting to BioT…',
  unreachable: 'BioT cannot be reached',
  'credentials-refused': 'BioT refused the login',
  locked: 'The BioT account is locked',
  'data-folder-unwritable': 'Uploads held: the data folder cannot be written',
};

/** When BioT is unreachable for a known reason (ConnectionStatus.code), the title says which. */
const UNREACHABLE_BECAUSE: Record<string, string> = {
  TLS_UNTRUSTED: 'A certificate on the way to BioT is not trusted',
  TLS_HOSTNAME: "BioT's certificate does not match its address",
  PROXY_AUTH: 'The proxy refused the sign-in',
  PROXY_REFUSED: 'The proxy blocks BioT',
  PROXY_UNREACHABLE: 'The proxy cannot be reached',
  DNS: "BioT's address does not resolve",
};

const titleOf = (c: ConnectionStatus): string => (c.state === 'unreachable' && c.code && UNREACHABLE_BECAUSE[c.code]) || TITLE[c.state];

export function createBanner(): { el: HTMLElement; pill: HTMLElement; update(s: BannerState): void } {
  const el = h('div', { class: 'banners', role: 'alert' });
  const pill = h('span', { class: 'pill' });
  return {
    el,
    pill,
    update(s) {
      const c = s.connection.state;
      pill.textContent = titleOf(s.connection);
      pill.className = `pill pill-${c}`;
      const items: HTMLElement[] = [];
      if (s.hostProblem) items.push(banner('host', 'This window lost contact with Device Uploader', s.hostProblem));
      if (c !== 'ok' && c !== 'unknown') items.push(banner(c, titleOf(s.connection), s.connection.advice ?? ''));
      for (const f of s.folders.filter((x) => x.state !== 'ok')) {
        items.push(
          banner(
            'folder',
            `Watched folder ${f.state === 'missing' ? 'missing' : 'is not a folder'}: ${f.path}`,
            'Files saved there are not being uploaded. Check that the drive or network share is connected, or change the folder in Settings.',
          ),
        );
      }
      el.replaceChildren(...items);
    },
  };
}

function banner(kind: string, title: string, advice: string): HTMLElement {
  return h('div', { class: `banner banner-${kind}`, 'data-banner': kind }, h('strong', {}, title), advice ? h('span', {}, advice) : null);
}
