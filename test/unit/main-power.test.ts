// Sleep: pause what is moving on suspend, resume exactly that on wake (a
// person's pauses stay), and hold prevent-app-suspension only while uploading.
import { expect, it } from 'vitest';
import type { QueueRow, Snapshot, Target } from '../../app/api.ts';
import { SleepGuard } from '../../main/power.ts';

function fakeApi(rows: Pick<QueueRow, 'id' | 'state'>[]) {
  const calls: string[] = [];
  const api = {
    snapshot: async (q?: { states?: string[] }) => ({ rows: rows.filter((r) => q?.states?.includes(r.state) ?? true) }) as unknown as Snapshot,
    pause: async (t: Target) => {
      calls.push(`pause ${JSON.stringify(t)}`);
      if ('fileId' in t && t.fileId === 3) throw Object.assign(new Error('moved on'), { code: 'stale' });
      return 1;
    },
    resume: async (t: Target) => {
      calls.push(`resume ${JSON.stringify(t)}`);
      return 1;
    },
  };
  return { api, calls };
}

it('pauses the moving files on suspend and resumes only those on resume', async () => {
  const { api, calls } = fakeApi([
    { id: 1, state: 'uploading' },
    { id: 2, state: 'queued' },
    { id: 3, state: 'uploading' },
    { id: 4, state: 'paused' },
  ]);
  const guard = new SleepGuard(() => api, { start: () => 1, stop: () => {} });
  expect(await guard.suspend()).toBe(2);
  expect(await guard.resume()).toBe(2);
  expect(calls).toEqual(['pause {"fileId":1}', 'pause {"fileId":2}', 'pause {"fileId":3}', 'resume {"fileId":1}', 'resume {"fileId":2}']);
  expect(await guard.resume()).toBe(0); // a second wake resumes nothing more
});

it('holds prevent-app-suspension while anything uploads, once, and lets go at zero', () => {
  const log: string[] = [];
  const guard = new SleepGuard(() => undefined, { start: (type) => (log.push(`start ${type}`), 7), stop: (id) => log.push(`stop ${id}`) });
  guard.uploading(2);
  guard.uploading(3);
  guard.uploading(0);
  guard.uploading(0);
  guard.uploading(1);
  guard.dispose();
  expect(log).toEqual(['start prevent-app-suspension', 'stop 7', 'start prevent-app-suspension', 'stop 7']);
});
