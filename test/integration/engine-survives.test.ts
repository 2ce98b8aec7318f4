// Issue 10 §1/§2: the engine never crashes, never hangs and loses nothing.
// A throwing UI listener, a store that fails for a moment (SQLITE_BUSY) or
// for good until space returns (SQLITE_FULL, injected at the store boundary:
// the real full disk is in engine-data-folder.test.ts), close() called twice
// or on a login that never answers. Real engine, real SQLite, real sandbox
// (disk store) on 127.0.0.1.
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { expect, it } from 'vitest';
import { createEngine } from '../../app/engine/create-engine.ts';
import type { Logger, LogFacts } from '../../app/common/logger.ts';
import { openStore } from '../../app/store/index.ts';
import { worldPerTest } from '../support/engine-harness.ts';
import { until } from '../support/watch-helpers.ts';
import { scanFolders, whenSettled } from '../../app/cli/once-scan.ts';

const t = worldPerTest(undefined);

function capture(): Logger & { events: (LogFacts & { event: string })[] } {
  const events: (LogFacts & { event: string })[] = [];
  return { events, log: (_level, event, facts = {}) => void events.push({ event, ...facts }) };
}

const storeError = (code: string) => Object.assign(new Error(`injected ${code}`), { name: 'SqliteError', code });

it('a UI listener that throws never costs a state write, and is logged', async () => {
  writeFileSync(join(t.world.inbox, 'a.dat'), 'a'.repeat(5000));
  const log = capture();
  t.engine = createEngine(t.world.config(), { logger: log });
  const heard: string[] = [];
  t.engine.onEvent(() => {
    throw new TypeError('a UI bug');
  });
  t.engine.onEvent((e) => heard.push(e.type));
  await scanFolders(t.engine);
  t.engine.start({ watch: false });
  await whenSettled(t.engine, { maxAttempts: 1 });
  const [row] = t.engine.store.listFiles().files;
  // Done on the first attempt: the listener's throw did not turn 'done' into a retry.
  expect(row).toMatchObject({ state: 'done', attempts: 0, lastErrorCode: null });
  expect(t.world.sandbox.calls('file.createSingle')).toBe(1);
  // The other listener still heard of it, and the throw was logged, not lost.
  expect(heard).toContain('connection');
  expect(log.events.find((e) => e.event === 'event-listener-failed')).toMatchObject({ operation: 'events.listener', error: 'TypeError' });
});

it('a store that is busy for a moment does not end the engine: the claim is logged and tried again', async () => {
  writeFileSync(join(t.world.inbox, 'b.dat'), 'b'.repeat(5000));
  const log = capture();
  t.engine = createEngine(t.world.config(), { logger: log });
  await scanFolders(t.engine);
  const store = t.engine.store;
  const claimNext = store.claimNext.bind(store);
  let failures = 3;
  store.claimNext = (limit, now) => {
    if (failures-- > 0) throw storeError('SQLITE_BUSY');
    return claimNext(limit, now);
  };
  t.engine.start({ watch: false });
  await until('the file uploaded after the busy store', () => store.countByState().done === 1, 20_000);
  expect(log.events.filter((e) => e.event === 'pump-failed')[0]).toMatchObject({ operation: 'scheduler.pump', code: 'SQLITE_BUSY' });
});

it('a full data folder holds uploads, says so, and goes on by itself without sending the file twice', async () => {
  writeFileSync(join(t.world.inbox, 'c.dat'), 'c'.repeat(5000));
  let spaceBack = false;
  t.engine = createEngine(t.world.config(), {
    // Stands in for statfs/access on a full disk: the real one is in engine-data-folder.test.ts.
    dataFolder: { probeMs: 50, check: async () => (spaceBack ? undefined : 'full') },
  });
  await scanFolders(t.engine);
  const store = t.engine.store;
  const markDone = store.markDone.bind(store);
  store.markDone = (fileId, result) => {
    if (!spaceBack) throw storeError('SQLITE_FULL');
    return markDone(fileId, result);
  };
  const connection: string[] = [];
  t.engine.onEvent((e) => e.type === 'connection' && connection.push(e.connection.state));
  t.engine.start({ watch: false });
  await until('uploads held for the data folder', () => t.engine!.heldBecause() !== undefined, 20_000);
  const held = await t.engine.snapshot();
  expect(held.connection).toMatchObject({ state: 'data-folder-unwritable' });
  expect(held.connection.advice).toMatch(/full.*held.*by themselves/);
  expect(t.engine.heldBecause()).toMatch(/full/);
  expect(connection).toContain('data-folder-unwritable');
  // BioT has it; the row could not say so and is not sent again meanwhile.
  expect(store.countByState().uploading).toBe(1);
  spaceBack = true;
  await until('the held outcome written once space returned', () => store.countByState().done === 1, 20_000);
  expect(t.engine.heldBecause()).toBeUndefined();
  expect((await t.engine.snapshot()).connection.state).not.toBe('data-folder-unwritable');
  expect(t.world.sandbox.calls('file.createSingle')).toBe(1);
});

it('close() is idempotent, and bounded when a login never answers: the file is left for the next start', async () => {
  writeFileSync(join(t.world.inbox, 'd.dat'), 'd'.repeat(5000));
  t.world.sandbox.faults.add({ op: 'ums.login', delayMs: 120_000 });
  const config = t.world.config({ transfer: { requestTimeoutSeconds: 3600 } });
  const engine = createEngine(config);
  await scanFolders(engine);
  engine.start({ watch: false });
  await until('the login under way', () => t.world.sandbox.calls('ums.login') >= 1, 20_000);
  const first = engine.close({ deadlineMs: 500 });
  expect(engine.close()).toBe(first);
  await first; // without the deadline this waits for the login (two minutes), past the test's timeout
  await engine.close();
  const store = openStore(join(config.dataDir, 'queue.db'));
  try {
    store.recoverAtStartup();
    expect(store.countByState()).toMatchObject({ queued: 1, done: 0 });
  } finally {
    store.close();
  }
}, 30_000);
