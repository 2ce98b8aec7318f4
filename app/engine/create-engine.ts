// The engine's front door: builds every part and wires them, nothing else.
// Files come from the folder watcher (app/watch), enqueue(path) and `run
// --once`'s scan (app/cli/once-scan.ts), through the intake into the queue
// (app/store). The scheduler runs each claimed row as a file job (dedup,
// then app/transfer). engine.ts is what UIs and hosts call.
import type { ConnectionStatus } from '../api.ts';
import { errorFacts } from '../common/error-facts.ts';
import { silentLogger } from '../common/logger.ts';
import type { Config } from '../config/schema.ts';
import { openNet } from '../net/index.ts';
import { Throttle } from '../transfer/throttle.ts';
import { FolderWatcher } from '../watch/index.ts';
import { ConnectionState } from './connection.ts';
import { DataFolderHealth } from './data-folder-health.ts';
import { DedupPolicy } from './dedup-policy.ts';
import type { EngineOptions } from './engine-options.ts';
import { Engine } from './engine.ts';
import { EventPump } from './event-pump.ts';
import { FolderMonitor, folderStatus } from './folder-monitor.ts';
import { Holds } from './holds.ts';
import { Intake } from './intake.ts';
import { connectionsFor } from './lanes.ts';
import { openQueue } from './open-queue.ts';
import { QueueView } from './queue-view.ts';
import { Scheduler } from './scheduler.ts';
import { SendSlots } from './send-slots.ts';
import { ServerSwitch } from './server-switch.ts';
import { transferSettings } from './transfer-settings.ts';
import { UploadLimits } from './upload-limits.ts';
import { Watching } from './watching.ts';

export type { EngineOptions } from './engine-options.ts';

/** Opens the queue (recovering rows a crash left in flight) and builds everything; call start() to begin. */
export function createEngine(config: Config, options: EngineOptions = {}): Engine {
  const log = options.logger ?? silentLogger;
  const now = options.now ?? Date.now;
  const { lock, store, resumed } = openQueue(config.dataDir, { log, now, dataLock: options.dataLock });
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
  const settings = transferSettings(t, options.transfer);
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
      void watching
        .afterUploadOnce(store.whenDurable(), row)
        .catch((error: unknown) => log.log('error', 'done-not-synced', { fileId: row.id, ...errorFacts(error, 'store.whenDurable') })),
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
