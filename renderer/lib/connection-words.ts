// What the status pill and the banners say about the uploader's state. The
// pill is a few words that must be true at a glance: the engine's own
// connection state, "paused" when nothing will move until a person resumes,
// and "not running" the moment this window loses the uploader. The banner
// says the same thing as a sentence, then what to do, never the title twice.
import type { ConnectionStatus, StateCounts } from '../../app/api.ts';
import type { LinkState } from '../bridge/host-link.ts';

export type PillKind = 'ok' | 'idle' | 'paused' | 'offline' | 'bad' | 'stopped';

export interface PillInput {
  connection: ConnectionStatus;
  /** The queue's counts from the last snapshot or progress event; null before the first. */
  counts: StateCounts | null;
  /** The window's own link to the uploader (`open` when the host cannot tell). */
  link: LinkState;
}

const PILL: Record<ConnectionStatus['state'], { text: string; kind: PillKind }> = {
  ok: { text: 'Connected to BioT', kind: 'ok' },
  unknown: { text: 'Connecting to BioT…', kind: 'idle' },
  unreachable: { text: 'BioT unreachable', kind: 'offline' },
  'credentials-refused': { text: 'Login refused', kind: 'bad' },
  locked: { text: 'Account locked', kind: 'bad' },
  'data-folder-unwritable': { text: 'Uploads held', kind: 'bad' },
};

/** The banner's heading per connection state (the pill's words, as a sentence). */
export const BANNER_TITLE: Record<ConnectionStatus['state'], string> = {
  ok: 'Connected to BioT',
  unknown: 'Not yet in contact with BioT',
  unreachable: 'BioT cannot be reached',
  'credentials-refused': 'BioT refused the login',
  locked: 'The BioT account is locked',
  'data-folder-unwritable': 'Uploads are held: the data folder cannot be written',
};

/** When BioT is unreachable for a reason app/net could name (ConnectionStatus.code): the banner's title and the pill's words. */
const UNREACHABLE_BECAUSE: Record<string, { title: string; pill: string }> = {
  TLS_UNTRUSTED: { title: 'A certificate on the way to BioT is not trusted', pill: 'Certificate not trusted' },
  TLS_HOSTNAME: { title: "BioT's certificate does not match its address", pill: 'Certificate mismatch' },
  PROXY_AUTH: { title: 'The proxy refused the sign-in', pill: 'Proxy sign-in refused' },
  PROXY_REFUSED: { title: 'The proxy blocks BioT', pill: 'Proxy blocks BioT' },
  PROXY_UNREACHABLE: { title: 'The proxy cannot be reached', pill: 'Proxy unreachable' },
  DNS: { title: "BioT's address does not resolve", pill: 'BioT address unknown' },
};

const because = (c: ConnectionStatus) => (c.state === 'unreachable' && c.code ? UNREACHABLE_BECAUSE[c.code] : undefined);

/** The banner's heading for a connection: which network problem when one is known, else the state's. */
export function bannerTitle(c: ConnectionStatus): string {
  return because(c)?.title ?? BANNER_TITLE[c.state] ?? 'Uploads are held';
}

/** Files that will move by themselves (a failed one is retried by itself). */
function waiting(c: StateCounts): number {
  return c.queued + c.uploading + c.completing + c.failed;
}

export function pillFor({ connection, counts, link }: PillInput): { text: string; kind: PillKind } {
  if (link === 'lost') return { text: 'Uploader not running', kind: 'stopped' };
  if (link === 'expired') return { text: 'Access link expired', kind: 'stopped' };
  // Everything paused: nothing is sent whatever BioT's state, so green would be a lie.
  if (counts && counts.paused > 0 && waiting(counts) === 0) return { text: 'All uploads paused', kind: 'paused' };
  const state = connection.state;
  // Before the first call to BioT there is nothing to say about it when nothing waits.
  if (state === 'unknown' && counts && waiting(counts) === 0) return { text: 'Waiting for files', kind: 'idle' };
  const reason = because(connection);
  if (reason) return { text: reason.pill, kind: 'bad' };
  // A state this window does not know yet (a newer engine): its advice still shows in the banner.
  return PILL[state] ?? { text: 'Needs attention', kind: 'bad' };
}

/**
 * The advice under a banner's title without a first sentence that repeats it
 * ("BioT refused the login. Check the user name…" under "BioT refused the login").
 */
export function adviceAfter(title: string, advice: string | null): string {
  if (!advice) return '';
  const [first, ...rest] = advice.split(/(?<=\.)\s+/);
  const words = (s: string) =>
    s
      .toLowerCase()
      .replace(/[^\p{L}\p{N}]+/gu, ' ')
      .trim();
  return first !== undefined && words(first) === words(title) ? rest.join(' ') : advice;
}
