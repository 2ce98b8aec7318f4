// Issue 20: small files go as many at once as the connections large files
// would use (parallelFiles x parallelParts), never more, and as many again
// make their BioT file ahead of their turn while the others send; a stop
// before such a file's PUT sends nothing to it, and every file still ends
// with one BioT file holding its bytes. Real engine, real files, the sandbox
// (disk store) answering every PUT late so the overlap can be watched.
import { randomBytes } from 'node:crypto';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { createEngine } from '../../app/engine/create-engine.ts';
import { worldPerTest } from '../support/engine-harness.ts';
import { scanFolders } from '../../app/cli/once-scan.ts';
import { allRows, until } from '../support/watch-helpers.ts';

const FILES = 12;

describe('the small-file lane and create-ahead', () => {
  const t = worldPerTest(undefined);

  /** FILES small files in the inbox, an engine with 1 file x 4 parts (4 connections), every PUT answered 400 ms late. */
  async function start() {
    for (let i = 0; i < FILES; i++) writeFileSync(join(t.world.inbox, `ecg-${i}.dat`), randomBytes(2000 + i));
    t.world.sandbox.faults.add({ op: 'storage.putObject', delayMs: 400, times: Infinity });
    t.engine = createEngine(t.world.config({ transfer: { parallelFiles: 1, parallelParts: 4 } }));
    t.engine.start({ watch: false });
    await scanFolders(t.engine, {});
  }

  /** Samples, every few ms until `done`, the PUTs open at storage and the BioT files made so far. */
  function watchOverlap(done: () => boolean) {
    const seen: { open: number; creates: number; putsDone: number }[] = [];
    return {
      seen,
      finished: (async () => {
        while (!done()) {
          const { sandbox } = t.world;
          const putsDone = sandbox.storageLog().filter((e) => e.op === 'storage.putObject' && e.status === 200).length;
          seen.push({ open: sandbox.storageOpen(), creates: sandbox.calls('file.createSingle'), putsDone });
          await new Promise((r) => setTimeout(r, 5));
        }
      })(),
    };
  }

  it('sends four small files at once on one file x four parts, and makes four more BioT files meanwhile', async () => {
    await start();
    const overlap = watchOverlap(() => allRows(t.engine!).every((r) => r.state === 'done'));
    await overlap.finished;
    const most = Math.max(...overlap.seen.map((s) => s.open));
    expect(most).toBe(4); // parallelFiles 1 would have been one
    // While the first four PUTs were still open, the next four had their BioT file already: eight made, none answered.
    expect(overlap.seen.some((s) => s.putsDone === 0 && s.creates === 8)).toBe(true);
    // Never further ahead than that.
    expect(overlap.seen.every((s) => s.creates - s.putsDone <= 8)).toBe(true);
    const biotIds = allRows(t.engine!).map((r) => r.biotFileId);
    expect(new Set(biotIds).size).toBe(FILES);
  }, 60_000);

  it('sends nothing to a BioT file made ahead when the files are paused before its turn, and still sends each file once', async () => {
    await start();
    await until(
      'four PUTs open and four files made ahead',
      () => t.world.sandbox.storageOpen() === 4 && t.world.sandbox.calls('file.createSingle') === 8,
      {
        everyMs: 5,
        seen: () => ({ open: t.world.sandbox.storageOpen(), creates: t.world.sandbox.calls('file.createSingle') }),
      },
    );
    await t.engine!.pause({ all: true });
    const madeBeforePause = t.world.sandbox.files().map((f) => f.id);
    // The four PUTs open at the pause end too (cut off): their BioT files are not the ones made ahead.
    await until('the cut-off PUTs logged', () => t.world.sandbox.storageOpen() === 0);
    const putBeforeResume = new Set(t.world.sandbox.storageLog().map((e) => e.fileId));
    await t.engine!.resume({ all: true });
    await until('every file done', () => allRows(t.engine!).every((r) => r.state === 'done'), 30_000);
    const rows = allRows(t.engine!);
    const sent = new Set(rows.map((r) => r.biotFileId));
    expect(sent.size).toBe(FILES);
    // The files made ahead and given up at the pause hold no bytes: no PUT ever went to them.
    const putTo = new Set(
      t.world.sandbox
        .storageLog()
        .filter((e) => e.op === 'storage.putObject')
        .map((e) => e.fileId),
    );
    const madeAhead = madeBeforePause.filter((id) => !putBeforeResume.has(id));
    expect(madeAhead.length).toBe(4);
    const givenUp = madeAhead.filter((id) => !sent.has(id));
    expect(givenUp.length).toBeGreaterThan(0);
    expect(givenUp.filter((id) => putTo.has(id))).toEqual([]);
    // Each file's own BioT file got its bytes.
    expect([...sent].every((id) => putTo.has(id!))).toBe(true);
  }, 60_000);

  it('closes a BioT file made ahead as cancelled when a person cancels its file before its turn', async () => {
    await start();
    await until(
      'four PUTs open and four files made ahead',
      () => t.world.sandbox.storageOpen() === 4 && t.world.sandbox.calls('file.createSingle') === 8,
      {
        everyMs: 5,
      },
    );
    // Rows are claimed in id order: the fifth one made its BioT file and waits for a connection.
    const ahead = allRows(t.engine!)[4]!;
    await t.engine!.cancel({ fileId: ahead.id });
    await until(
      'the others done',
      () =>
        allRows(t.engine!)
          .filter((r) => r.id !== ahead.id)
          .every((r) => r.state === 'done'),
      30_000,
    );
    expect(t.engine!.store.fileById(ahead.id)?.state).toBe('cancelled');
    expect(t.engine!.store.uploadsFor(ahead.id).map((u) => u.state)).toEqual(['cancelled']);
  }, 60_000);
});
