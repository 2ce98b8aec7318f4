// The composition root: opens the queue, builds the BioT client, the storage
// pool and the throttle, runs the scheduler, and implements app/api.ts for
// every UI. Files come from the folder watcher (app/watch), from enqueue(path)
// and from scanFolders() (`run --once`); all go through #intake.
import { mkdirSync } from 'node:fs';
import { stat } from 'node:fs/promises';
import { basename, join, relative, sep } from 'node:path';
import { EnvHttpProxyAgent, type Dispatcher } from 'undici';
import type { ConnectionStatus, EngineEvent, EngineEventBody, QueueQuery, QueueRow, Snapshot, Target, Totals, UploaderApi } from './api.ts';
import type { FolderStatus, HistoryPage, HistoryQuery, SaveResult, SettingsInput, SettingsView } from './api.ts';
import { createBiotClient, type BiotClient } from './biot/index.ts';
import type { Config, FolderConfig } from './config/schema.ts';
import { attachTargetOf } from './engine/attach.ts';
import { connectionAfter, unknownConnection } from './engine/connection.ts';
import { lockDataFolder, type DataFolderLock } from './engine/data-lock.ts';
import { DataFolderHealth } from './engine/data-folder-health.ts';
import { settlesWithin } from './engine/deadline.ts';
import { errorFacts } from './common/error-facts.ts';
import { EventPump } from './engine/event-pump.ts';
import { MANUAL_FOLDER } from './engine/file-job.ts';
import { FolderMonitor } from './engine/folder-monitor.ts';
import { folderFilter, scanFolderReport, type FoundFile, type ScanProblem } from './watch/folder-scan.ts';
import { Intake } from './engine/intake.ts';
import { silentLogger, type Logger } from './common/logger.ts';
import { Scheduler } from './engine/scheduler.ts';
import { restartNeeded, saveSettingsFile, settingsView } from './engine/settings.ts';
import { progressEvent, queueRow, queueTotals, type LiveProgress } from './engine/queue-view.ts';
import { openStore, type Store } from './store/index.ts';
import type { FileRow } from './store/types.ts';
import { FolderWatcher, SMALL_FILE_BYTES, vetBeforeTransfer, type OpenCheck } from './watch/index.ts';
import { defaultTransferSettings, type TransferSettings } from './transfer/file-transfer.ts';
import type { TransferOutcome } from './transfer/outcome.ts';
import { Throttle } from './transfer/throttle.ts';

export interface EngineOptions {
  logger?: Logger;
  now?: () => number;
  /** Overrides for tests and benchmarks (retry pacing, link windows). */
  transfer?: Partial<TransferSettings>;
  /** Replaces the watcher's open-for-reading check (tests simulate a locked file). */
  openCheck?: OpenCheck;
  /** The file Settings saves to (and the env its secrets may come from); without it Settings is read-only. */
  configFile?: string;
  env?: NodeJS.ProcessEnv;
  /** The data folder's lock, when the caller took it earlier (the demo, before it rewrites its config); the engine releases it on close. */
  dataLock?: DataFolderLock;
  /** Data folder probing (tests: a short interval, or a check that stands in for a full disk). */
  dataFolder?: { probeMs?: number; check?: (dir: string) => Promise<'full' | 'read-only' | undefined> };
}

export const DATABASE_FILE = 'queue.db';

/** An mtime this far ahead of our clock is "in the future" (not mere rounding between file systems). */
const FUTURE_SLACK_MS = 2_000;
/** Files a scan takes at once: small ones (hashed, if at all, in one short read), and larger ones. */
const SCAN_SMALL_IN_FLIGHT = 32;
const SCAN_LARGE_IN_FLIGHT = 2;

/** How long close() waits for transfers and pools before leaving what is in flight for the next start. */
export const CLOSE_DEADLINE_MS = 10_000;

export class Engine implements UploaderApi {
  readonly store: Store;
  readonly biot: BiotClient;
  #config: Config;
  readonly #options: EngineOptions;
  readonly #log: Logger;
  readonly #now: () => number;
  readonly #storage: Dispatcher;
  readonly #throttle: Throttle;
  readonly #scheduler: Scheduler;
  readonly #events: EventPump;
  readonly #folderMonitor: FolderMonitor;
  readonly #folders: Map<string, FolderConfig>;
  #watcher: FolderWatcher;
  readonly #intake: Intake;
  #watchOn = false;
  #watching: Promise<void> = Promise.resolve();
  #connection: ConnectionStatus;
  readonly #lock: DataFolderLock;
  readonly #health: DataFolderHealth;
  #closing: Promise<void> | undefined;
  /** The sign-in stopped for good (refused or locked) until Retry: why, for --once's one line. */
  #signIn: { code: string; locked: boolean } | undefined;
  #scanProblems: readonly ScanProblem[] = [];

  /** Opens the queue (recovering rows a crash left in flight) and builds everything; call start() to begin. */
  constructor(config: Config, options: EngineOptions = {}) {
    this.#config = config;
    this.#options = options;
    this.#log = options.logger ?? silentLogger;
    this.#now = options.now ?? Date.now;
    this.#connection = unknownConnection(this.#now());
    mkdirSync(config.dataDir, { recursive: true });
    // Before anything reads or changes the queue: a second engine on this
    // folder must stop here (DataFolderInUse), not recover the first one's rows.
    this.#lock = options.dataLock ?? lockDataFolder(config.dataDir);
    try {
      this.store = openStore(join(config.dataDir, DATABASE_FILE), { now: this.#now });
    } catch (error) {
      this.#lock.release();
      throw error;
    }
    const recovered = this.store.recoverAtStartup();
    if (recovered.uploading + recovered.completing > 0) this.#log.log('info', 'recovered', { ...recovered });
    const t = config.transfer;
    this.biot = createBiotClient({
      baseUrl: config.server.baseUrl,
      auth:
        config.server.auth.type === 'user'
          ? { type: 'user', username: config.server.auth.username, password: config.server.auth.password ?? '' }
          : { type: 'service', id: config.server.auth.id, secretKey: config.server.auth.secretKey ?? '' },
      timeoutMs: t.requestTimeoutSeconds * 1000,
      now: this.#now,
      onTokenEvent: (e) => this.#log.log('info', 'token', { ...(e as unknown as Record<string, string>) }),
    });
    const connections = Math.max(8, t.parallelFiles * t.parallelParts * 2);
    // Part PUTs go to storage, not BioT: their own pool, sized for the parallelism,
    // honouring the same proxy variables. Stalls are caught per part (stallSeconds)
    // by putPart's own timer, which knows waiting for the bandwidth limit is not a
    // stall; undici's timers would count that wait (at a low limit, for ever), so off.
    this.#storage = new EnvHttpProxyAgent({ connections, keepAliveTimeout: 30_000, headersTimeout: 0, bodyTimeout: 0 });
    this.#throttle = new Throttle(t.maxBytesPerSecond);
    this.#folders = new Map(config.folders.map((f) => [f.id as string, f]));
    // A UI listener that throws is its own bug: logged here, never the engine's.
    this.#events = new EventPump(
      (ids) => this.#progressEvents(ids),
      250,
      (where, error) => {
        this.#log.log('error', 'event-listener-failed', errorFacts(error, `events.${where}`));
      },
    );
    this.#folderMonitor = new FolderMonitor(
      () => this.#folderStatus(),
      (folders) => this.#events.emit({ type: 'folders', at: this.#now(), folders }),
    );
    this.#health = new DataFolderHealth({
      dir: config.dataDir,
      log: this.#log,
      now: this.#now,
      changed: (status) => {
        const shown = status ?? this.#connection;
        this.#events.emit({ type: 'connection', at: shown.since, connection: shown });
      },
      resume: () => {
        if (!this.#scheduler.writeHeld()) return false;
        this.#scheduler.releaseStore();
        return true;
      },
      ...options.dataFolder,
    });
    const settings: TransferSettings = {
      ...defaultTransferSettings,
      partSize: t.partSizeMiB * 1024 * 1024,
      parallelParts: t.parallelParts,
      stallMs: t.stallSeconds * 1000,
      ...options.transfer,
    };
    this.#scheduler = new Scheduler({
      store: this.store,
      biot: this.biot,
      storage: this.#storage,
      throttle: this.#throttle,
      settings,
      parallelFiles: t.parallelFiles,
      folders: this.#folders,
      log: this.#log,
      changed: (id) => this.#events.touch(id),
      signInStopped: (code, locked) => {
        // Until a person presses Retry (which resets the sign-in) or restarts with new credentials.
        this.#signIn = { code, locked };
        this.#scheduler.hold();
        this.#log.log('error', locked ? 'account-locked' : 'sign-in-refused', { code });
      },
      onOutcome: (outcome) => this.#noteOutcome(outcome),
      onStoreError: (error) => this.#noteStoreError(error),
      // Dedup again right before a transfer: twins queued together both passed intake.
      vet: (row) =>
        vetBeforeTransfer(this.store, row, this.#duplicatePolicy(row.folderId), attachTargetOf(this.#folders.get(row.folderId), row.relPath)),
      hashBeforeSend: (row) => this.#duplicatePolicy(row.folderId) === 'skip' && this.store.hasDoneOfSize(row.size),
      duplicateOf: (row, sha256) =>
        this.#duplicatePolicy(row.folderId) === 'skip'
          ? this.store.findDoneBySha256(sha256, row.size, attachTargetOf(this.#folders.get(row.folderId), row.relPath))?.id
          : undefined,
      onDone: (row) => void this.#watcher.afterUpload(row),
      now: this.#now,
    });
    this.#intake = new Intake({
      store: this.store,
      folders: this.#folders,
      duplicatePolicy: (folderId) => this.#duplicatePolicy(folderId),
      log: this.#log,
      touched: (id) => this.#events.touch(id),
      queued: () => this.#scheduler.pump(),
    });
    this.#watcher = this.#newWatcher(config);
  }

  /** A folder watcher over `config`'s folders, feeding the intake. */
  #newWatcher(config: Config): FolderWatcher {
    return new FolderWatcher({
      folders: config.folders,
      store: this.store,
      // A queue write refused by a full disk: the settler retries the file later; the banner says why.
      hand: (file) =>
        this.#intake.handStable(file).catch((error: unknown) => {
          this.#noteStoreError(error);
          throw error;
        }),
      log: this.#log,
      ...(this.#options.openCheck && { openCheck: this.#options.openCheck }),
    });
  }

  /** Starts `watcher` once `before` settles; whenWatching() follows it. */
  #startWatcher(watcher: FolderWatcher, before: Promise<void> = Promise.resolve()): void {
    this.#watching = before
      .then(() => watcher.start())
      .catch((error: unknown) => {
        this.#log.log('error', 'watch-start-failed', errorFacts(error, 'watch.start'));
      });
  }

  /** Starts uploading what the queue holds and (unless watch is false) watching the folders; see whenWatching. */
  start(options: { watch?: boolean } = {}): void {
    this.#scheduler.start();
    if (options.watch === false) return;
    this.#folderMonitor.start();
    this.#watchOn = true;
    this.#startWatcher(this.#watcher);
  }

  /** Resolves once every folder is watched and reconciled (tests write files after this). */
  whenWatching(): Promise<void> {
    return this.#watching;
  }

  /**
   * Queues every file now in the configured folders. With `settledOnly`, files
   * changed within their folder's quiet period are left for a later scan.
   */
  async scanFolders(options: { settledOnly?: boolean } = {}): Promise<number> {
    let queued = 0;
    const problems: ScanProblem[] = [];
    const ahead: { folder: FolderConfig; found: FoundFile }[] = [];
    // Files are taken several at a time, as the watcher's settler hands them:
    // small ones (one short read each) 32 at a time, so the intake commits them
    // in batches; larger ones (a streamed hash when a same-size row exists) two.
    // Uploads start as soon as there is something to send (pump() is a no-op
    // when full), not after the whole folder is queued.
    const taking = new Set<Promise<void>>();
    let failure: { error: unknown } | undefined;
    const take = (found: FoundFile) => {
      const run: Promise<void> = this.#take(found)
        .then(
          (row) => {
            if (!row) return;
            queued++;
            this.#scheduler.pump();
          },
          (error: unknown) => void (failure ??= { error }),
        )
        .finally(() => taking.delete(run));
      taking.add(run);
    };
    for (const folder of this.#folders.values()) {
      const report = await scanFolderReport(folder);
      problems.push(...report.problems);
      for (const found of report.files) {
        if (failure) break;
        if (this.store.findLive(found.folderId, found.path, found.size, found.mtimeMs)) continue;
        const age = this.#now() - found.mtimeMs;
        // An mtime in the future (a device clock ahead, FAT local-time stamps)
        // says nothing about quiet: watched for quietSeconds below instead.
        if (options.settledOnly && age < -FUTURE_SLACK_MS) {
          ahead.push({ folder, found });
          continue;
        }
        if (options.settledOnly && age < folder.quietSeconds * 1000) continue;
        const room = found.size <= SMALL_FILE_BYTES ? SCAN_SMALL_IN_FLIGHT : SCAN_LARGE_IN_FLIGHT;
        while (taking.size >= room) await Promise.race(taking);
        take(found);
      }
    }
    await Promise.all(taking);
    if (failure) throw failure.error;
    if (ahead.length > 0) {
      this.#log.log('warn', 'mtime-in-future', { files: ahead.length });
      queued += await this.#takeIfQuiet(ahead);
    }
    for (const p of problems) this.#log.log('warn', 'folder-scan-problem', { ...p });
    this.#scanProblems = problems;
    this.#scheduler.pump();
    return queued;
  }

  /** What the last scanFolders() could not do (folders missing or unreadable, names not UTF-8). */
  get scanProblems(): readonly ScanProblem[] {
    return this.#scanProblems;
  }

  /** Takes the files whose size and mtime held still for their folder's quiet period (one wait for all). */
  async #takeIfQuiet(files: { folder: FolderConfig; found: FoundFile }[]): Promise<number> {
    const wait = Math.max(...files.map((f) => f.folder.quietSeconds * 1000));
    await new Promise((resolve) => setTimeout(resolve, wait));
    let queued = 0;
    for (const { found } of files) {
      const now = await stat(found.path).catch(() => undefined);
      if (!now || now.size !== found.size || Math.trunc(now.mtimeMs) !== found.mtimeMs) continue; // still being written
      if (await this.#take(found)) queued++;
    }
    return queued;
  }

  /** Queues a scanned file; a queue write the data folder refused holds uploads (heldBecause) and is rethrown. */
  async #take(found: FoundFile): Promise<FileRow | undefined> {
    try {
      return await this.#intake.take(found.folderId, found.path, found.relPath);
    } catch (error) {
      this.#noteStoreError(error);
      throw error;
    }
  }

  /** Queues one file by path (hashing it first); answers its row, or undefined if it cannot be read. */
  async enqueue(path: string): Promise<FileRow | undefined> {
    const folder = [...this.#folders.values()].find((f) => isInside(f.path, path));
    const relPath = folder ? relative(folder.path, path).split(sep).join('/') : basename(path);
    if (folder && !folderFilter(folder)(relPath)) return undefined;
    const row = await this.#intake.take(folder?.id ?? MANUAL_FOLDER, path, relPath);
    this.#scheduler.pump();
    return row;
  }

  #duplicatePolicy(folderId: string): 'skip' | 'upload' {
    return this.#folders.get(folderId)?.duplicates ?? this.#config.duplicates;
  }

  /**
   * Why uploads are held and will not go on without a person or the disk
   * (a refused or locked sign-in, a data folder that cannot be written), in
   * one line with codes, no names; undefined while nothing holds them.
   */
  heldBecause(): string | undefined {
    const data = this.#health.status;
    if (data) return data.advice ?? 'the data folder cannot be written';
    if (!this.#scheduler.heldFor || !this.#signIn) return undefined;
    return this.#signIn.locked
      ? `BioT locked the account (${this.#signIn.code}): ask your BioT administrator to unlock it`
      : `BioT refused the login (${this.#signIn.code}): check the user name and password (or service key) in the config`;
  }

  /** Resolves when nothing is left that the engine would still send by itself, or uploads are held (heldBecause). */
  async whenSettled(options: { maxAttempts: number; pollMs?: number }): Promise<void> {
    for (;;) {
      if (this.heldBecause()) return;
      const counts = this.store.countByState();
      const active = counts.queued + counts.uploading + counts.completing;
      // The failed rows are read only once nothing is active (a page of them is not free every 200 ms).
      if (active === 0 && !this.#scheduler.busy) {
        const retrying =
          counts.failed > 0 && this.store.listFiles({ states: ['failed'], limit: 1000 }).files.some((f) => f.attempts < options.maxAttempts);
        if (!retrying) return;
      }
      await new Promise((r) => setTimeout(r, options.pollMs ?? 200));
    }
  }

  // ---- app/api.ts ----

  async snapshot(query: QueueQuery = {}): Promise<Snapshot> {
    const page = this.store.listFiles(query);
    return {
      at: this.#now(),
      totals: this.#totals(),
      connection: this.#health.status ?? this.#connection,
      folders: await this.#folderStatus(),
      logs: this.#log.health?.() ?? { state: 'ok', code: null, dropped: 0, since: 0 },
      rows: page.files.map((f) => this.#row(f)),
      matching: page.total,
    };
  }

  async pause(target: Target): Promise<number> {
    return this.#command(
      target,
      (id) => this.store.pause(id),
      () => this.store.pauseAll(),
      'pause',
    );
  }

  async resume(target: Target): Promise<number> {
    const n = await this.#command(
      target,
      (id) => this.store.resume(id),
      () => this.store.resumeAll(),
    );
    this.#scheduler.pump();
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
    this.#signIn = undefined;
    this.#scheduler.release();
    return n;
  }

  onEvent(listener: (event: EngineEvent) => void): () => void {
    return this.#events.subscribe(listener);
  }

  async history(query: HistoryQuery = {}): Promise<HistoryPage> {
    const page = this.store.history(query);
    return { rows: page.entries, matching: page.total };
  }

  async settings(): Promise<SettingsView> {
    return settingsView(this.#config);
  }

  async saveSettings(input: SettingsInput): Promise<SaveResult> {
    const file = this.#options.configFile;
    if (!file) return { ok: false, errors: [{ field: '(config file)', message: 'this instance was started without a config file to save to' }] };
    const result = await saveSettingsFile(file, this.#config, input, this.#options.env ?? process.env);
    if ('errors' in result) return { ok: false, errors: result.errors };
    const restart = restartNeeded(this.#config, result.config);
    this.reconfigure(result.config);
    this.#log.log('info', 'settings-saved', { folders: result.config.folders.length });
    return { ok: true, restartNeeded: restart };
  }

  /** Applies a new config now: folders and the bandwidth limit (the BioT login and pools at the next start). */
  reconfigure(config: Config): void {
    this.#config = config;
    // The scheduler holds this same map, so attach rules and policies follow.
    this.#folders.clear();
    for (const f of config.folders) this.#folders.set(f.id as string, f);
    this.#throttle.setRate(config.transfer.maxBytesPerSecond);
    // The watcher keeps its own folder list: swap in one over the new folders.
    // `next`, not this.#watcher read later: a second reconfigure before the old
    // watcher closed would otherwise start the newest watcher twice.
    const old = this.#watcher;
    const next = this.#newWatcher(config);
    this.#watcher = next;
    if (this.#watchOn) this.#startWatcher(next, old.close());
    else void old.close();
    this.#scheduler.pump();
  }

  async #folderStatus(): Promise<FolderStatus[]> {
    return Promise.all(
      [...this.#folders.values()].map(async (f) => {
        const kind = await stat(f.path).then(
          (s) => (s.isDirectory() ? ('ok' as const) : ('not-a-folder' as const)),
          () => 'missing' as const,
        );
        return { id: f.id as string, path: f.path, state: kind };
      }),
    );
  }

  /**
   * Stops transfers (uploads stay resumable), closes the pools and the
   * database. Idempotent (every call answers the same promise) and bounded:
   * after `deadlineMs` whatever is still in flight (a login that never
   * answers, a dead share) is cut off and its rows are left for the next
   * start, whose recoverAtStartup queues them again.
   */
  close(options: { deadlineMs?: number } = {}): Promise<void> {
    this.#closing ??= this.#close(options.deadlineMs ?? CLOSE_DEADLINE_MS);
    return this.#closing;
  }

  async #close(deadlineMs: number): Promise<void> {
    // Real time, not this.#now (tests pin that clock).
    const end = Date.now() + deadlineMs;
    const left = () => end - Date.now();
    this.#health.dispose();
    const inFlight = await this.#scheduler.shutdown(left());
    // After the scheduler: no more 'done' can start a post-upload action.
    const watcherClosed = await settlesWithin(this.#watcher.close(), left());
    this.#folderMonitor.dispose();
    this.#events.dispose();
    const biotClosed = await settlesWithin(this.biot.close(), left());
    if (!biotClosed) await this.biot.destroy();
    if (!(await settlesWithin(this.#storage.close(), left()))) await this.#storage.destroy();
    if (inFlight > 0 || !watcherClosed || !biotClosed) this.#log.log('warn', 'close-deadline', { inFlight, watcherClosed, biotClosed });
    this.store.close();
    this.#lock.release();
  }

  async #command(target: Target, one: (id: number) => unknown, all: () => number, stop?: 'pause' | 'cancel'): Promise<number> {
    const ids = 'all' in target ? this.#scheduler.activeIds() : [target.fileId];
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
          .map((id) => this.#scheduler.stop(id, stop)),
      );
    for (const id of ids) this.#events.touch(id);
    this.#events.emit({ type: 'changed', at: this.#now(), fileIds: ids });
    return n;
  }

  /** A queue read or write failed: when it is the data folder (full, read-only), uploads are held until it recovers. */
  #noteStoreError(error: unknown): void {
    if (this.#health.note(error)) this.#scheduler.holdForStore();
  }

  #noteOutcome(outcome: TransferOutcome): void {
    const next = connectionAfter(outcome, this.#now());
    if (next && next.state !== this.#connection.state) {
      this.#connection = next;
      // While the data folder holds uploads, that is what the banner says.
      if (!this.#health.status) this.#events.emit({ type: 'connection', at: next.since, connection: next });
    }
  }

  #totals(): Totals {
    return queueTotals(this.store, this.#scheduler.activeIds(), this.#live, this.#now());
  }

  #row(f: FileRow): QueueRow {
    return queueRow(f, this.#live);
  }

  #progressEvents(ids: number[]): EngineEventBody[] {
    return [progressEvent(this.store, ids, this.#totals(), this.#live, this.#now())];
  }

  readonly #live: LiveProgress = (fileId) => this.#scheduler.progressOf(fileId);
}

function isInside(folder: string, path: string): boolean {
  const rel = relative(folder, path);
  return rel !== '' && !rel.startsWith('..') && !rel.startsWith(sep) && !/^[A-Za-z]:/.test(rel);
}
