// The utility process's kill bound, on a fake process and fake timers (a real
// engine that ignores SIGTERM is in test/integration/engine-kill-bound.test.ts).
import { EventEmitter } from 'node:events';
import { afterEach, beforeEach, expect, it, vi } from 'vitest';
import { utilityEngineProcess } from '../../main/utility-process.ts';

beforeEach(() => void vi.useFakeTimers({ toFake: ['setTimeout', 'clearTimeout'] }));
afterEach(() => void vi.useRealTimers());

function fakeUtility() {
  const child = Object.assign(new EventEmitter(), {
    pid: 4242 as number | undefined,
    kills: 0,
    postMessage: () => {},
    kill: () => (child.kills++, true),
  });
  return child;
}

it('a process that goes within the bound is not killed again', () => {
  const child = fakeUtility();
  const killed: number[] = [];
  const engine = utilityEngineProcess(child, { killBoundMs: 1_000, killPid: (pid) => void killed.push(pid) });
  engine.kill();
  engine.kill(); // asked twice: one SIGTERM
  child.pid = undefined;
  child.emit('exit', 0);
  vi.advanceTimersByTime(5_000);
  expect(child.kills).toBe(1);
  expect(killed).toEqual([]);
});

it('a process still there past the bound is killed by the pid it had', () => {
  const child = fakeUtility();
  const killed: [number, string][] = [];
  const engine = utilityEngineProcess(child, { killBoundMs: 1_000, killPid: (pid, signal) => void killed.push([pid, signal]) });
  engine.kill();
  vi.advanceTimersByTime(999);
  expect(killed).toEqual([]);
  vi.advanceTimersByTime(1);
  expect(killed).toEqual([[4242, 'SIGKILL']]);
});
