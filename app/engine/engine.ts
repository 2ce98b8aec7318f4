// The engine as its users see it: app/api.ts for every UI (queue, commands,
// history, settings, events), plus start, enqueue, reconfigure and close for
// the hosts (CLI, control server, desktop host). It holds the parts
// create-engine.ts built and says what each command does to them.
import { basename, relative, sep } from 'node:path';
import type { Dispatcher } from 'undici';
import type { ConnectionTest, EngineEvent, PauseTarget, QueueQuery, Snapshot, Target, UploaderApi } from '../api.ts';
import type { HistoryPage, HistoryQuery, SaveResult, SettingsInput, SettingsView } from '../api.ts';
import type { BiotClient } from '../biot/index.ts';
import { applyServerSettings } from './apply-server.ts';
import type { Logger } from '../common/logger.ts';
import type { Config, FolderConfig } from '../config/schema.ts';
import type { Store } from '../store/index.ts';
import type { FileRow } from '../store/types.ts';
import type { Throttle } from '../transfer/throttle.ts';
import { folderFilter, type FoundFile } from '../watch/folder-scan.ts';
import type { ConnectionState } from './connection.ts';
import type { DataFolderLock } from './data-lock.ts';
import type { DataFolderHealth } from './data-folder-health.ts';
import type { DedupPolicy } from './dedup-policy.ts';
import type { EventPump } from './event-pump.ts';
import { MANUAL_FOLDER } from './file-job.ts';
import { folderStatus, type FolderMonitor } from './folder-monitor.ts';
import type { Holds } from './holds.ts';
import type { Intake } from './intake.ts';
import type { QueueView } from './queue-view.ts';
import type { Scheduler } from './scheduler.ts';
import type { ServerSwitch } from './server-switch.ts';
import { restartNeeded, saveSettingsFile, settingsView } from './settings.ts';
import { CLOSE_DEADLINE_MS, shutDown } from './shutdown.ts';
import type { UploadLimits } from './upload-limits.ts';
import type { Watching } from './watching.ts';
import { testConnection } from './connection-test.ts';
import type { Net } from '../net/index.ts';

/** The engine's parts, as create-engine.ts wires them. */
export interface EngineParts {
  config: Config;
  /** The file Settings saves to (and the env its secrets may come from); without it Settings is read-only. */
  configFile: string | undefined;
  env: NodeJS.ProcessEnv | undefined;
  log: Logger;
  now: () => number;
  lock: DataFolderLock;
  store: Store;
  /** The BioT client, replaced in place when Settings change the server or the login. */
  biot: ServerSwitch;
  /** Trust and proxy choice (app/net), shared by the BioT client and the storage pool. */
  net: Net;
  storage: Dispatcher;
  throttle: Throttle;
  /** The folders by id; the scheduler, intake and dedup hold this same map, so reconfigure changes it in place. */
  folders: Map<string, FolderConfig>;
  dedup: DedupPolicy;
  scheduler: Scheduler;
  intake: Intake;
  events: EventPump;
  folderMonitor: FolderMonitor;
  health: DataFolderHealth;
  holds: Holds;
  connection: ConnectionState;
  view: QueueView;
  watching: Watching;
  /** Uploads a stop interrupted that this run resumed, and when it started; absent when none. */
  resumed?: { count: number; since: number };
  /** The bandwidth timetable and timed pauses. */
  limits: UploadLimits;
}

export class Engine implements UploaderApi {
  readonly store: Store;
  readonly biot: BiotClient;
  /** The engine's logger and clock (the once-scan logs and ages files by them). */
  readonly log: Logger;
  readonly now: () => number;
  readonly #p: EngineParts;
  #closing: Promise<void> | undefined;

  constructor(parts: EngineParts) {
    this.#p = parts;
    this.store = parts.store;
    this.biot = parts.biot;
    this.log = parts.log;
    this.now = parts.now;
  }

  /** Starts uploading what the queue holds and (unless watch is false) watching the folders; see whenWatching. */
  start(options: { watch?: boolean } = {}): void {
    // First: a timed pause kept from before a restart holds claims before any is made.
    this.#p.limits.start();
    this.#p.scheduler.start();
    if (options.watch === false) return;
    this.#p.folderMonitor.start();
    this.#p.watching.start();
  }

  /** Resolves once every folder is watched and reconciled (tests write files after this). */
  whenWatching(): Promise<void> {
    return this.#p.watching.whenWatching();
  }

  /** Queues one file by path (hashing it first); answers its row, or undefined if it cannot be read. */
  async enqueue(path: string): Promise<FileRow | undefined> {
    const folder = [...this.#p.folders.values()].find((f) => isInside(f.path, path));
    const relPath = folder ? relative(folder.path, path).split(sep).join('/') : basename(path);
    if (folder && !folderFilter(folder)(relPath)) return undefined;
    const row = await this.#p.intake.take(folder?.id ?? MANUAL_FOLDER, path, relPath);
    this.#p.scheduler.pump();
    return row;
  }

  /**
   * Why uploads are held and will not go on without a person or the disk
   * (holds.ts); undefined while nothing holds them.
   */
  heldBecause(): string | undefined {
    return this.#p.holds.heldBecause();
  }

  // ---- for `run --once` (app/cli/once-scan.ts) ----

  /** The configured folders, now. */
  folders(): FolderConfig[] {
    return [...this.#p.folders.values()];
  }

  /** Queues a scanned file; a queue write the data folder refused holds uploads (heldBecause) and is rethrown. */
  async take(found: FoundFile): Promise<FileRow | undefined> {
    try {
      return await this.#p.intake.take(found.folderId, found.path, found.relPath);
    } catch (error) {
      this.#p.holds.noteStoreError(error);
      throw error;
    }
  }

  /** Claims due rows now, up to the file concurrency. */
  pump(): void {
    this.#p.scheduler.pump();
  }

  /**
   * Whether any transfer, or any post-upload action, is running (the check
   * before a move or delete may queue a rewritten source again: --once waits for it).
   */
  get busy(): boolean {
    return this.#p.scheduler.busy || this.#p.watching.postActionsRunning > 0;
  }

  // ---- app/api.ts ----

  async snapshot(query: QueueQuery = {}): Promise<Snapshot> {
    const page = this.store.listFiles(query);
    return {
      at: this.now(),
      totals: this.#p.view.totals(),
      connection: this.#p.connection.shown,
      folders: await folderStatus(this.#p.folders.values()),
      logs: this.log.health?.() ?? { state: 'ok', code: null, dropped: 0, since: 0 },
      limits: this.#p.limits.state,
      rows: page.files.map((f) => this.#p.view.row(f)),
      matching: page.total,
      ...(this.#p.resumed && { resumed: this.#p.resumed }),
    };
  }

  async pause(target: PauseTarget): Promise<number> {
    // Timed: Pause all, no new claims, and resumed by itself at the time (upload-limits.ts).
    if ('for' in target) return this.#p.limits.pauseFor(target.for);
    this.#p.limits.keepPaused(target);
    return this.#command(
      target,
      (id) => this.store.pause(id),
      () => this.store.pauseAll(),
      'pause',
    );
  }

  async resume(target: Target): Promise<number> {
    if ('all' in target) this.#p.limits.endPause();
    const n = await this.#command(
      target,
      (id) => this.store.resume(id),
      () => this.store.resumeAll(),
    );
    this.#p.scheduler.pump();
    return n;
  }

  async cancel(target: Target): Promise<number> {
    // All rows in one transaction (a completing row is not cancellable and stays out of it).
    return this.#command(
      target,
      (id) => this.store.cancel(id),
      () => this.store.cancelAll(),
      'cancel',
    );
  }

  async retry(target: Target): Promise<number> {
    const n = await this.#command(
      target,
      (id) => this.store.retry(id),
      () => this.store.retryAllFailed(),
    );
    // A person retrying is also how a lock-out is lifted.
    if (this.biot.tokens.lockedBy) this.biot.tokens.reset();
    this.#p.holds.signInRetried();
    return n;
  }

  testConnection(): Promise<ConnectionTest> {
    const p = this.#p;
    return testConnection({ baseUrl: p.config.server.baseUrl, net: p.net, biot: p.biot, storage: p.storage });
  }

  /** The PC's network changed (the desktop shell says so): the next connections ask for proxies again. */
  networkChanged(): void {
    this.#p.net.proxies.forget();
  }

  onEvent(listener: (event: EngineEvent) => void): () => void {
    return this.#p.events.subscribe(listener);
  }

  async history(query: HistoryQuery = {}): Promise<HistoryPage> {
    const page = this.store.history(query);
    return { rows: page.entries, matching: page.total };
  }

  async settings(): Promise<SettingsView> {
    return settingsView(this.#p.config);
  }

  async saveSettings(input: SettingsInput): Promise<SaveResult> {
    const file = this.#p.configFile;
    if (!file) return { ok: false, errors: [{ field: '(config file)', message: 'this instance was started without a config file to save to' }] };
    const result = await saveSettingsFile(file, this.#p.config, input, this.#p.env ?? process.env);
    if ('errors' in result) return { ok: false, errors: result.errors };
    const restart = restartNeeded(this.#p.config, result.config);
    this.reconfigure(result.config);
    this.log.log('info', 'settings-saved', { folders: result.config.folders.length });
    return { ok: true, restartNeeded: restart };
  }

  /** Applies a new config now: folders, the bandwidth limit, the BioT server and login (the pools at the next start). */
  reconfigure(config: Config): void {
    this.#p.config = config;
    // The scheduler, intake and dedup hold this same map, so attach rules and policies follow.
    this.#p.folders.clear();
    for (const f of config.folders) this.#p.folders.set(f.id as string, f);
    this.#p.dedup.fallback = config.duplicates;
    this.#p.limits.reconfigure(config.transfer);
    // The watcher keeps its own folder list: swap in one over the new folders.
    this.#p.watching.swap(config.folders);
    // Last: the rows it lets go are claimed at once, under the folder rules above.
    applyServerSettings(this.#p, config);
    this.#p.scheduler.pump();
  }

  /**
   * Stops transfers (uploads stay resumable), closes the pools and the
   * database (shutdown.ts). Idempotent (every call answers the same promise)
   * and bounded by `deadlineMs`.
   */
  close(options: { deadlineMs?: number } = {}): Promise<void> {
    this.#closing ??= shutDown(this.#p, options.deadlineMs ?? CLOSE_DEADLINE_MS);
    return this.#closing;
  }

  async #command(target: Target, one: (id: number) => unknown, all: () => number, stop?: 'pause' | 'cancel'): Promise<number> {
    const ids = 'all' in target ? this.#p.scheduler.activeIds() : [target.fileId];
    let n: number;
    if ('all' in target) n = all();
    else {
      one(target.fileId);
      n = 1;
    }
    // The row moved first; now the transfer is told, so its outcome cannot override the person.
    if (stop)
      await Promise.all(
        ids
          .filter((id) => this.store.fileById(id)?.state === (stop === 'pause' ? 'paused' : 'cancelled'))
          .map((id) => this.#p.scheduler.stop(id, stop)),
      );
    for (const id of ids) this.#p.events.touch(id);
    this.#p.events.emit({ type: 'changed', at: this.now(), fileIds: ids });
    return n;
  }
}

function isInside(folder: string, path: string): boolean {
  const rel = relative(folder, path);
  return rel !== '' && !rel.startsWith('..') && !rel.startsWith(sep) && !/^[A-Za-z]:/.test(rel);
}
