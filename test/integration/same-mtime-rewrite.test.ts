// Issue 16, "a file rewritten in place, same size, same mtime": an EDF writer
// updates its header at the end, or a FAT32 card (2 s mtime granularity)
// hides the change. 32 header bytes are rewritten once the first part (or the
// single PUT) landed, and the mtime is put back: size and mtime say "the same
// file", but BioT holds the old bytes. Before a delete or a move the source's
// content is checked against the SHA-256 of what BioT holds: the source is
// kept, its new content goes as a new upload, and History says so. Real
// engine and watcher, sandbox over radosgw, real folders and SQLite.
import { createHash, randomBytes } from 'node:crypto';
import { existsSync, mkdirSync, readFileSync, utimesSync } from 'node:fs';
import { join } from 'node:path';
import { expect, it } from 'vitest';
import { createEngine } from '../../app/engine/create-engine.ts';
import type { Engine } from '../../app/engine/engine.ts';
import type { FileRow } from '../../app/store/types.ts';
import { downloadedSha256, worldPerTest } from '../support/engine-harness.ts';
import { scanFolders, whenSettled } from '../../app/cli/once-scan.ts';
import { describeWithS3 } from '../support/s3.ts';
import { rewriteHeaderKeepingMtime } from '../support/rewrite-in-place.ts';
import { allRows, put, until } from '../support/watch-helpers.ts';

const MiB = 1024 * 1024;

/** Writes an export whose mtime is on a whole even second, as a FAT32 card stamps it (and utimes can put back exactly). */
function writeExport(path: string, bytes: Buffer): void {
  put(path, bytes);
  const stamp = 2 * Math.floor(Date.now() / 2000);
  utimesSync(path, stamp, stamp);
}

/** Until the first row's part 1 (or its single PUT) landed: BioT holds the old header. */
function untilPartOneSent(engine: Engine): Promise<void> {
  return until('the first part sent', () => {
    const r = allRows(engine)[0];
    const upload = r && engine.store.currentUpload(r.id);
    return upload !== undefined && engine.store.partsOf(upload.id).some((p) => p.partNumber === 1 && p.etag !== null);
  });
}

/** Until the first row's post-upload action ran on its source and, when it kept a rewritten one, the new row's too. */
function untilActionsRan(engine: Engine): Promise<void> {
  const ran = () => {
    const [a, b] = allRows(engine);
    return a?.postAction != null && (a.postActionError !== 'SOURCE_REWRITTEN' || b?.postAction != null);
  };
  return until('the post-upload actions', ran, { seen: () => allRows(engine).map((r) => [r.state, r.postAction, r.postActionError]) });
}

describeWithS3('a file rewritten in place with the same size and mtime', (target) => {
  // Storage through the sandbox, so a part's PUT can be made slow.
  const t = worldPerTest(target, { proxyStorage: true });

  async function scenario(options: { afterUpload: 'delete' | 'move'; size: number }) {
    const archive = join(t.world.root, 'archive');
    mkdirSync(archive);
    // The rewrite must land after the first part, and before the size and mtime
    // are looked at again (after the last part, or right after a single PUT): the
    // parts after the first go one at a time and slowly; a single upload's
    // read-back is slow.
    const multipart = options.size > 5 * MiB;
    if (multipart) t.world.sandbox.faults.add({ op: 'storage.putPart', nth: 2, times: Infinity, delayMs: 1000 });
    else t.world.sandbox.faults.add({ op: 'file.download', delayMs: 1000 });
    t.engine = createEngine(
      t.world.config({
        folders: [
          {
            id: 'inbox',
            path: t.world.inbox,
            quietSeconds: 0.3,
            afterUpload: options.afterUpload,
            ...(options.afterUpload === 'move' && { archiveDir: archive }),
          },
        ],
        transfer: { parallelParts: 1 },
      }),
    );
    const engine = t.engine;
    engine.start();
    await engine.whenWatching();
    const source = join(t.world.inbox, 'rec.edf');
    const first = randomBytes(options.size);
    writeExport(source, first);
    await untilPartOneSent(engine);
    const rewritten = rewriteHeaderKeepingMtime(source);
    t.world.sandbox.faults.clear();
    await untilActionsRan(engine);
    const [old, fresh] = allRows(engine) as [FileRow, FileRow];
    // BioT's first file is the old version; the source was kept for the new one, sent as a second file.
    expect(old).toMatchObject({ state: 'done', postAction: 'skipped', postActionError: 'SOURCE_REWRITTEN' });
    expect(await downloadedSha256(t.world.biot, old.biotFileId!)).toEqual({
      sha256: createHash('sha256').update(first).digest('hex'),
      size: options.size,
    });
    expect(fresh).toMatchObject({ state: 'done', sha256: rewritten, relPath: 'rec.edf' });
    expect(await downloadedSha256(t.world.biot, fresh.biotFileId!)).toEqual({ sha256: rewritten, size: options.size });
    // History says what happened to the first one.
    const history = await engine.history();
    expect(history.rows.find((h) => h.id === old.id)).toMatchObject({ postAction: 'skipped', postActionError: 'SOURCE_REWRITTEN' });
    expect(engine.store.auditFor(fresh.id).find((a) => a.event === 'source-changed')?.detail).toMatchObject({ rewriteOf: old.id });
    return { source, archive, fresh, rewritten };
  }

  it('delete, multipart: the rewritten source is kept until its new content is in BioT', async () => {
    const { source, fresh } = await scenario({ afterUpload: 'delete', size: 12 * MiB });
    expect(fresh.postAction).toBe('deleted');
    expect(existsSync(source)).toBe(false);
  }, 90_000);

  it('move on one volume, multipart: the archive gets the new content, never the old name for unsent bytes', async () => {
    const { source, archive, fresh, rewritten } = await scenario({ afterUpload: 'move', size: 12 * MiB });
    expect(fresh.postAction).toBe('moved');
    expect(existsSync(source)).toBe(false);
    expect(
      createHash('sha256')
        .update(readFileSync(join(archive, 'rec.edf')))
        .digest('hex'),
    ).toBe(rewritten);
  }, 90_000);

  it('delete, single upload: the same check', async () => {
    const { source, fresh } = await scenario({ afterUpload: 'delete', size: 1 * MiB });
    expect(fresh.postAction).toBe('deleted');
    expect(existsSync(source)).toBe(false);
  }, 90_000);

  it('stopped after part 1, rewritten while the app was off, resumed: BioT holds a mix, so the source is kept and its content sent again', async () => {
    t.world.sandbox.faults.add({ op: 'storage.putPart', nth: 2, times: Infinity, delayMs: 10_000 });
    const config = t.world.config({
      folders: [{ id: 'inbox', path: t.world.inbox, quietSeconds: 0.3, afterUpload: 'delete' }],
      transfer: { parallelParts: 1 },
    });
    t.engine = createEngine(config);
    t.engine.start();
    await t.engine.whenWatching();
    const source = join(t.world.inbox, 'rec.edf');
    writeExport(source, randomBytes(12 * MiB));
    const first = t.engine;
    await untilPartOneSent(first);
    await first.close();
    const rewritten = rewriteHeaderKeepingMtime(source);
    t.world.sandbox.faults.clear();
    const engine = createEngine(config);
    t.engine = engine;
    engine.start();
    await untilActionsRan(engine);
    const [old, fresh] = allRows(engine) as [FileRow, FileRow];
    // The resumed upload sent its other parts from the new version: no hash of BioT's bytes could be taken.
    expect(engine.store.uploadsFor(old.id).map((u) => u.state)).toEqual(['completed']);
    expect(old).toMatchObject({ postAction: 'skipped', postActionError: 'SOURCE_REWRITTEN', sha256: null });
    expect(fresh).toMatchObject({ sha256: rewritten, postAction: 'deleted' });
    expect(await downloadedSha256(t.world.biot, fresh.biotFileId!)).toEqual({ sha256: rewritten, size: 12 * MiB });
    expect(existsSync(source)).toBe(false);
  }, 90_000);

  it('run --once: the new content is sent in the same run (it waits for the check before the delete)', async () => {
    t.world.sandbox.faults.add({ op: 'storage.putPart', nth: 2, times: Infinity, delayMs: 1000 });
    t.engine = createEngine(
      t.world.config({
        folders: [{ id: 'inbox', path: t.world.inbox, quietSeconds: 0, afterUpload: 'delete' }],
        transfer: { parallelParts: 1 },
      }),
    );
    const engine = t.engine;
    const source = join(t.world.inbox, 'rec.edf');
    writeExport(source, randomBytes(24 * MiB));
    engine.start({ watch: false });
    await scanFolders(engine, { settledOnly: true });
    await untilPartOneSent(engine);
    const rewritten = rewriteHeaderKeepingMtime(source);
    t.world.sandbox.faults.clear();
    // Asked often: the moment between the first upload's end and the check that queues the new content is short.
    await whenSettled(engine, { maxAttempts: 1, pollMs: 5 });
    // Nothing read after whenSettled waits for anything: the run would end here.
    expect(allRows(engine).map((r) => [r.state, r.postAction, r.postActionError])).toEqual([
      ['done', 'skipped', 'SOURCE_REWRITTEN'],
      ['done', 'deleted', null],
    ]);
    expect(allRows(engine)[1]!.sha256).toBe(rewritten);
  }, 60_000);
});
