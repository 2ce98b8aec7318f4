// The end of the session: on Windows heard on a hidden window (the query,
// held until the app has stopped, then session-end, which cannot be held),
// elsewhere on powerMonitor's shutdown, where the system is asked to wait.
import { EventEmitter } from 'node:events';
import { expect, it } from 'vitest';
import { onSessionEnd } from '../../main/session-end.ts';

it('Linux and macOS: shutdown asks the system to wait, then ends', () => {
  const powerMonitor = new EventEmitter();
  const ended: string[] = [];
  let windows = 0;
  onSessionEnd(
    { platform: 'linux', powerMonitor, sessionWindow: () => (windows++, new EventEmitter()) },
    (why) => ended.push(why),
    () => false,
  );
  let waited = false;
  powerMonitor.emit('shutdown', { preventDefault: () => (waited = true) });
  expect(ended).toEqual(['shutdown']);
  expect(waited).toBe(true);
  expect(windows).toBe(0); // no hidden window where none is needed
});

it('Windows: a hidden window hears session-end (no before-quit comes then)', () => {
  const powerMonitor = new EventEmitter();
  const window = new EventEmitter();
  const ended: string[] = [];
  onSessionEnd(
    { platform: 'win32', powerMonitor, sessionWindow: () => window },
    (why) => ended.push(why),
    () => false,
  );
  powerMonitor.emit('shutdown', { preventDefault: () => {} }); // not a Windows event
  expect(ended).toEqual([]);
  window.emit('session-end', { reasons: ['logoff'] });
  expect(ended).toEqual(['session-end:logoff']);
});

it('Windows: the query before the session ends is held while the app stops, and let go once it has', () => {
  const window = new EventEmitter();
  const ended: string[] = [];
  let stopped = false;
  onSessionEnd(
    { platform: 'win32', powerMonitor: new EventEmitter(), sessionWindow: () => window },
    (why) => ended.push(why),
    () => stopped,
  );
  const query = (reasons: string[]) => {
    let held = false;
    window.emit('query-session-end', { reasons, preventDefault: () => (held = true) });
    return held;
  };
  expect(query(['shutdown'])).toBe(true);
  expect(ended).toEqual(['query-session-end:shutdown']);
  stopped = true;
  expect(query(['logoff'])).toBe(false);
  expect(ended).toEqual(['query-session-end:shutdown']);
});
