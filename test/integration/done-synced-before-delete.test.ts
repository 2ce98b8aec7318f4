// Issue 20's group commit: done is committed at once but on disk only with
// the store's next group sync (app/store/wal-sync.ts). A folder that deletes
// its sources must not delete one before that sync returned: here the sync
// of the done row is held, the source stays while it is, and goes once it
// returns. Real engine, real folder, the sandbox over the disk store.
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { createEngine } from '../../app/engine/create-engine.ts';
import { worldPerTest } from '../support/engine-harness.ts';
import { allRows, put, until } from '../support/watch-helpers.ts';
import { holdsFor } from '../support/wait.ts';

describe('the group sync and a delete after upload', () => {
  const t = worldPerTest(undefined);

  it('deletes a source only once the sync that holds its done row returned', async () => {
    t.engine = createEngine(t.world.config({ folders: [{ id: 'inbox', path: t.world.inbox, quietSeconds: 0.2, afterUpload: 'delete' }] }));
    const store = t.engine.store;
    const sync = store.whenDurable.bind(store);
    let release: (() => void) | undefined;
    const held = new Promise<void>((done) => (release = done));
    // Syncs asked for once the row is done are held (the upload's own, before its PUT, go through).
    store.whenDurable = () => (allRows(t.engine!)[0]?.state === 'done' ? held.then(sync) : sync());
    t.engine.start();
    await t.engine.whenWatching();
    const source = join(t.world.inbox, 'ecg.dat');
    put(source, 3000);
    await until('done', () => allRows(t.engine!)[0]?.state === 'done', 30_000);
    await holdsFor('the source kept while its done row is not synced', 500, () => existsSync(source));
    expect(allRows(t.engine)[0]?.postAction).toBeNull();
    release!();
    await until('deleted', () => allRows(t.engine!)[0]?.postAction === 'deleted', 30_000);
    expect(existsSync(source)).toBe(false);
  }, 60_000);
});
