// Issue 12: a drop of many files must cost little per file. Real folders,
// real chokidar, a real SQLite file and the engine's own intake; what is
// counted is the work itself (timers armed, looks in flight, transactions),
// never time. The bench (`npm run bench -- --only queue-scale`) times it.
import { mkdirSync, mkdtempSync, renameSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { parseConfig } from '../../app/config/load.ts';
import type { FolderConfig } from '../../app/config/schema.ts';
import { DedupPolicy } from '../../app/engine/dedup-policy.ts';
import { Intake } from '../../app/engine/intake.ts';
import { silentLogger } from '../../app/common/logger.ts';
import { openStore, type Store } from '../../app/store/index.ts';
import { FolderWatcher, type Clock, type OpenCheck } from '../../app/watch/index.ts';
import { openForReading } from '../../app/watch/open-check.ts';
import { realClock } from '../../app/watch/clock.ts';
import { put, until } from '../support/watch-helpers.ts';
import { holdsFor } from '../support/wait.ts';

const FILES = 600;

describe('folder watcher at scale: cost per file', () => {
  let root: string;
  let store: Store;
  let watcher: FolderWatcher | undefined;

  beforeEach(() => {
    root = mkdtempSync(join(tmpdir(), 'du-scale-'));
    store = openStore(join(root, 'queue.db'));
  });
  afterEach(async () => {
    await watcher?.close();
    watcher = undefined;
    store.close();
    rmSync(root, { recursive: true, force: true });
  });

  /** A folder config as the app parses it, watching `inbox` with `quietSeconds`. */
  function folderAt(inbox: string, quietSeconds: number): FolderConfig {
    const config = parseConfig(
      {
        dataDir: join(root, 'data'),
        server: { baseUrl: 'http://127.0.0.1:1', auth: { type: 'user', username: 'u', password: 'p' } },
        folders: [{ id: 'inbox', path: inbox, quietSeconds, recursive: true, duplicates: 'upload' }],
      },
      { baseDir: root },
    );
    return config.folders[0]!;
  }

  /** FILES small files of distinct bytes in sub-folders of 100, made outside the inbox. */
  function prepareDrop(): string {
    const src = join(root, 'drop-src');
    for (let i = 0; i < FILES; i++) {
      const dir = join(src, `batch-${Math.floor(i / 100)}`);
      if (i % 100 === 0) mkdirSync(dir, { recursive: true });
      put(join(dir, `export-${i}.dat`), `export ${i} ${'x'.repeat(i % 200)}`);
    }
    return src;
  }

  /** The engine's intake over the real store, counting the store's write transactions for enqueues. */
  function countingIntake(folder: FolderConfig): { intake: Intake; transactions: () => number } {
    let transactions = 0;
    const real = { enqueue: store.enqueue.bind(store), enqueueMany: store.enqueueMany.bind(store), enqueueFound: store.enqueueFound.bind(store) };
    store.enqueue = (input) => (transactions++, real.enqueue(input));
    store.enqueueMany = (inputs) => (transactions++, real.enqueueMany(inputs));
    store.enqueueFound = (inputs) => (transactions++, real.enqueueFound(inputs));
    const folders = new Map([[folder.id as string, folder]]);
    const intake = new Intake({
      store,
      folders,
      dedup: new DedupPolicy(store, folders, 'upload'),
      log: silentLogger,
      touched: () => {},
      queued: () => {},
    });
    return { intake, transactions: () => transactions };
  }

  it('queues a drop of many small files in a few transactions, each file once', async () => {
    const inbox = join(root, 'inbox');
    mkdirSync(inbox);
    const folder = folderAt(inbox, 0);
    const { intake, transactions } = countingIntake(folder);
    watcher = new FolderWatcher({ folders: [folder], store, hand: (f) => intake.handStable(f), log: silentLogger });
    await watcher.start();
    renameSync(prepareDrop(), join(inbox, 'drop')); // dropped at once, as a copy tool's final rename does
    await until(`${FILES} rows queued`, () => store.countByState().queued >= FILES, { timeoutMs: 60_000, seen: () => store.countByState() });
    await until('the watcher idle', () => watcher!.pending === 0, { timeoutMs: 30_000, seen: () => watcher!.pending });
    expect(store.countByState().queued).toBe(FILES);
    // Per file this was one transaction (one fsync) each; files handed on together now share one.
    expect(transactions()).toBeLessThan(FILES / 10);
  }, 120_000);

  it('arms one timer for every waiting file and looks at a bounded number at once', async () => {
    const inbox = join(root, 'inbox');
    mkdirSync(inbox);
    // The real clock and open check, counted: timers alive, opens in flight.
    const live = new Set<unknown>();
    let mostTimers = 0;
    const clock: Clock = {
      now: realClock.now,
      setTimeout: (fn, ms) => {
        const handle = realClock.setTimeout(() => {
          live.delete(handle);
          fn();
        }, ms);
        live.add(handle);
        mostTimers = Math.max(mostTimers, live.size);
        return handle;
      },
      clearTimeout: (handle) => {
        live.delete(handle);
        realClock.clearTimeout(handle);
      },
    };
    let opening = 0;
    let mostOpening = 0;
    const openCheck: OpenCheck = async (path) => {
      mostOpening = Math.max(mostOpening, ++opening);
      try {
        return await openForReading(path);
      } finally {
        opening--;
      }
    };
    // A quiet period long enough that every file waits on a timer at the same time.
    const folder = folderAt(inbox, 1.5);
    const { intake } = countingIntake(folder);
    watcher = new FolderWatcher({ folders: [folder], store, hand: (f) => intake.handStable(f), log: silentLogger, clock, openCheck });
    await watcher.start();
    renameSync(prepareDrop(), join(inbox, 'drop'));
    await until(`${FILES} rows queued`, () => store.countByState().queued >= FILES, { timeoutMs: 60_000, seen: () => store.countByState() });
    expect(store.countByState().queued).toBe(FILES);
    // A timer per file was FILES timers; the settler's wheel keeps one.
    expect(mostTimers).toBe(1);
    // Every due file was stat'ed and opened at once; now a bounded few (settler.ts LOOKS_IN_FLIGHT).
    expect(mostOpening).toBeLessThanOrEqual(32);
  }, 120_000);

  it('looks no further ahead of a busy hand than it can soon take', async () => {
    const inbox = join(root, 'inbox');
    mkdirSync(inbox);
    let opened = 0;
    const openCheck: OpenCheck = (path) => (opened++, openForReading(path));
    // The intake held shut: every file waits in the settler, as in a drop of 100,000.
    let open!: () => void;
    const shut = new Promise<void>((resolve) => (open = resolve));
    const folder = folderAt(inbox, 0);
    const { intake } = countingIntake(folder);
    const hand = async (f: Parameters<Intake['handStable']>[0]) => (await shut, intake.handStable(f));
    watcher = new FolderWatcher({ folders: [folder], store, hand, log: silentLogger, openCheck });
    await watcher.start();
    renameSync(prepareDrop(), join(inbox, 'drop'));
    try {
      await until(`all ${FILES} files waiting`, () => watcher!.pending >= FILES, { timeoutMs: 30_000, seen: () => watcher!.pending });
      // Looks in flight (32), hands in flight (128) and ready ahead of the hand (256), not every file (settler.ts).
      await holdsFor('a bounded number of files looked at', 1_000, () => opened <= 32 + 128 + 256, { seen: () => opened });
    } finally {
      open(); // close() waits for hands in progress
    }
    await until(`${FILES} rows queued`, () => store.countByState().queued >= FILES, { timeoutMs: 60_000, seen: () => store.countByState() });
    expect(opened).toBe(FILES);
  }, 120_000);
});
