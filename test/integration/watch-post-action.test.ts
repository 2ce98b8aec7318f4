// Issue 4: move and delete run only after BioT confirmed the upload (a failing
// complete leaves the source where it is), moving never overwrites, and a
// folder forced to polling still sees new files.
import { existsSync, readFileSync, mkdirSync, writeFileSync } from 'node:fs';
import { randomBytes } from 'node:crypto';
import { join } from 'node:path';
import { expect, it } from 'vitest';
import { createEngine } from '../../app/engine/create-engine.ts';
import { worldPerTest } from '../support/engine-harness.ts';
import { describeWithS3 } from '../support/s3.ts';
import { allRows, countIn, put, until } from '../support/watch-helpers.ts';
import { holdsFor } from '../support/wait.ts';

describeWithS3('folder watcher: post-upload actions and polling', (target) => {
  const t = worldPerTest(target);

  it('moves to the archive only after completion, keeping the relative path and never overwriting', async () => {
    const archive = join(t.world.root, 'archive');
    mkdirSync(join(archive, 'day1'), { recursive: true });
    writeFileSync(join(archive, 'day1', 'scan.dat'), 'an older export already archived');
    t.world.sandbox.faults.add({ op: 'file.complete', status: 500, times: Infinity });
    t.engine = createEngine(
      t.world.config({ folders: [{ id: 'inbox', path: t.world.inbox, quietSeconds: 0.3, afterUpload: 'move', archiveDir: archive }] }),
    );
    t.engine.start();
    await t.engine.whenWatching();
    const bytes = randomBytes(6 * 1024 * 1024);
    const source = join(t.world.inbox, 'day1', 'scan.dat');
    put(source, bytes);
    await until('a failed complete', () => t.world.sandbox.calls('file.complete') >= 2, 30_000);
    expect(existsSync(source)).toBe(true);
    expect(allRows(t.engine)[0]).toMatchObject({ postAction: null });

    t.world.sandbox.faults.clear();
    await t.engine.retry({ all: true });
    await until('done and moved', () => allRows(t.engine!)[0]?.postAction === 'moved', 30_000);
    expect(existsSync(source)).toBe(false);
    expect(readFileSync(join(archive, 'day1', 'scan (2).dat')).equals(bytes)).toBe(true);
    expect(readFileSync(join(archive, 'day1', 'scan.dat'), 'utf8')).toBe('an older export already archived');
    const events = t.engine.store.auditFor(allRows(t.engine)[0]!.id).map((a) => a.event);
    expect(events.indexOf('post-action')).toBeGreaterThan(events.indexOf('completed'));
    // The moved file is gone from the inbox: nothing was marked missing or queued again.
    await holdsFor('one row', 700, () => allRows(t.engine!).length === 1, { seen: () => allRows(t.engine!).map((r) => r.state) });
  }, 60_000);

  it('deletes only done files, and records a failed action without losing the file', async () => {
    t.engine = createEngine(t.world.config({ folders: [{ id: 'inbox', path: t.world.inbox, quietSeconds: 0.3, afterUpload: 'delete' }] }));
    t.engine.start();
    await t.engine.whenWatching();
    put(join(t.world.inbox, 'a.dat'), 3000);
    await until('deleted', () => allRows(t.engine!)[0]?.postAction === 'deleted', 30_000);
    expect(existsSync(join(t.world.inbox, 'a.dat'))).toBe(false);
    expect(countIn(t.engine, 'missing')).toBe(0);
  }, 60_000);

  it('reports a move that cannot happen and keeps the source', async () => {
    const blocked = join(t.world.root, 'not-a-folder');
    writeFileSync(blocked, 'a file where the archive folder should be');
    t.engine = createEngine(
      t.world.config({ folders: [{ id: 'inbox', path: t.world.inbox, quietSeconds: 0.3, afterUpload: 'move', archiveDir: blocked }] }),
    );
    t.engine.start();
    await t.engine.whenWatching();
    put(join(t.world.inbox, 'b.dat'), 3000);
    await until('the failed move', () => allRows(t.engine!)[0]?.postAction === 'failed', 30_000);
    const [row] = allRows(t.engine);
    expect(row).toMatchObject({ state: 'done', postActionError: expect.stringMatching(/^E[A-Z]+$/) });
    expect(existsSync(join(t.world.inbox, 'b.dat'))).toBe(true);
  }, 60_000);

  it('sees new files in a folder forced to polling', async () => {
    t.engine = createEngine(t.world.config({ folders: [{ id: 'inbox', path: t.world.inbox, quietSeconds: 0.3, poll: true, pollSeconds: 0.3 }] }));
    t.engine.start();
    await t.engine.whenWatching();
    put(join(t.world.inbox, 'nested', 'p.dat'), 2000);
    put(join(t.world.inbox, 'q.dat'), 2000);
    await until('two uploads', () => countIn(t.engine!, 'done') === 2, 30_000);
  }, 60_000);
});
