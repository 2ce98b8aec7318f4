// The folder watcher the engine runs, and its swap when Settings change the
// folders: the watcher keeps its own folder list, so a reconfigure closes the
// old one and starts one over the new folders once the old has let go.
import { errorFacts } from '../common/error-facts.ts';
import type { Logger } from '../common/logger.ts';
import type { FolderConfig } from '../config/schema.ts';
import type { FileRow } from '../store/types.ts';
import type { FolderWatcher } from '../watch/index.ts';

export class Watching {
  readonly #make: (folders: FolderConfig[]) => FolderWatcher;
  readonly #log: Logger;
  #watcher: FolderWatcher;
  #watchOn = false;
  /** Done rows whose after-upload action waits for their group sync (afterUploadOnce). */
  #waitingForDisk = 0;
  #watching: Promise<void> = Promise.resolve();

  /** `make` builds a watcher over some folders, feeding the intake. */
  constructor(make: (folders: FolderConfig[]) => FolderWatcher, folders: FolderConfig[], log: Logger) {
    this.#make = make;
    this.#log = log;
    this.#watcher = make(folders);
  }

  /** Starts watching; whenWatching() follows it. */
  start(): void {
    this.#watchOn = true;
    this.#startWatcher(this.#watcher);
  }

  /** Resolves once every folder is watched and reconciled (tests write files after this). */
  whenWatching(): Promise<void> {
    return this.#watching;
  }

  /** Watches `folders` instead (started only if watching was). */
  swap(folders: FolderConfig[]): void {
    // `next`, not this.#watcher read later: a second reconfigure before the old
    // watcher closed would otherwise start the newest watcher twice.
    const old = this.#watcher;
    const next = this.#make(folders);
    this.#watcher = next;
    if (this.#watchOn) this.#startWatcher(next, old.close());
    else void old.close();
  }

  /** The folder's after-upload action for a done row (move, delete or leave). */
  afterUpload(row: FileRow): Promise<void> {
    return this.#watcher.afterUpload(row);
  }

  /** afterUpload once `durable` resolves (the done row's group sync); counted as running meanwhile, so `run --once` waits for it. */
  async afterUploadOnce(durable: Promise<void>, row: FileRow): Promise<void> {
    this.#waitingForDisk++;
    try {
      await durable;
    } finally {
      this.#waitingForDisk--;
    }
    await this.afterUpload(row);
  }

  /** Post-upload actions in progress, or waiting for their done row to be on disk. */
  get postActionsRunning(): number {
    return this.#watcher.postActionsRunning + this.#waitingForDisk;
  }

  close(): Promise<void> {
    return this.#watcher.close();
  }

  /** Starts `watcher` once `before` settles; whenWatching() follows it. */
  #startWatcher(watcher: FolderWatcher, before: Promise<void> = Promise.resolve()): void {
    this.#watching = before
      .then(() => watcher.start())
      .catch((error: unknown) => {
        this.#log.log('error', 'watch-start-failed', errorFacts(error, 'watch.start'));
      });
  }
}
