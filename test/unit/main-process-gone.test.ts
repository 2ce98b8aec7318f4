// Processes that go: logged by reason and code, the engine's told apart from
// the others, and its last exit said in the "cannot start" notification.
import { EventEmitter } from 'node:events';
import { expect, it } from 'vitest';
import { cannotStartNotice, ENGINE_SERVICE_NAME, exitInWords } from '../../main/cannot-start.ts';
import { watchGoneProcesses, type GoneEventsLike } from '../../main/process-gone.ts';

it("logs each gone process by type, reason and code, keeps the engine's exit and says whose page died", () => {
  const app = new EventEmitter();
  const logged: [string, Record<string, string | number>][] = [];
  const engine: unknown[] = [];
  const pages: number[] = [];
  watchGoneProcesses(app as unknown as GoneEventsLike, {
    log: (event, facts) => logged.push([event, facts]),
    onEngineGone: (exit) => engine.push(exit),
    onRendererGone: (id) => pages.push(id),
  });
  app.emit('child-process-gone', {}, { type: 'GPU', reason: 'crashed', exitCode: 139, serviceName: 'gpu', name: 'GPU' });
  app.emit(
    'child-process-gone',
    {},
    { type: 'Utility', reason: 'oom', exitCode: -5, serviceName: 'node.mojom.NodeService', name: ENGINE_SERVICE_NAME },
  );
  app.emit('render-process-gone', {}, { id: 7 }, { reason: 'killed', exitCode: 9 });
  expect(logged).toEqual([
    ['child-process-gone', { type: 'GPU', reason: 'crashed', exitCode: 139 }],
    ['child-process-gone', { type: 'engine', reason: 'oom', exitCode: -5 }],
    ['render-process-gone', { reason: 'killed', exitCode: 9 }],
  ]);
  expect(engine).toEqual([{ reason: 'oom', exitCode: -5 }]);
  expect(pages).toEqual([7]);
});

it('says how the engine ended last time where the reason alone is "it keeps stopping"', () => {
  const oom = { reason: 'oom', exitCode: -5 };
  expect(cannotStartNotice('crashed', oom)).toEqual({
    title: 'Device Uploader cannot start',
    body: 'It keeps stopping. Uploads resume when it runs again; restart the PC if this goes on. Last time it ran out of memory.',
  });
  expect(cannotStartNotice('other', { reason: 'abnormal-exit', exitCode: 70 }).body).toMatch(/Last time it stopped with an error \(code 70\)\.$/);
  expect(cannotStartNotice('crashed').body).not.toMatch(/Last time/);
  // A reason that says it all already is not repeated in codes.
  expect(cannotStartNotice('bad-config', oom).body).toBe('The configuration has a mistake. Open Settings or ask IT to check the config file.');
  expect(exitInWords({ reason: 'crashed', exitCode: 139 })).toBe('it crashed (code 139)');
  // Plain words for every reason Electron gives, and for one it may add.
  for (const reason of ['clean-exit', 'abnormal-exit', 'killed', 'crashed', 'oom', 'launch-failed', 'integrity-failure', 'memory-eviction', 'new']) {
    expect(exitInWords({ reason, exitCode: 0 }), reason).not.toMatch(/[a-z]-[a-z]|\boom\b|\bnew\b/); // no code from Electron's list
  }
  expect(exitInWords({ reason: 'clean-exit', exitCode: 0 })).toBe('it ended by itself without an error (code 0)');
  expect(exitInWords({ reason: 'something-new', exitCode: 3 })).toBe('it stopped (code 3)');
});
