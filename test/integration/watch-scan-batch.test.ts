// Issue 20: chokidar lists a folder dropped into a watched one with readdirp,
// lstat-ing up to 256 entries of every subfolder at once. scan-batch.ts makes
// each listing lstat SCAN_BATCH at a time. Real folders, real chokidar: the
// listings it makes have the small batch, and every file of the drop is
// still reported.
import { mkdirSync, mkdtempSync, renameSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Readable } from 'node:stream';
import { FSWatcher } from 'chokidar';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { listInSmallBatches, SCAN_BATCH } from '../../app/watch/scan-batch.ts';
import { put, until } from '../support/watch-helpers.ts';

const FOLDERS = 3;
const PER_FOLDER = 50;

describe('folder listings in small batches', () => {
  let root: string;
  let watcher: FSWatcher | undefined;

  beforeEach(() => {
    root = mkdtempSync(join(tmpdir(), 'du-scan-batch-'));
  });
  afterEach(async () => {
    await watcher?.close();
    watcher = undefined;
    rmSync(root, { recursive: true, force: true });
  });

  it('lists a dropped folder SCAN_BATCH entries at a time and still reports every file', async () => {
    const inbox = join(root, 'inbox');
    mkdirSync(inbox);
    const src = join(root, 'drop-src');
    for (let f = 0; f < FOLDERS; f++) for (let i = 0; i < PER_FOLDER; i++) put(join(src, `batch-${f}`, `export-${i}.dat`), `export ${f} ${i}`);
    watcher = new FSWatcher({ ignoreInitial: true });
    expect(listInSmallBatches(watcher)).toBe(true); // this chokidar still lists through the method it wraps
    // Each listing's stream, as chokidar made it through the wrapped method.
    const batches: number[] = [];
    const target = watcher as unknown as { createScanStream: (root: string, options: object) => Readable | undefined };
    const wrapped = target.createScanStream;
    target.createScanStream = (dir, options) => {
      const stream = wrapped.call(watcher, dir, options);
      if (stream) batches.push(stream.readableHighWaterMark);
      return stream;
    };
    const added = new Set<string>();
    watcher.on('add', (path) => added.add(path));
    watcher.add(inbox);
    await new Promise<void>((resolve) => watcher!.once('ready', () => resolve()));
    renameSync(src, join(inbox, 'drop'));
    await until(`${FOLDERS * PER_FOLDER} files reported`, () => added.size >= FOLDERS * PER_FOLDER, { timeoutMs: 30_000, seen: () => added.size });
    expect(added.size).toBe(FOLDERS * PER_FOLDER);
    expect(batches.length).toBeGreaterThanOrEqual(FOLDERS); // the drop and each of its folders listed
    expect(new Set(batches)).toEqual(new Set([SCAN_BATCH]));
  }, 60_000);
});
