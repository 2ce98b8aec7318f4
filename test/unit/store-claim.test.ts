// claimNext on a real database file: never the same row to two claimers (two
// Store connections in two threads, truly concurrent), oldest first, and
// failed rows only once their next_attempt_at has come.
import { Worker } from 'node:worker_threads';
import { describe, expect, it } from 'vitest';
import { openStore, type EnqueueInput } from '../../app/store/index.ts';
import { until } from '../support/wait.ts';
import { tempQueue } from '../support/temp-queue.ts';

const q = tempQueue('du-store-claim-');

function input(i: number): EnqueueInput {
  return { folderId: 'f', sourcePath: `/x/${i}.edf`, relPath: `${i}.edf`, size: i, mtimeMs: 1 };
}

// Each thread opens its own Store on the file, waits for the shared start
// signal, then claims in a loop until the queue is empty.
const CLAIMER = `
const { workerData, parentPort } = require('node:worker_threads');
import(workerData.storeUrl).then(({ openStore }) => {
  const store = openStore(workerData.file);
  const flag = new Int32Array(workerData.start);
  Atomics.add(flag, 1, 1);
  Atomics.wait(flag, 0, 0);
  const claimed = [];
  let busy = 0;
  for (;;) {
    let rows;
    try { rows = store.claimNext(workerData.batch); } catch (e) { if (e.code === 'SQLITE_BUSY') { busy++; continue; } throw e; }
    if (rows.length === 0) break;
    for (const r of rows) claimed.push(r.id);
    // A real scheduler works between claims; without this pause the thread
    // holding the lock re-takes it at once and the others never get a turn.
    Atomics.wait(flag, 2, 0, 1);
  }
  store.close();
  parentPort.postMessage({ claimed, busy });
});
`;

function runClaimer(start: SharedArrayBuffer, batch: number): Promise<{ claimed: number[]; busy: number }> {
  const storeUrl = new URL('../../app/store/index.ts', import.meta.url).href;
  const w = new Worker(CLAIMER, { eval: true, workerData: { file: q.file, start, batch, storeUrl } });
  return new Promise((resolve, reject) => {
    w.once('message', resolve);
    w.once('error', reject);
    w.once('exit', (code) => code !== 0 && reject(new Error(`claimer exited ${code}`)));
  });
}

describe('claimNext', () => {
  it('never hands the same row to two Store connections claiming concurrently', async () => {
    const N = 1_500;
    const s = openStore(q.file);
    s.enqueueMany(Array.from({ length: N }, (_, i) => input(i)));
    s.close();

    const start = new SharedArrayBuffer(12);
    const flag = new Int32Array(start);
    const runs = [runClaimer(start, 1), runClaimer(start, 3), runClaimer(start, 2)];
    await until('every claimer ready', () => Atomics.load(flag, 1) === runs.length, { timeoutMs: 10_000, everyMs: 5 });
    Atomics.store(flag, 0, 1);
    Atomics.notify(flag, 0);
    const results = await Promise.all(runs);

    const all = results.flatMap((r) => r.claimed);
    console.log(`claims per thread: ${results.map((r) => r.claimed.length).join(', ')}; busy retries: ${results.map((r) => r.busy).join(', ')}`);
    expect(new Set(all).size).toBe(all.length); // no row twice
    expect(all.length).toBe(N); // and none left behind
    // They really raced: SQLite's busy handler is not fair, so one thread may
    // be starved, but at least two must have won rows.
    expect(results.filter((r) => r.claimed.length > 0).length).toBeGreaterThanOrEqual(2);

    const check = openStore(q.file);
    expect(check.countByState()).toMatchObject({ uploading: N, queued: 0 });
    // exactly one 'claimed' audit row per file
    for (const id of [1, 500, N]) expect(check.auditFor(id).filter((a) => a.event === 'claimed')).toHaveLength(1);
    check.close();
  });

  it('hands out oldest first and honours next_attempt_at for failed rows', () => {
    let clock = 1_000;
    const s = openStore(q.file, { now: () => clock });
    const a = s.enqueue(input(1));
    clock = 1_001;
    const b = s.enqueue(input(2));
    clock = 1_002;
    const c = s.enqueue(input(3));
    expect(s.claimNext(2, clock).map((r) => r.id)).toEqual([a.id, b.id]);
    s.markFailed(a.id, { error: 'e', code: 'c', retryAt: 5_000 });
    expect(s.claimNext(5, 4_999).map((r) => r.id)).toEqual([c.id]); // a not yet due
    expect(s.claimNext(5, 4_999)).toEqual([]);
    const [again] = s.claimNext(5, 5_000);
    expect(again).toMatchObject({ id: a.id, state: 'uploading', attempts: 1 });
    expect(s.auditFor(a.id).at(-1)!.detail).toEqual({ attempt: 2 });
    s.close();
  });

  it('orders a due failed row among queued ones by when it became due', () => {
    let clock = 1_000;
    const s = openStore(q.file, { now: () => clock });
    const a = s.enqueue(input(1));
    s.claimNext(1, clock);
    s.markFailed(a.id, { error: 'e', code: 'c', retryAt: 1_500 });
    clock = 2_000;
    const b = s.enqueue(input(2));
    expect(s.claimNext(0, clock)).toEqual([]);
    expect(s.claimNext(5, 3_000).map((r) => r.id)).toEqual([a.id, b.id]);
    s.close();
  });

  it('brings in failed rows due further ahead than the longest backoff (a clock set back since)', () => {
    const s = openStore(q.file, { now: () => 1_000 });
    const [near, far] = [1, 2].map((i) => s.enqueue(input(i)).id);
    s.claimNext(2, 1_000);
    s.markFailed(near!, { error: 'e', code: 'c', retryAt: 1_000 + 600 });
    s.markFailed(far!, { error: 'e', code: 'c', retryAt: 1_000 + 7_200_000 });
    expect(s.clampDueTimes(1_000, 600)).toBe(1);
    expect(s.fileById(near!)!.nextAttemptAt).toBe(1_600);
    expect(s.fileById(far!)!.nextAttemptAt).toBe(1_000);
    expect(s.claimNext(5, 1_000).map((r) => r.id)).toEqual([far]);
    s.close();
  });

  it('does not claim paused, cancelled or needs-attention rows', () => {
    const s = openStore(q.file);
    const ids = [1, 2, 3].map((i) => s.enqueue(input(i)).id);
    s.pause(ids[0]!);
    s.cancel(ids[1]!);
    s.claimNext(1);
    s.markNeedsAttention(ids[2]!, { error: 'e', code: 'c' });
    expect(s.claimNext(10, Number.MAX_SAFE_INTEGER)).toEqual([]);
    s.close();
  });
});
