// One engine per data folder: two engines on one queue would claim the same
// rows and race each other's uploads. The lock is a file holding the owner's
// pid, created exclusively; one left by a process that no longer runs (a
// crash, a power cut) is taken over, since no engine holds it any more.
import { mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';

export const LOCK_FILE = 'engine.lock';

export class DataFolderLockedError extends Error {
  override name = 'DataFolderLockedError';
  readonly ownerPid: number;
  constructor(ownerPid: number) {
    super(`another Device Uploader (process ${ownerPid}) is using this data folder; stop it first`);
    this.ownerPid = ownerPid;
  }
}

export interface DataLock {
  release(): void;
}

/** Takes the data folder's lock or throws DataFolderLockedError. */
export function lockDataFolder(dataDir: string, pid = process.pid): DataLock {
  mkdirSync(dataDir, { recursive: true });
  const file = join(dataDir, LOCK_FILE);
  for (let attempt = 0; attempt < 2; attempt++) {
    try {
      writeFileSync(file, String(pid), { flag: 'wx', mode: 0o600 });
      let released = false;
      return {
        release() {
          if (released) return;
          released = true;
          rmSync(file, { force: true });
        },
      };
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== 'EEXIST') throw error;
      const owner = Number(readFileSync(file, 'utf8').trim());
      if (Number.isSafeInteger(owner) && owner > 0 && owner !== pid && isRunning(owner)) throw new DataFolderLockedError(owner);
      rmSync(file, { force: true }); // stale: its owner is gone
    }
  }
  throw new DataFolderLockedError(0);
}

function isRunning(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    // EPERM: it runs, as another user.
    return (error as NodeJS.ErrnoException).code === 'EPERM';
  }
}
