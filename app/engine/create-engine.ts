// The engine's front door: builds every part and wires them, nothing else.
// Files come from the folder watcher (app/watch), enqueue(path) and `run
// --once`'s scan (app/cli/once-scan.ts), through the intake into the queue
// (app/store). The scheduler runs each claimed row as a file job (dedup,
// then app/transfer). engine.ts is what UIs and hosts call.
import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import type { ConnectionStatus } from '../api.ts';
import { errorFacts } from '../common/error-facts.ts';
import { silentLogger, type Logger } from '../common/logger.ts';
import type { Config } from '../config/schema.ts';
import { openNet, type NetHostOptions } from '../net/index.ts';
import { DATABASE_FILE, openStore, type Store } from '../store/index.ts';
import type { BackoffOptions } from '../transfer/backoff.ts';
import { defaultTransferSettings, type TransferSettings } from '../transfer/file-transfer.ts';
import { Throttle } from '../transfer/throttle.ts';
import { FolderWatcher, type OpenCheck } from '../watch/index.ts';
import { ConnectionState } from './connection.ts';
import { DataFolderHealth } from './data-folder-health.ts';
import { lockDataFolder, type DataFolderLock } from './data-lock.ts';
import { DedupPolicy } from './dedup-policy.ts';
import { Engine } from './engine.ts';
import { EventPump } from './event-pump.ts';
import { FolderMonitor, folderStatus } from './folder-monitor.ts';
import { Holds } from './holds.ts';
import { Intake } from './intake.ts';
import { connectionsFor } from './lanes.ts';
import { QueueView } from './queue-view.ts';
import { Scheduler } from './scheduler.ts';
import { SendSlots } from './send-slots.ts';
import { ServerSwitch } from './server-switch.ts';
import { UploadLimits, type UploadLimitsDeps } from './upload-limits.ts';
import { Watching } from './watching.ts';

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
  /** Waits between the engine's own tries of a login BioT refused (tests: short; default minutes). */
  signInRetry?: BackoffOptions;
  /** The host's part of network.proxy: the desktop app's system resolver and default ("system"); headless: "env". */
  network?: Omit<NetHostOptions, 'env'>;
  /** Tests: the timetable's and timed pauses' clock and zone. */
  limits?: Pick<UploadLimitsDeps, 'clock' | 'offsetAt'>;
}

/** Opens the queue (recovering rows a crash left in flight) and builds everything; call start() to begin. */
export function createEngine(config: Config, options: EngineOptions = {}): Engine {
  const log = options.logger ?? silentLogger;
  const now = options.now ?? Date.now;
  mkdirSync(config.dataDir, { recursive: true });
  // Before anything reads or changes the queue: a second engine on this
  // folder must stop here (DataFolderInUse), not recover the first one's rows.
  const lock = options.dataLock ?? lockDataFolder(config.dataDir);
  let store: Store;
  try {
    store = openStore(join(config.dataDir, DATABASE_FILE), { now });
  } catch (error) {
    lock.release();
    throw error;
  }
  // A queue.db deleted beside its journal was given the finished uploads back before anything scans.
  if (store.restoredFromJournal > 0) log.log('warn', 'queue-restored-from-journal', { uploads: store.restoredFromJournal });
  const recovered = store.recoverAtStartup();
  if (recovered.uploading + recovered.completing > 0) log.log('info', 'recovered', { ...recovered });
  // Said once per run by the window and the console: uploads a stop interrupted, taken up again from the parts BioT has.
  const resumed = recovered.uploading + recovered.completing;
  const t = config.transfer;
  // Trust (the OS store, network.caFile) and the proxy, for BioT calls and storage PUTs alike.
  const net = openNet(config.network, { env: options.env ?? process.env, defaultProxy: 'env', ...options.network });
  // Replaceable: Settings applies a new login at once (server-switch.ts). A token handed out means connected.
  const biot = new ServerSwitch(config, {
    net,
    now,
    onTokenEvent: (e) => {
      log.log('info', 'token', { ...(e as unknown as Record<string, string>) });
      connection.noteToken(e);
    },
    // BioT or its storage said 429/503 with Retry-After: every file leaves that host alone this long.
    onHold: (e) => log.log('warn', 'retry-after', { seconds: Math.ceil(e.ms / 1000) }),
  });
  const connections = Math.max(8, t.parallelFiles * t.parallelParts * 2);
  // Part PUTs go to storage, not BioT: their own pool, sized for the parallelism,
  // through the same trust and proxy choice. Stalls are caught per part (stallSeconds)
  // by putPart's own timer, which knows waiting for the bandwidth limit is not a
  // stall; undici's timers would count that wait (at a low limit, for ever), so off.
  const storage = net.dispatcher({ connections, keepAliveTimeout: 30_000, headersTimeout: 0, bodyTimeout: 0 });
  const throttle = new Throttle(t.maxBytesPerSecond);
  const folders = new Map(config.folders.map((f) => [f.id as string, f]));
  const dedup = new DedupPolicy(store, folders, config.duplicates);
  // A UI listener that throws is its own bug: logged here, never the engine's.
  const events = new EventPump(
    (ids) => view.progressEvents(ids),
    250,
    (where, error) => log.log('error', 'event-listener-failed', errorFacts(error, `events.${where}`)),
  );
  const emitConnection = (shown: ConnectionStatus) => events.emit({ type: 'connection', at: shown.since, connection: shown });
  const folderMonitor = new FolderMonitor(
    () => folderStatus(folders.values()),
    (list) => events.emit({ type: 'folders', at: now(), folders: list }),
  );
  const health = new DataFolderHealth({
    dir: config.dataDir,
    log,
    now,
    changed: (status) => emitConnection(status ?? connection.shown),
    resume: () => {
      if (!scheduler.writeHeld()) return false;
      scheduler.releaseStore();
      return true;
    },
    ...options.dataFolder,
  });
  const connection = new ConnectionState(
    now,
    emitConnection,
    () => health.status,
    (next) => log.log(next.state === 'ok' ? 'info' : 'warn', 'connection', { state: next.state, code: next.code ?? null }),
  );
  const settings: TransferSettings = {
    ...defaultTransferSettings,
    partSize: t.partSizeMiB * 1024 * 1024,
    parallelParts: t.parallelParts,
    stallMs: t.stallSeconds * 1000,
    ...options.transfer,
  };
  // The storage connections every file in flight shares: small files go more at once, and ahead (lanes.ts).
  const sendSlots = new SendSlots(connectionsFor(t.parallelFiles, settings));
  const world = { store, biot, storage, throttle, settings, folders, log, dedup, now, sendSlots };
  const scheduler: Scheduler = new Scheduler({
    ...world,
    parallelFiles: t.parallelFiles,
    changed: (id) => events.touch(id),
    signInStopped: (code, locked) => holds.signInStopped(code, locked),
    onOutcome: (outcome) => connection.noteOutcome(outcome),
    onStoreError: (error) => holds.noteStoreError(error),
    // A move or delete only once the done row (and its journal line) is on disk: the group sync's.
    onDone: (row) =>
      void store.whenDurable().then(
        () => watching.afterUpload(row),
        (error: unknown) => log.log('error', 'done-not-synced', { fileId: row.id, ...errorFacts(error, 'store.whenDurable') }),
      ),
  });
  const holds = new Holds({ health, scheduler, connection, biot, log, now, signInRetry: options.signInRetry });
  const view = new QueueView(store, scheduler, now);
  const intake = new Intake({ store, folders, dedup, log, touched: (id) => events.touch(id), queued: () => scheduler.pump() });
  const newWatcher = (list: Config['folders']) =>
    new FolderWatcher({
      folders: list,
      store,
      // A queue write refused by a full disk: the settler retries the file later; the banner says why.
      hand: (file) =>
        intake.handStable(file).catch((error: unknown) => {
          holds.noteStoreError(error);
          throw error;
        }),
      log,
      ...(options.openCheck && { openCheck: options.openCheck }),
    });
  const watching = new Watching(newWatcher, config.folders, log);
  const limits = new UploadLimits({ ...world, dataDir: config.dataDir, transfer: t, scheduler, events, rows: () => engine, ...options.limits });
  const { configFile, env } = options;
  const parts = { config, configFile, env, log, now, lock, store, biot, net, storage, throttle, folders, dedup, scheduler, intake };
  const resumedNews = resumed > 0 ? { resumed: { count: resumed, since: now() } } : {};
  const engine: Engine = new Engine({ ...parts, events, folderMonitor, health, holds, connection, view, watching, limits, ...resumedNews });
  return engine;
}
