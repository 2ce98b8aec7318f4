// Issue 4: the same content under two names is one upload and one duplicate
// record (also when both arrive together); changed content is a new upload;
// files added while the engine was stopped are found at start-up, and a
// queued file that vanished meanwhile is marked missing.
import { rmSync, writeFileSync } from 'node:fs';
import { randomBytes } from 'node:crypto';
import { join } from 'node:path';
import { afterEach, beforeEach, expect, it } from 'vitest';
import { createEngine } from '../../app/engine/create-engine.ts';
import type { Engine } from '../../app/engine/engine.ts';
import { jsonLogger } from '../../app/common/logger.ts';
import { createWorld, type World } from '../support/engine-harness.ts';
import { describeWithS3 } from '../support/s3.ts';
import { allRows, countIn, put, until } from '../support/watch-helpers.ts';

describeWithS3('folder watcher: duplicates and start-up', (target) => {
  let world: World;
  let engine: Engine | undefined;
  const config = (extra: Record<string, unknown> = {}) =>
    world.config({ folders: [{ id: 'inbox', path: world.inbox, quietSeconds: 0.3, ...extra }] });
  /** BioT uploads created, of either kind (files under one part go as single uploads). */
  const creates = () => world.sandbox.calls('file.createMultipart') + world.sandbox.calls('file.createSingle');
  const settled = (n: number) => until(`${n} settled rows`, () => countIn(engine!, 'done') + countIn(engine!, 'duplicate') >= n, 30_000);

  beforeEach(async () => {
    world = await createWorld(target);
  });
  afterEach(async () => {
    await engine?.close();
    engine = undefined;
    await world.dispose();
  });

  it('records an export written twice as one upload and one duplicate; a changed one is sent again', async () => {
    engine = createEngine(config(), process.env.WATCH_DEBUG ? { logger: jsonLogger((l) => console.log(l)) } : {});
    engine.start();
    await engine.whenWatching();
    const bytes = randomBytes(70_000);
    put(join(world.inbox, 'ecg-0001.xml'), bytes);
    await settled(1);
    put(join(world.inbox, 'copy', 'ecg-0001 (export 2).xml'), bytes);
    await settled(2);
    const [first, second] = allRows(engine);
    expect(first).toMatchObject({ state: 'done' });
    expect(second).toMatchObject({ state: 'duplicate', duplicateOf: first!.id });
    expect(creates()).toBe(1);

    // Same name, new bytes: a new version, uploaded.
    writeFileSync(join(world.inbox, 'ecg-0001.xml'), Buffer.concat([bytes, Buffer.from('amended')]));
    await until('the new version', () => countIn(engine!, 'done') === 2, 30_000);
    expect(creates()).toBe(2);
    const audit = engine.store.auditFor(second!.id);
    expect(JSON.stringify(audit)).not.toContain('ecg-0001'); // ids and hashes only
  }, 60_000);

  it('sends identical twins that arrive together once', async () => {
    engine = createEngine(world.config({ folders: [{ id: 'inbox', path: world.inbox, quietSeconds: 0.3 }], transfer: { parallelFiles: 4 } }));
    engine.start();
    await engine.whenWatching();
    const bytes = randomBytes(6 * 1024 * 1024);
    for (const name of ['a.dat', 'b.dat', 'c.dat']) put(join(world.inbox, name), bytes);
    await settled(3);
    expect(
      allRows(engine)
        .map((r) => r.state)
        .sort(),
    ).toEqual(['done', 'duplicate', 'duplicate']);
    expect(creates()).toBe(1);
  }, 60_000);

  it("uploads twins twice under duplicates: 'upload'", async () => {
    engine = createEngine(config({ duplicates: 'upload' }));
    engine.start();
    await engine.whenWatching();
    const bytes = randomBytes(1000);
    put(join(world.inbox, 'a.dat'), bytes);
    await settled(1);
    put(join(world.inbox, 'b.dat'), bytes);
    await until('both uploads', () => countIn(engine!, 'done') === 2, 30_000);
  }, 60_000);

  it('finds files added while stopped, and marks a queued file that vanished meanwhile', async () => {
    // A queued row whose file then disappears while the app is not running.
    const first = createEngine(config());
    put(join(world.inbox, 'gone.dat'), 100);
    const gone = (await first.enqueue(join(world.inbox, 'gone.dat')))!;
    expect(gone.state).toBe('queued');
    await first.close();
    rmSync(join(world.inbox, 'gone.dat'));
    for (let i = 0; i < 5; i++) put(join(world.inbox, 'later', `new-${i}.dat`), 500 + i);

    engine = createEngine(config());
    engine.start();
    await until('the new files', () => countIn(engine!, 'done') === 5, 30_000);
    expect(engine.store.fileById(gone.id)?.state).toBe('missing');
    expect(countIn(engine, 'queued')).toBe(0);
  }, 60_000);

  it('marks a waiting file missing when it is deleted while running', async () => {
    // BioT refuses to create uploads: the row fails and waits for its retry.
    world.sandbox.faults.add({ op: 'file.createMultipart', status: 500, times: Infinity });
    world.sandbox.faults.add({ op: 'file.createSingle', status: 500, times: Infinity });
    engine = createEngine(config());
    engine.start();
    await engine.whenWatching();
    put(join(world.inbox, 'brief.dat'), 100);
    const seen = () => ({ rows: engine!.store.countByState(), createsRefused: creates() });
    await until('a failed attempt', () => countIn(engine!, 'failed') === 1, { timeoutMs: 30_000, seen });
    rmSync(join(world.inbox, 'brief.dat'));
    await until('missing', () => countIn(engine!, 'missing') === 1, { timeoutMs: 30_000, seen });
  }, 90_000);
});
