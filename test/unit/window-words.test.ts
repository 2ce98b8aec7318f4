// The window's words and states, as pure logic under Node (the DOM parts are
// driven in Chromium by test/e2e/window-states.test.ts): the pill tells the
// engine's real state, a lost uploader outweighs everything it last said, a
// banner never repeats its title, folders are named as the config names
// them, cancel asks only when sent bytes would be lost.
import { describe, expect, it } from 'vitest';
import type { ConnectionStatus, StateCounts } from '../../app/api.ts';
import { createLinkState, type LinkState } from '../../renderer/bridge/host-link.ts';
import { cancelQuestion } from '../../renderer/lib/cancel-question.ts';
import { adviceAfter, BANNER_TITLE, pillFor } from '../../renderer/lib/connection-words.ts';
import { createFolderNames } from '../../renderer/lib/folder-names.ts';
import { createResumedNews } from '../../renderer/lib/resumed-news.ts';
import { verdictWords } from '../../renderer/lib/verdict-words.ts';

const none: StateCounts = {
  queued: 0,
  uploading: 0,
  completing: 0,
  done: 0,
  failed: 0,
  paused: 0,
  cancelled: 0,
  'needs-attention': 0,
  duplicate: 0,
  missing: 0,
};
const conn = (state: ConnectionStatus['state'], advice: string | null = null): ConnectionStatus => ({ state, advice, since: 0 });

describe('the status pill', () => {
  it('says the uploader is gone the moment the link is lost, whatever it last heard', () => {
    expect(pillFor({ connection: conn('ok'), counts: { ...none, uploading: 1 }, link: 'lost' })).toEqual({
      text: 'Uploader not running',
      kind: 'stopped',
    });
    expect(pillFor({ connection: conn('ok'), counts: none, link: 'expired' }).kind).toBe('stopped');
  });

  it('is not green while everything is paused', () => {
    const pill = pillFor({ connection: conn('ok'), counts: { ...none, paused: 3, done: 2 }, link: 'open' });
    expect(pill).toEqual({ text: 'All uploads paused', kind: 'paused' });
    // One file still waiting to go: the connection state is what matters again.
    expect(pillFor({ connection: conn('ok'), counts: { ...none, paused: 3, queued: 1 }, link: 'open' }).kind).toBe('ok');
  });

  it('shows the engine’s connection state, and "waiting" rather than "connecting" when nothing needs BioT', () => {
    expect(pillFor({ connection: conn('unknown'), counts: none, link: 'open' }).text).toBe('Waiting for files');
    expect(pillFor({ connection: conn('unknown'), counts: { ...none, queued: 1 }, link: 'open' }).text).toBe('Connecting to BioT…');
    expect(pillFor({ connection: conn('credentials-refused'), counts: { ...none, queued: 1 }, link: 'open' })).toEqual({
      text: 'Login refused',
      kind: 'bad',
    });
    expect(pillFor({ connection: conn('unreachable'), counts: null, link: 'open' }).kind).toBe('offline');
    // A state a newer engine knows and this window does not: still not green.
    expect(pillFor({ connection: conn('tls-untrusted' as never), counts: null, link: 'open' }).kind).toBe('bad');
  });
});

describe('banner words', () => {
  it('drops an advice’s first sentence when it only repeats the title', () => {
    const title = BANNER_TITLE['credentials-refused'];
    expect(adviceAfter(title, 'BioT refused the login. Check the user name and password in Settings.')).toBe(
      'Check the user name and password in Settings.',
    );
    expect(adviceAfter(BANNER_TITLE.locked, 'The BioT account is locked. Ask your BioT administrator.')).toBe('Ask your BioT administrator.');
    expect(adviceAfter(title, 'Check the proxy. BioT refused the login.')).toBe('Check the proxy. BioT refused the login.');
    expect(adviceAfter(title, null)).toBe('');
  });
});

it('the link state tells its listeners only of changes', () => {
  const link = createLinkState();
  const seen: LinkState[] = [];
  const stop = link.onLink((s) => seen.push(s));
  for (const s of ['open', 'open', 'lost', 'lost', 'open', 'expired'] as const) link.set(s);
  stop();
  link.set('open');
  expect(seen).toEqual(['open', 'lost', 'open', 'expired']);
});

describe('folder names', () => {
  const names = createFolderNames();
  names.set([
    { id: 'holter', path: 'D:\\Holter\\Export' },
    { id: 'f-7fce135449c4', path: 'C:\\Users\\clinic\\ECG exports\\' },
    { id: 'f-0123456789ab', path: '/srv/sleep-lab/out' },
  ]);

  it('shows a name a person chose, else the folder’s own name from its path, never a derived id', () => {
    expect(names.label('holter')).toBe('holter');
    expect(names.label('f-7fce135449c4')).toBe('ECG exports');
    expect(names.label('f-0123456789ab')).toBe('out');
    expect(names.label('f-ffffffffffff')).toBe('a removed folder');
    expect(names.label('manual')).toBe('manual');
  });

  it('gives a file’s whole path for the hover text, in the folder’s own separators', () => {
    expect(names.fullPath('f-7fce135449c4', 'day 1/ecg.xml')).toBe('C:\\Users\\clinic\\ECG exports\\day 1\\ecg.xml');
    expect(names.fullPath('f-0123456789ab', 'a/b.edf')).toBe('/srv/sleep-lab/out/a/b.edf');
    expect(names.fullPath('gone', 'a/b.edf')).toBe('a/b.edf');
  });
});

it('cancel asks only when bytes already sent would be thrown away', () => {
  expect(cancelQuestion({ state: 'uploading', bytesDone: 0, relPath: 'a.edf' })).toMatch(/^Cancel the upload of a\.edf\?/);
  expect(cancelQuestion({ state: 'paused', bytesDone: 5, relPath: 'a.edf' })).toBeDefined();
  expect(cancelQuestion({ state: 'queued', bytesDone: 0, relPath: 'a.edf' })).toBeUndefined();
  expect(cancelQuestion(undefined)).toBeUndefined();
});

it('History says how BioT’s copy was checked in words, the codes only in the hover text', () => {
  const putEtag = verdictWords({ verification: 'verified', verificationReason: 'PUT_ETAG' });
  expect(putEtag.short).toBe('Uploaded, checked');
  expect(putEtag.long).not.toMatch(/PUT_ETAG|verified by storage/);
  expect(verdictWords({ verification: 'verified', verificationReason: null }).short).toBe('Uploaded, checked');
  const opaque = verdictWords({ verification: 'not-checkable', verificationReason: 'OPAQUE_ETAG' });
  expect(opaque.short).toBe('Uploaded, not checked');
  expect(opaque.long).toContain('OPAQUE_ETAG');
});

it('says once per run that uploads resumed, and keeps quiet after it was dismissed', () => {
  const saved = new Map<string, string>();
  const storage = () => ({ getItem: (k: string) => saved.get(k) ?? null, setItem: (k: string, v: string) => void saved.set(k, v) });
  const news = createResumedNews(storage);
  news.heard({ count: 3, since: 1000 });
  expect(news.count()).toBe(3);
  news.dismiss();
  expect(news.count()).toBe(0);
  // A reload of the window in the same run: still dismissed.
  const reloaded = createResumedNews(storage);
  reloaded.heard({ count: 3, since: 1000 });
  expect(reloaded.count()).toBe(0);
  // The next run has news of its own.
  reloaded.heard({ count: 1, since: 2000 });
  expect(reloaded.count()).toBe(1);
  reloaded.heard(undefined);
  expect(reloaded.count()).toBe(0);
  // Storage that refuses (a locked-down profile): dismissed in memory all the same.
  const locked = createResumedNews(() => {
    throw new Error('SecurityError');
  });
  locked.heard({ count: 2, since: 5 });
  locked.dismiss();
  expect(locked.count()).toBe(0);
});
