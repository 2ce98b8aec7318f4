// A fresh data folder per test for the store's own tests: a temporary
// folder and the queue file in it (not created: the test opens it as it
// needs), removed after each test.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach } from 'vitest';
import { DATABASE_FILE, openStore, type Store } from '../../app/store/index.ts';

export interface TempQueue {
  /** This test's folder. */
  readonly dir: string;
  /** `<dir>/queue.db`. */
  readonly file: string;
}

/** A new folder before each test (named from `prefix`), removed after it. */
export function tempQueue(prefix: string): TempQueue {
  const place = { dir: '', file: '' };
  beforeEach(() => {
    place.dir = mkdtempSync(join(tmpdir(), prefix));
    place.file = join(place.dir, DATABASE_FILE);
  });
  afterEach(() => rmSync(place.dir, { recursive: true, force: true }));
  return place;
}

export interface TempStore extends TempQueue {
  /** The store opened on `file` before each test, closed after it. */
  readonly store: Store;
}

/** tempQueue with the store already open: for tests of one queue's behaviour. */
export function tempStore(prefix: string): TempStore {
  const queue = tempQueue(prefix);
  let store: Store | undefined;
  beforeEach(() => {
    store = openStore(queue.file);
  });
  // Registered after tempQueue's: vitest runs afterEach hooks in reverse, so the store closes before its folder goes.
  afterEach(() => store?.close());
  return {
    get dir() {
      return queue.dir;
    },
    get file() {
      return queue.file;
    },
    get store() {
      if (!store) throw new Error('tempStore: the store opens in beforeEach');
      return store;
    },
  };
}
