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
  /** Files kept open between syncs: an open and a close at every sync cost 0.2 ms of the main thread per small file (profile, issue 20). */
  readonly #handles = new Map<string, Promise<SyncHandle>>();

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
    try {
      const paths = this.#files();
      // The first sync of a file opens it (a trip to the thread pool): steps committed meanwhile join this sync.
      const handles = await Promise.all(paths.map((path) => this.#handle(path)));
      this.#sealed = true;
      await Promise.all(handles.map((h, i) => h.datasync().catch((error: unknown) => this.#drop(paths[i]!, error))));
    } finally {
      // A step that arrives from here on starts a sync of its own (or joins #next).
      if (!this.#next) this.#running = undefined;
    }
  }

  #handle(path: string): Promise<SyncHandle> {
    let handle = this.#handles.get(path);
    if (!handle) {
      handle = this.#open(path);
      this.#handles.set(path, handle);
      // A failed open is not kept: the next sync tries again (and its waiters learn why).
      handle.catch(() => this.#handles.delete(path));
    }
    return handle;
  }

  /** A handle whose sync failed is closed and opened afresh next time; the failure goes to this sync's waiters. */
  async #drop(path: string, error: unknown): Promise<never> {
    const handle = this.#handles.get(path);
    this.#handles.delete(path);
    await handle?.then((h) => h.close()).catch(() => undefined);
    throw error;
  }

  /** Closes the files kept open (the store's close; SQLite syncs the WAL itself as it checkpoints). */
  close(): void {
    for (const handle of this.#handles.values()) void handle.then((h) => h.close()).catch(() => undefined);
    this.#handles.clear();
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
