// Whether the data folder (queue.db, logs) takes writes. A full disk or a
// read-only mount makes every queue write fail: the engine must not crash,
// must not carry on as if the writes had happened, and must go on by itself
// once space returns. This holds uploads on the first such failure, says so
// (the banner, `status`, --once's exit code), and probes the folder until it
// has room and is writable again, then lets the engine write what it held.
import { statfs, unlink, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import type { ConnectionStatus } from '../api.ts';
import type { Disposable } from '../common/disposable.ts';
import type { Logger } from '../common/logger.ts';

export type DataFolderProblem = 'full' | 'read-only';

/** Free space below which the folder counts as full (SQLite needs room for its journal). */
export const MIN_FREE_BYTES = 1024 * 1024;

/** Whether an error says the data folder cannot be written, and why; undefined for anything else. */
export function storageFault(error: unknown): DataFolderProblem | undefined {
  const code = (error as { code?: unknown } | null)?.code;
  if (typeof code !== 'string') return undefined;
  if (code === 'SQLITE_FULL' || code === 'ENOSPC' || code === 'EDQUOT') return 'full';
  if (code.startsWith('SQLITE_READONLY') || code === 'EROFS') return 'read-only';
  // An I/O error on write is how some file systems report a full disk to SQLite.
  if (code.startsWith('SQLITE_IOERR') || code === 'SQLITE_CANTOPEN') return 'full';
  return undefined;
}

/** What is wrong with the data folder now, or undefined when it has room and takes writes. */
export async function checkDataFolder(dir: string, minFree = MIN_FREE_BYTES): Promise<DataFolderProblem | undefined> {
  // A real write, not access(W_OK): access answers yes to root on a read-only bind mount.
  const probe = join(dir, `.write-probe-${process.pid}`);
  try {
    await writeFile(probe, '');
    await unlink(probe);
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOSPC') return 'full';
    return 'read-only'; // EROFS, or EACCES on a folder this user may not write
  }
  const fs = await statfs(dir);
  return fs.bavail * fs.bsize < minFree ? 'full' : undefined;
}

const ADVICE: Record<DataFolderProblem, string> = {
  full: "The disk holding the uploader's data folder is full: uploads are held. Free some space; uploads go on by themselves.",
  'read-only': "The uploader's data folder cannot be written (read-only): uploads are held. Make it writable; uploads go on by themselves.",
};

export function dataFolderStatus(problem: DataFolderProblem, since: number): ConnectionStatus {
  return { state: 'data-folder-unwritable', advice: ADVICE[problem], since };
}

export interface DataFolderHealthDeps {
  dir: string;
  log: Logger;
  now: () => number;
  /** Told when the status changes: the problem, or undefined when it is over. */
  changed: (status: ConnectionStatus | undefined) => void;
  /** Writes what was held and resumes uploads; false when the store still refuses. */
  resume: () => boolean;
  probeMs?: number;
  /** Replaces checkDataFolder (tests that inject SQLITE_FULL without filling a disk). */
  check?: (dir: string) => Promise<DataFolderProblem | undefined>;
}

export class DataFolderHealth implements Disposable {
  readonly #deps: DataFolderHealthDeps;
  #status: ConnectionStatus | undefined;
  #timer: NodeJS.Timeout | undefined;
  #probing = false;

  constructor(deps: DataFolderHealthDeps) {
    this.#deps = deps;
  }

  /** The banner's status while uploads are held for the data folder; undefined when all is well. */
  get status(): ConnectionStatus | undefined {
    return this.#status;
  }

  /** Looks at a failed queue write or read; true when it was the data folder (uploads are now held). */
  note(error: unknown): boolean {
    const problem = storageFault(error);
    if (!problem) return false;
    if (this.#status) return true;
    this.#status = dataFolderStatus(problem, this.#deps.now());
    this.#deps.log.log('error', 'data-folder-unwritable', { problem, code: (error as { code?: string }).code });
    this.#deps.changed(this.#status);
    this.#timer = setInterval(() => void this.#probe(), this.#deps.probeMs ?? 5_000);
    return true;
  }

  async #probe(): Promise<void> {
    if (this.#probing || !this.#status) return;
    this.#probing = true;
    try {
      const problem = await (this.#deps.check ?? checkDataFolder)(this.#deps.dir).catch(() => 'full' as const);
      if (problem && this.#status && this.#status.advice !== dataFolderStatus(problem, 0).advice) {
        // An I/O error said "full" but the folder turns out read-only (or the other way): say what it is.
        this.#status = dataFolderStatus(problem, this.#status.since);
        this.#deps.changed(this.#status);
      }
      if (problem || !this.#status || !this.#deps.resume()) return;
      this.#status = undefined;
      clearInterval(this.#timer);
      this.#timer = undefined;
      this.#deps.log.log('info', 'data-folder-writable', {});
      this.#deps.changed(undefined);
    } finally {
      this.#probing = false;
    }
  }

  dispose(): void {
    clearInterval(this.#timer);
    this.#timer = undefined;
  }
}
