// The end of the session: on Windows heard on a hidden window (session-end),
// elsewhere on powerMonitor's shutdown, where the system is asked to wait.
import { EventEmitter } from 'node:events';
import { expect, it } from 'vitest';
import { onSessionEnd } from '../../main/session-end.ts';

it('Linux and macOS: shutdown asks the system to wait, then ends', () => {
  const powerMonitor = new EventEmitter();
  const ended: string[] = [];
  let windows = 0;
  onSessionEnd({ platform: 'linux', powerMonitor, sessionWindow: () => (windows++, new EventEmitter()) }, (why) => ended.push(why));
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
  onSessionEnd({ platform: 'win32', powerMonitor, sessionWindow: () => window }, (why) => ended.push(why));
  powerMonitor.emit('shutdown', { preventDefault: () => {} }); // not a Windows event
  expect(ended).toEqual([]);
  window.emit('session-end', { reasons: ['logoff'] });
  expect(ended).toEqual(['session-end:logoff']);
});
