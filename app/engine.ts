// The composition root: opens the queue, builds the BioT client, the storage
// pool and the throttle, runs the scheduler, and implements app/api.ts for
// every UI. Folder watching (issue 4) will feed `intake`; until then files
// come from enqueue(path) and from the folders' current contents.
import { mkdirSync } from 'node:fs';
import { stat } from 'node:fs/promises';
import { basename, join, relative, sep } from 'node:path';
import { EnvHttpProxyAgent, type Dispatcher } from 'undici';
import type { ConnectionStatus, EngineEvent, QueueQuery, QueueRow, Snapshot, Target, Totals, UploaderApi } from './api.ts';
import { createBiotClient, type BiotClient } from './biot/index.ts';
import type { Config, FolderConfig } from './config/schema.ts';
import { connectionAfter, unknownConnection } from './engine/connection.ts';
import { EventPump } from './engine/event-pump.ts';
import { folderFilter, scanFolder } from './engine/folder-scan.ts';
import { sha256File } from './engine/hash-file.ts';
import { silentLogger, type Logger } from './engine/logger.ts';
import { Scheduler } from './engine/scheduler.ts';
import { etaSeconds } from './engine/speed-meter.ts';
import { openStore, type Store } from './store/index.ts';
import type { FileRow } from './store/types.ts';
import { defaultTransferSettings, type TransferSettings } from './transfer/file-transfer.ts';
import type { TransferOutcome } from './transfer/outcome.ts';
import { Throttle } from './transfer/throttle.ts';

export interface EngineOptions {
  logger?: Logger;
  now?: () => number;
  /** Overrides for tests and benchmarks (retry pacing, link windows). */
  transfer?: Partial<TransferSettings>;
}

export const DATABASE_FILE = 'queue.db';

export class Engine implements UploaderApi {
  readonly store: Store;
  readonly biot: BiotClient;
  readonly #config: Config;
  readonly #log: Logger;
  readonly #now: () => number;
  readonly #storage: Dispatcher;
  readonly #throttle: Throttle;
  readonly #scheduler: Scheduler;
  readonly #events: EventPump;
  readonly #folders: Map<string, FolderConfig>;
  #connection: ConnectionStatus;

  /** Opens the queue (recovering rows a crash left in flight) and builds everything; call start() to begin. */
  constructor(config: Config, options: EngineOptions = {}) {
    this.#config = config;
    this.#log = options.logger ?? silentLogger;
    this.#now = options.now ?? Date.now;
    this.#connection = unknownConnection(this.#now());
    mkdirSync(config.dataDir, { recursive: true });
    this.store = openStore(join(config.dataDir, DATABASE_FILE), { now: this.#now });
    const recovered = this.store.recoverAtStartup();
    if (recovered.uploading + recovered.completing > 0) this.#log.log('info', 'recovered', { ...recovered });
    const t = config.transfer;
    this.biot = createBiotClient({
      baseUrl: config.server.baseUrl,
      auth: config.server.auth.type === 'user'
        ? { type: 'user', username: config.server.auth.username, password: config.server.auth.password ?? '' }
        : { type: 'service', id: config.server.auth.id, secretKey: config.server.auth.secretKey ?? '' },
      timeoutMs: t.requestTimeoutSeconds * 1000,
      now: this.#now,
      onTokenEvent: (e) => this.#log.log('info', 'token', { ...(e as unknown as Record<string, string>) }),
    });
    const connections = Math.max(8, t.parallelFiles * t.parallelParts * 2);
    // Part PUTs go to storage, not BioT: their own pool, sized for the parallelism,
    // honouring the same proxy variables. Stalls are caught per part (stallSeconds).
    this.#storage = new EnvHttpProxyAgent({ connections, keepAliveTimeout: 30_000, headersTimeout: t.stallSeconds * 1000, bodyTimeout: t.stallSeconds * 1000 });
    this.#throttle = new Throttle(t.maxBytesPerSecond);
    this.#folders = new Map(config.folders.map((f) => [f.id as string, f]));
    this.#events = new EventPump((ids) => this.#progressEvents(ids));
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
      locked: (code) => {
        this.#scheduler.hold();
        this.#log.log('error', 'account-locked', { code });
      },
      onOutcome: (outcome) => this.#noteOutcome(outcome),
      now: this.#now,
    });
  }

  /** Starts uploading what the queue holds. */
  start(): void {
    this.#scheduler.start();
  }

  /**
   * Queues every file now in the configured folders. With `settledOnly`, files
   * changed within their folder's quiet period are left for a later scan.
   */
  async scanFolders(options: { settledOnly?: boolean } = {}): Promise<number> {
    let queued = 0;
    for (const folder of this.#folders.values()) {
      for (const found of await scanFolder(folder)) {
        if (this.store.findLive(found.folderId, found.path, found.size, found.mtimeMs)) continue;
        if (options.settledOnly && this.#now() - found.mtimeMs < folder.quietSeconds * 1000) continue;
        if (await this.#intake(found.folderId, found.path, found.relPath)) queued++;
      }
    }
    this.#scheduler.pump();
    return queued;
  }

  /** Queues one file by path (hashing it first); answers its row, or undefined if it cannot be read. */
  async enqueue(path: string): Promise<FileRow | undefined> {
    const folder = [...this.#folders.values()].find((f) => isInside(f.path, path));
    const relPath = folder ? relative(folder.path, path).split(sep).join('/') : basename(path);
    if (folder && !folderFilter(folder)(relPath)) return undefined;
    const row = await this.#intake(folder?.id ?? 'manual', path, relPath);
    this.#scheduler.pump();
    return row;
  }

  async #intake(folderId: string, path: string, relPath: string): Promise<FileRow | undefined> {
    try {
      const before = await stat(path);
      const sha256 = await sha256File(path);
      const row = this.store.enqueue({ folderId, sourcePath: path, relPath, size: before.size, mtimeMs: before.mtimeMs, sha256 });
      this.#events.touch(row.id);
      return row;
    } catch (error) {
      this.#log.log('warn', 'intake-failed', { folderId, code: (error as NodeJS.ErrnoException).code ?? 'UNKNOWN' });
      return undefined;
    }
  }

  /** Resolves when nothing is left that the engine would still send by itself. */
  async whenSettled(options: { maxAttempts: number; pollMs?: number }): Promise<void> {
    for (;;) {
      const counts = this.store.countByState();
      const active = counts.queued + counts.uploading + counts.completing;
      const retrying = this.store.listFiles({ states: ['failed'], limit: 1000 }).files.some((f) => f.attempts < options.maxAttempts);
      if (active === 0 && !retrying && !this.#scheduler.busy) return;
      await new Promise((r) => setTimeout(r, options.pollMs ?? 200));
    }
  }

  // ---- app/api.ts ----

  async snapshot(query: QueueQuery = {}): Promise<Snapshot> {
    const page = this.store.listFiles(query);
    return {
      at: this.#now(),
      totals: this.#totals(),
      connection: this.#connection,
      rows: page.files.map((f) => this.#row(f)),
      matching: page.total,
    };
  }

  async pause(target: Target): Promise<number> {
    return this.#command(target, (id) => this.store.pause(id), () => this.store.pauseAll(), 'pause');
  }

  async resume(target: Target): Promise<number> {
    const n = await this.#command(target, (id) => this.store.resume(id), () => this.store.resumeAll());
    this.#scheduler.pump();
    return n;
  }

  async cancel(target: Target): Promise<number> {
    if ('all' in target) {
      let n = 0;
      for (const f of this.store.listFiles({ states: ['queued', 'uploading', 'failed', 'paused', 'needs-attention'], limit: 1000 }).files) {
        n += await this.cancel({ fileId: f.id });
      }
      return n;
    }
    return this.#command(target, (id) => this.store.cancel(id), () => 0, 'cancel');
  }

  async retry(target: Target): Promise<number> {
    const n = await this.#command(target, (id) => this.store.retry(id), () => this.store.retryAllFailed());
    // A person retrying is also how a lock-out is lifted.
    if (this.biot.tokens.lockedBy) this.biot.tokens.reset();
    this.#scheduler.release();
    return n;
  }

  onEvent(listener: (event: EngineEvent) => void): () => void {
    return this.#events.subscribe(listener);
  }

  /** Stops transfers (uploads stay resumable), closes the pools and the database. */
  async close(): Promise<void> {
    await this.#scheduler.shutdown();
    this.#events.dispose();
    await this.biot.close();
    await this.#storage.close();
    this.store.close();
  }

  async #command(
    target: Target,
    one: (id: number) => unknown,
    all: () => number,
    stop?: 'pause' | 'cancel',
  ): Promise<number> {
    const ids = 'all' in target ? this.#scheduler.activeIds() : [target.fileId];
    let n: number;
    if ('all' in target) n = all();
    else {
      one(target.fileId);
      n = 1;
    }
    // The row moved first; now the transfer is told, so its outcome cannot override the person.
    if (stop) await Promise.all(ids.filter((id) => this.store.fileById(id)?.state === (stop === 'pause' ? 'paused' : 'cancelled')).map((id) => this.#scheduler.stop(id, stop)));
    for (const id of ids) this.#events.touch(id);
    this.#events.emit({ type: 'changed', at: this.#now(), fileIds: ids });
    return n;
  }

  #noteOutcome(outcome: TransferOutcome): void {
    const next = connectionAfter(outcome, this.#now());
    if (next && next.state !== this.#connection.state) {
      this.#connection = next;
      this.#events.emit({ type: 'connection', at: next.since, connection: next });
    }
  }

  #totals(): Totals {
    const counts = this.store.countByState();
    const speed = this.#scheduler.activeIds().reduce((sum, id) => sum + (this.#scheduler.progressOf(id)?.speed ?? 0), 0);
    const startOfDay = new Date(this.#now());
    startOfDay.setHours(0, 0, 0, 0);
    const bytesRemaining = this.store.bytesRemaining();
    return { counts, doneToday: this.store.doneSince(startOfDay.getTime()), speed, bytesRemaining, etaSeconds: etaSeconds(bytesRemaining, speed) };
  }

  #row(f: FileRow): QueueRow {
    const live = this.#scheduler.progressOf(f.id);
    const bytesDone = Math.min(f.size, f.bytesDone + Math.max(0, live?.inFlight ?? 0));
    const speed = live?.speed ?? 0;
    return {
      id: f.id,
      folderId: f.folderId,
      relPath: f.relPath,
      size: f.size,
      state: f.state,
      bytesDone,
      speed,
      etaSeconds: live ? etaSeconds(f.size - bytesDone, speed) : null,
      error: f.lastError,
      errorCode: f.lastErrorCode,
      attempts: f.attempts,
      biotFileId: f.biotFileId,
      duplicateOf: f.duplicateOf,
      updatedAt: f.updatedAt,
      completedAt: f.completedAt,
    };
  }

  #progressEvents(ids: number[]): EngineEvent[] {
    const rows = ids
      .map((id) => this.store.fileById(id))
      .filter((f): f is FileRow => !!f)
      .map((f) => {
        const r = this.#row(f);
        return { id: r.id, state: r.state, bytesDone: r.bytesDone, speed: r.speed, etaSeconds: r.etaSeconds };
      });
    return [{ type: 'progress', at: this.#now(), totals: this.#totals(), rows }];
  }
}

function isInside(folder: string, path: string): boolean {
  const rel = relative(folder, path);
  return rel !== '' && !rel.startsWith('..') && !rel.startsWith(sep) && !/^[A-Za-z]:/.test(rel);
}
