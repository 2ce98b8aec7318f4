// The post-upload action is decided when a row becomes done: changing a
// folder from "leave" to "delete" acts on exports uploaded from then on, never
// on the ones uploaded under "leave". Reconfiguring twice in a row starts the
// newest watcher once, and one row's action never runs twice at a time.
import { createHash } from 'node:crypto';
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { parseConfig } from '../../app/config/load.ts';
import { createEngine } from '../../app/engine/create-engine.ts';
import type { Logger } from '../../app/common/logger.ts';
import { silentLogger } from '../../app/common/logger.ts';
import { openStore } from '../../app/store/index.ts';
import { FolderWatcher } from '../../app/watch/index.ts';
import { worldPerTest } from '../support/engine-harness.ts';
import { describeWithS3 } from '../support/s3.ts';
import { allRows, put, until } from '../support/watch-helpers.ts';
import { holdsFor } from '../support/wait.ts';

describeWithS3('folder watcher: the post-upload action recorded at done', (target) => {
  const t = worldPerTest(target);

  it('a folder switched from leave to delete keeps what was uploaded under leave', async () => {
    const leave = t.world.config({ folders: [{ id: 'inbox', path: t.world.inbox, quietSeconds: 0.2, afterUpload: 'leave' }] });
    t.engine = createEngine(leave);
    t.engine.start();
    await t.engine.whenWatching();
    const old = join(t.world.inbox, 'old.dat');
    put(old, 3000);
    await until('the first upload', () => allRows(t.engine!)[0]?.state === 'done');

    t.engine.reconfigure(t.world.config({ folders: [{ id: 'inbox', path: t.world.inbox, quietSeconds: 0.2, afterUpload: 'delete' }] }));
    await t.engine.whenWatching();
    const fresh = join(t.world.inbox, 'new.dat');
    put(fresh, 3000);
    await until('the new export deleted', () => allRows(t.engine!)[1]?.postAction === 'deleted');
    expect(existsSync(fresh)).toBe(false);
    expect(existsSync(old)).toBe(true);
    expect(allRows(t.engine)[0]).toMatchObject({ state: 'done', postAction: null });
  }, 60_000);

  it('two reconfigures in a row start the newest watcher once', async () => {
    const events: string[] = [];
    const logger: Logger = { log: (_level, event) => void events.push(event) };
    t.engine = createEngine(t.world.config(), { logger });
    t.engine.start();
    await t.engine.whenWatching();
    events.length = 0;
    t.engine.reconfigure(t.world.config({ folders: [{ id: 'inbox', path: t.world.inbox, quietSeconds: 0.1 }] }));
    t.engine.reconfigure(t.world.config({ folders: [{ id: 'inbox', path: t.world.inbox, quietSeconds: 0.2 }] }));
    await t.engine.whenWatching();
    const count = (name: string) => events.filter((e) => e === name).length;
    // whenWatching() follows the newest watcher; a second start would come after it.
    await holdsFor('one watcher started and reconciled', 300, () => count('watch-started') === 1 && count('watch-reconciled') === 1, {
      seen: () => events,
    });
  }, 60_000);
});

describe('folder watcher: one post-upload action per row at a time', () => {
  let root: string;
  beforeEach(() => {
    root = mkdtempSync(join(tmpdir(), 'du-post-'));
  });
  afterEach(() => rmSync(root, { recursive: true, force: true }));

  it('a second afterUpload for the same row while the first runs does not run the action again', async () => {
    const inbox = join(root, 'inbox');
    const source = join(inbox, 'a.dat');
    put(source, 4096);
    const config = parseConfig(
      {
        dataDir: join(root, 'data'),
        server: { baseUrl: 'http://127.0.0.1:1', auth: { type: 'user', username: 'u', password: 'p' } },
        folders: [{ id: 'inbox', path: inbox, quietSeconds: 0, afterUpload: 'delete' }],
      },
      { baseDir: root },
    );
    const store = openStore(join(root, 'queue.db'));
    try {
      const { statSync } = await import('node:fs');
      const s = statSync(source);
      store.enqueue({ folderId: 'inbox', sourcePath: source, relPath: 'a.dat', size: s.size, mtimeMs: s.mtimeMs });
      const [claimed] = store.claimNext(1);
      // Delete runs only for a file whose copy at BioT was verified (issue 9).
      const upload = store.startUpload(
        claimed!.id,
        { biotFileId: 'biot-1', kind: 'single', partSize: s.size, partCount: 1, fileSize: s.size, fileMtimeMs: s.mtimeMs },
        [{ partNumber: 1, offset: 0, size: s.size }],
      );
      // The PUT's MD5, as the transfer records it: what the source's bytes are checked against before the delete.
      const md5 = createHash('md5').update(readFileSync(source)).digest('hex');
      store.recordPartEtag(upload.id, 1, { etag: `"${md5}"`, md5 });
      store.recordVerification(upload.id, { verdict: 'verified' });
      const done = store.markDone(claimed!.id, { biotFileId: 'biot-1', afterUpload: 'delete' });
      const watcher = new FolderWatcher({ folders: config.folders, store, hand: async () => true, log: silentLogger });
      await Promise.all([watcher.afterUpload(done), watcher.afterUpload(done), watcher.afterUpload(done)]);
      await watcher.close();
      expect(existsSync(source)).toBe(false);
      expect(store.fileById(done.id)).toMatchObject({ postAction: 'deleted', postActionError: null });
      expect(store.auditFor(done.id).filter((a) => a.event === 'post-action')).toHaveLength(1);
    } finally {
      store.close();
    }
  });
});
