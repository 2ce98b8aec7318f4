// The folder watcher the engine owns: one chokidar watcher per configured
// folder (native events, or stat polling on network shares), the settler that
// decides when a file is finished, start-up reconcile, and the post-upload
// actions. A folder whose volume went away and came back (or was replaced:
// another device or inode) gets a new chokidar watcher and its files are
// looked at again. Logs carry folder ids and file ids, never names or paths.
import { basename } from 'node:path';
import { FSWatcher } from 'chokidar';
import type { Stats } from 'node:fs';
import type { FolderConfig } from '../config/schema.ts';
import { folderFilter, relPathIn } from './folder-scan.ts';
import type { Logger } from '../common/logger.ts';
import type { Store } from '../store/store.ts';
import type { FileRow } from '../store/types.ts';
import { realClock, type Clock } from './clock.ts';
import { isOnNetworkShare } from './network-fs.ts';
import { openForReading, type OpenCheck } from './open-check.ts';
import { removeLeftoverCopies } from './archive-copy.ts';
import { runPostAction } from './post-action.ts';
import { folderIdentity, MISSING, type FolderIdentity } from './folder-identity.ts';
import { handUnknownFiles, markGone, reconcileFolder, WAITING } from './reconcile.ts';
import { Settler, type Hand, type WatchSource } from './settler.ts';
import { inHiddenDirectory } from './temporary.ts';
import { listInSmallBatches } from './scan-batch.ts';
import { errorFacts } from '../common/error-facts.ts';

export interface FolderWatcherDeps {
  folders: readonly FolderConfig[];
  store: Store;
  /** The engine's intake: hash, dedup, enqueue. False: try again later. */
  hand: Hand;
  log: Logger;
  clock?: Clock;
  /** Replaces the open-for-reading check (tests simulate a sharing violation). */
  openCheck?: OpenCheck;
  /** Replaces the network-share probe behind `poll: 'auto'`. */
  isNetworkShare?: (path: string) => Promise<boolean>;
  /** Files hashed and queued at once. */
  concurrency?: number;
  /** How often each folder's identity is checked for an unmount and mount (default 3 s). */
  mountCheckMs?: number;
}

export const MOUNT_CHECK_MS = 3_000;

/**
 * What a folder's identity is set to when there are signs its watch died (the
 * root itself reported renamed, files unlinked while the folder is away): it
 * differs from every real identity, so the next check starts a new watch once
 * the folder is there. A volume mounted again often has the very same dev and
 * ino (the same device, the same root inode), so comparing those alone would
 * miss a drive plugged out and in between two checks.
 */
const SUSPECT: FolderIdentity = 'suspect';

export class FolderWatcher {
  readonly #deps: FolderWatcherDeps;
  readonly #folders: Map<string, FolderConfig>;
  readonly #settler: Settler;
  readonly #watchers = new Map<string, FSWatcher>();
  /** What each folder's path named when its watcher started (folder-identity.ts). */
  readonly #identities = new Map<string, FolderIdentity>();
  #mountTimer: NodeJS.Timeout | undefined;
  #mountCheck: Promise<void> | undefined;
  /** Post-upload actions in progress, by file id: one at a time per row. */
  readonly #postActions = new Map<number, Promise<void>>();
  #closed = false;

  constructor(deps: FolderWatcherDeps) {
    this.#deps = deps;
    this.#folders = new Map(deps.folders.map((f) => [f.id as string, f]));
    this.#settler = new Settler({
      hand: deps.hand,
      openCheck: deps.openCheck ?? openForReading,
      clock: deps.clock ?? realClock,
      log: deps.log,
      ...(deps.concurrency !== undefined && { concurrency: deps.concurrency }),
    });
  }

  /**
   * Watches every folder, then reconciles each with the queue. Watching first:
   * a file written during the scan is seen by one or the other (touch is idempotent).
   */
  async start(): Promise<void> {
    for (const folder of this.#folders.values()) {
      if (this.#closed) return;
      await this.#watch(folder);
    }
    // Copies a crash left half-made in an archive (never under a real name) go before any move is retried.
    for (const folder of this.#folders.values()) {
      if (folder.archiveDir) await removeLeftoverCopies(folder.archiveDir, (fileId) => this.#postActions.has(fileId));
    }
    for (const folder of this.#folders.values()) {
      if (this.#closed) return;
      await reconcileFolder(folder, this.#deps.store, this.#settler, this.#deps.log);
      this.#settlePostActions(folder);
    }
    if (this.#closed) return;
    this.#mountTimer = setInterval(() => {
      this.#mountCheck ??= this.#checkMounts().finally(() => (this.#mountCheck = undefined));
    }, this.#deps.mountCheckMs ?? MOUNT_CHECK_MS);
    // A tray app runs for weeks; this timer must never keep a finished process alive.
    this.#mountTimer.unref();
  }

  /**
   * Runs the post-upload action recorded on a row the scheduler just marked
   * done (see runPostAction). A row whose action is already running gets that
   * same run: two moves or deletes of one file never race.
   */
  afterUpload(row: FileRow): Promise<void> {
    const folder = this.#folders.get(row.folderId);
    if (this.#closed || !folder) return Promise.resolve();
    const running = this.#postActions.get(row.id);
    if (running) return running;
    const run = runPostAction(folder, row, this.#deps.store, this.#deps.log)
      .then(() => undefined)
      .catch((error: unknown) => {
        this.#deps.log.log('error', 'post-action-error', { fileId: row.id, ...errorFacts(error, 'watch.postAction') });
      })
      .finally(() => this.#postActions.delete(row.id));
    this.#postActions.set(row.id, run);
    return run;
  }

  /** Post-upload actions in progress (a move, a delete, or the content check before them). */
  get postActionsRunning(): number {
    return this.#postActions.size;
  }

  /** Files seen but not yet handed on. */
  get pending(): number {
    return this.#settler.pending;
  }

  /** Disposes every chokidar watcher and timer; waits for hands and post-upload actions in progress. */
  async close(): Promise<void> {
    this.#closed = true;
    clearInterval(this.#mountTimer);
    await this.#mountCheck;
    await Promise.allSettled([...this.#watchers.values()].map((w) => w.close()));
    this.#watchers.clear();
    await this.#settler.close();
    await Promise.allSettled([...this.#postActions.values()]);
  }

  async #watch(folder: FolderConfig): Promise<void> {
    this.#identities.set(folder.id as string, await folderIdentity(folder.path));
    const poll = folder.poll === 'auto' ? await (this.#deps.isNetworkShare ?? isOnNetworkShare)(folder.path) : folder.poll;
    const matches = folderFilter(folder);
    const rel = relPathIn(folder.path);
    const watcher = new FSWatcher({
      ignoreInitial: true, // reconcile scans; events are for what comes next
      ...(folder.recursive ? {} : { depth: 0 }),
      ...(poll ? { backend: 'polling' as const, pollingInterval: folder.pollSeconds * 1000, pollingBinaryInterval: folder.pollSeconds * 1000 } : {}),
      ignorePermissionErrors: true,
      ignored: (p: string, stats?: Stats) => ignoredBy(rel(p), stats, matches),
    });
    listInSmallBatches(watcher); // before add(): the first listing is batched too
    watcher.add(folder.path);
    this.#watchers.set(folder.id as string, watcher);
    // A growing folder's files go to the queue at once: the growing transfer
    // itself waits for the quiet period before it completes.
    const id = folder.id as string;
    const source: WatchSource = { folderId: id, quietMs: folder.growing ? 0 : folder.quietSeconds * 1000, relPath: rel };
    const seen = (p: string) => {
      if (matches(rel(p))) this.#settler.touch(source, p);
    };
    watcher.on('add', seen);
    watcher.on('change', seen);
    watcher.on('unlink', (p) => this.#vanished(id, p));
    // The watched folder itself renamed, deleted or unmounted (Linux reports it on the root's own watch).
    watcher.on('raw', (_event, name, details) => {
      if ((details as { watchedPath?: string } | undefined)?.watchedPath === folder.path && name === basename(folder.path)) {
        this.#identities.set(id, SUSPECT);
      }
    });
    watcher.on('error', (error) =>
      this.#deps.log.log('warn', 'watch-error', { folderId: id, code: (error as NodeJS.ErrnoException).code ?? 'UNKNOWN' }),
    );
    await new Promise<void>((resolve) => watcher.once('ready', () => resolve()));
    this.#deps.log.log('info', 'watch-started', { folderId: id, polling: poll, recursive: folder.recursive });
  }

  #vanished(folderId: string, path: string): void {
    this.#settler.forget(path);
    // An unmounted volume takes every file with it and chokidar reports each
    // one unlinked: those files are not gone, their folder is away. Only a
    // file gone from a folder still there (the same one) is marked missing.
    void this.#stillThere(folderId)
      .then((there) => {
        if (!there || this.#closed) return;
        for (const row of this.#deps.store.rowsForSource(folderId, path, WAITING)) markGone(this.#deps.store, row.id, this.#deps.log, 'gone');
      })
      .catch((error: unknown) => this.#deps.log.log('warn', 'watch-vanished-failed', { folderId, ...errorFacts(error, 'watch.vanished') }));
  }

  async #stillThere(folderId: string): Promise<boolean> {
    const folder = this.#folders.get(folderId);
    if (!folder) return false;
    const now = await folderIdentity(folder.path);
    const same = now !== MISSING && now === this.#identities.get(folderId);
    if (!same) this.#identities.set(folderId, SUSPECT);
    return same;
  }

  /**
   * Compares each folder's identity with the one its watcher started on. A
   * folder that went away is noted; one that is back, or is another folder
   * now (a volume mounted again: a new device or inode), gets a new watcher,
   * and its files are looked at again: the old watcher's handles died with
   * the old mount, so nothing written since would ever be seen.
   */
  async #checkMounts(): Promise<void> {
    for (const folder of this.#folders.values()) {
      const id = folder.id as string;
      const now = await folderIdentity(folder.path);
      const was = this.#identities.get(id);
      if (this.#closed) return;
      if (now === was) continue;
      this.#identities.set(id, now);
      if (now === MISSING) {
        this.#deps.log.log('warn', 'watch-folder-away', { folderId: id });
        continue;
      }
      try {
        await this.#watchers.get(id)?.close();
        this.#watchers.delete(id);
        if (this.#closed) return;
        await this.#watch(folder);
        const counts = await handUnknownFiles(folder, this.#deps.store, this.#settler, this.#deps.log);
        this.#deps.log.log('info', 'watch-restarted', { folderId: id, why: was === MISSING || was === SUSPECT ? 'back' : 'replaced', ...counts });
      } catch (error) {
        // Tried again at the next check: the identity is forgotten so it differs.
        this.#identities.delete(id);
        this.#deps.log.log('warn', 'watch-restart-failed', { folderId: id, ...errorFacts(error, 'watch.restart') });
      }
    }
  }

  // Rows done under 'move' or 'delete' whose action the app did not get to
  // (whatever the folder says now: runPostAction skips a changed setting).
  #settlePostActions(folder: FolderConfig): void {
    for (const row of this.#deps.store.awaitingPostAction(folder.id as string)) void this.afterUpload(row);
  }
}

// Hidden directories are never entered (like scanFolder); files are filtered
// by the folder's globs and temporary names once chokidar knows they are files.
function ignoredBy(relPath: string, stats: Stats | undefined, matches: (relPath: string) => boolean): boolean {
  if (relPath === '' || relPath.startsWith('..')) return false;
  if (inHiddenDirectory(relPath)) return true;
  if (stats?.isDirectory()) return relPath.slice(relPath.lastIndexOf('/') + 1).startsWith('.');
  if (stats?.isFile()) return !matches(relPath);
  return false;
}
