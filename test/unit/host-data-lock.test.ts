// One engine per data folder: a live owner's lock refuses a second engine;
// a lock left by a process that is gone (a crash, a power cut) is taken over.
import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, expect, it } from 'vitest';
import { DataFolderLockedError, LOCK_FILE, lockDataFolder } from '../../app/host/data-lock.ts';

let dir: string;
beforeEach(() => (dir = mkdtempSync(join(tmpdir(), 'du-lock-'))));
afterEach(() => rmSync(dir, { recursive: true, force: true }));

it('refuses while the owner runs, and releases once', () => {
  const lock = lockDataFolder(dir, process.pid);
  // Another process asking (this test process is the live owner).
  expect(() => lockDataFolder(dir, process.pid + 1_000_000)).toThrow(DataFolderLockedError);
  lock.release();
  lock.release();
  expect(existsSync(join(dir, LOCK_FILE))).toBe(false);
  lockDataFolder(dir, 4242).release();
});

it('takes over a lock whose owner is gone', () => {
  // A pid that surely is not running: a child that has already exited.
  const gone = spawnSync(process.execPath, ['-e', '0']).pid!;
  writeFileSync(join(dir, LOCK_FILE), String(gone));
  const lock = lockDataFolder(dir, process.pid);
  expect(readFileSync(join(dir, LOCK_FILE), 'utf8')).toBe(String(process.pid));
  lock.release();
});
