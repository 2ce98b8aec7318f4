// Group commit for the queue's durable steps (issue 20). A durable step (the
// BioT upload id before its bytes, completing, done before a move or delete)
// commits at once at the connection's synchronous = NORMAL, so SQLite has
// written it to the WAL and readers see it; what makes it outlive a power cut
// is an fdatasync of the WAL file (and of the upload journal), which this
// does off the main thread for every step committed before its fdatasync was
// asked for. Steps that arrive after that share the next. Each waiter is
// released only by a sync asked for after its commit: the same guarantee
// as a FULL commit (in WAL mode that is exactly a sync of the WAL after the
// commit's frames), at one fsync for many files instead of one blocking the
// event loop per file (4 ms each on this disk: 12 ms of every small file).
import { closeSync, fdatasyncSync, openSync } from 'node:fs';
import { open, type FileHandle } from 'node:fs/promises';

/** What a sync needs of an open file (a FileHandle; tests hold the fdatasync to look in between). */
export type SyncHandle = Pick<FileHandle, 'datasync' | 'close'>;

// 'r+': Windows flushes only a handle that may write. fdatasync flushes the file, whoever wrote it.
const openForSync = (path: string): Promise<SyncHandle> => open(path, 'r+');

export class WalSync {
  readonly #files: () => string[];
  readonly #open: (path: string) => Promise<SyncHandle>;
  /** The sync running now, if any. */
  #running: Promise<void> | undefined;
  /** Whether the running sync has asked for its fdatasyncs: a commit after that is not covered by it. */
  #sealed = false;
  /** The sync that starts once the running one ends: shared by every step that came after the seal. */
  #next: Promise<void> | undefined;
  #syncs = 0;

  /** `files`: what to sync, asked at each sync (the WAL; the journal once it exists). */
  constructor(files: () => string[], openFile = openForSync) {
    this.#files = files;
    this.#open = openFile;
  }

  /** Syncs done so far (tests count them). */
  get syncs(): number {
    return this.#syncs;
  }

  /** Resolves once everything committed before this call is on disk; rejects when a sync failed. */
  whenDurable(): Promise<void> {
    if (!this.#running) return (this.#running = this.#start());
    // Not yet sealed: its fdatasyncs are issued after this call, so they cover the caller's commit.
    if (!this.#sealed) return this.#running;
    this.#next ??= this.#running.then(
      () => this.#follow(),
      () => this.#follow(),
    );
    return this.#next;
  }

  #follow(): Promise<void> {
    this.#next = undefined;
    return (this.#running = this.#start());
  }

  async #start(): Promise<void> {
    this.#syncs++;
    this.#sealed = false;
    const handles: SyncHandle[] = [];
    try {
      // Opened first (a trip to the thread pool): steps committed meanwhile join this sync.
      for (const handle of await Promise.allSettled(this.#files().map((path) => this.#open(path)))) {
        if (handle.status === 'fulfilled') handles.push(handle.value);
        else throw handle.reason;
      }
      this.#sealed = true;
      await Promise.all(handles.map((h) => h.datasync()));
    } finally {
      await Promise.allSettled(handles.map((h) => h.close()));
      // A step that arrives from here on starts a sync of its own (or joins #next).
      if (!this.#next) this.#running = undefined;
    }
  }
}

/**
 * Syncs `path` now, if it exists. At open: rows an earlier process committed
 * but had not synced when it was killed are in the file (the OS holds them),
 * and the watcher may act on them (a done row's move or delete) at start.
 */
export function syncIfPresent(path: string): void {
  let fd: number;
  try {
    fd = openSync(path, 'r+');
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return;
    throw error;
  }
  try {
    fdatasyncSync(fd);
  } finally {
    closeSync(fd);
  }
}
