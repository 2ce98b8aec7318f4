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

/** An engine whose pause and resume answer only when the test lets them: the interleavings are chosen, not raced. */
function gatedApi(ids: number[]) {
  const paused = new Set<number>();
  const waiting: { call: string; go: () => void }[] = [];
  const gate = (call: string, effect: () => void) =>
    new Promise<number>((resolve) =>
      waiting.push({
        call,
        go: () => {
          effect();
          resolve(1);
        },
      }),
    );
  const api = {
    snapshot: async () => ({ rows: ids.filter((id) => !paused.has(id)).map((id) => ({ id, state: 'uploading' })) }) as unknown as Snapshot,
    pause: (t: Target) => gate(`pause ${(t as { fileId: number }).fileId}`, () => paused.add((t as { fileId: number }).fileId)),
    resume: (t: Target) => gate(`resume ${(t as { fileId: number }).fileId}`, () => paused.delete((t as { fileId: number }).fileId)),
  };
  const flush = () => new Promise((r) => setTimeout(r, 0));
  /** Answers the oldest call waiting (after letting the loops reach their next await), and names it. */
  const answer = async () => {
    await flush();
    const next = waiting.shift();
    if (!next) return undefined;
    next.go();
    await flush();
    return next.call;
  };
  /** Answers every call until none is left waiting. */
  const drain = async () => {
    const calls: string[] = [];
    for (let call = await answer(); call; call = await answer()) calls.push(call);
    return calls;
  };
  /** The call waiting first, once the loops reached their next await. */
  const pending = async () => (await flush(), waiting[0]?.call);
  return { api, paused, answer, drain, pending };
}

it('a wake that comes while suspend is still pausing leaves nothing paused', async () => {
  const e = gatedApi([1, 2, 3]);
  const guard = new SleepGuard(() => e.api, { start: () => 1, stop: () => {} });
  const sleeping = guard.suspend();
  expect(await e.pending()).toBe('pause 1');
  const waking = guard.resume(); // the wake, while suspend's pause of file 1 is on its way
  expect(await e.drain()).toEqual(['pause 1', 'resume 1']);
  await Promise.all([sleeping, waking]);
  expect([...e.paused]).toEqual([]);
});

it('a sleep that comes while resume is still resuming keeps the rest paused until the next wake', async () => {
  const e = gatedApi([1, 2, 3]);
  const guard = new SleepGuard(() => e.api, { start: () => 1, stop: () => {} });
  const sleeping = guard.suspend();
  await e.drain();
  expect(await sleeping).toBe(3);
  const waking = guard.resume();
  expect(await e.pending()).toBe('resume 1');
  const sleepingAgain = guard.suspend(); // the PC sleeps again while file 1's resume is on its way
  expect(await e.drain()).toEqual(['resume 1']);
  await Promise.all([waking, sleepingAgain]);
  expect([...e.paused].sort()).toEqual([2, 3]); // not resumed while asleep
  const wakingAgain = guard.resume();
  expect(await e.drain()).toEqual(['resume 2', 'resume 3']);
  expect(await wakingAgain).toBe(2);
  expect([...e.paused]).toEqual([]);
});
