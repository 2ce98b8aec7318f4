// `device-uploader run --config FILE [--once]`: the engine, headless.
// --once uploads what the folders and the queue hold, then exits 0 when all
// are done, non-zero with a one-line summary per file that is not.
import { join } from 'node:path';
import { openEngineLog } from '../common/engine-log.ts';
import { folderLabelById } from '../config/folder-label.ts';
import { loadConfigFile } from '../config/load.ts';
import type { Config } from '../config/schema.ts';
import type { ConnectionStatus } from '../api.ts';
import { setupProblem } from '../engine/connection.ts';
import { createEngine } from '../engine/create-engine.ts';
import type { Engine } from '../engine/engine.ts';
import { readPausedUntil } from '../engine/timed-pause.ts';
import { DATABASE_FILE } from '../store/index.ts';
import { restoredLine } from '../store/journal-restore.ts';
import { describeProblem, type FoundFile, type ScanProblem } from '../watch/folder-scan.ts';
import { parseFlags, UsageError } from './flags.ts';
import { showProgress } from './live-view.ts';
import { screenText } from './format.ts';
import { DEFAULT_SETTLE_LIMIT_MS, scanFolders, whenSettled } from './once-scan.ts';

/** Attempts a file gets within one `--once` run before it is reported as failed. */
const ONCE_MAX_ATTEMPTS = 5;

export async function runCommand(args: string[]): Promise<number> {
  const flags = parseFlags(args, { config: { type: 'string' }, once: { type: 'boolean' }, 'settle-limit': { type: 'string' } });
  if (!flags.config) throw new UsageError('--config FILE is required');
  const limit = flags['settle-limit'];
  const settleLimitSeconds = limit === undefined ? undefined : Number(limit);
  if (settleLimitSeconds !== undefined && !(Number.isFinite(settleLimitSeconds) && settleLimitSeconds >= 0)) {
    throw new UsageError('--settle-limit must be a number of seconds (how long --once waits for files still being written)');
  }
  return runEngine(loadConfigFile(flags.config), { once: !!flags.once, ...(settleLimitSeconds !== undefined && { settleLimitSeconds }) });
}

/** Runs an engine on a config until a signal (or, with once, until the queue settles). */
export async function runEngine(
  config: Config,
  options: { once: boolean; settleLimitSeconds?: number; beforeStart?: (engine: Engine) => Promise<void> },
): Promise<number> {
  const logger = await openEngineLog(config);
  let engine: Engine;
  try {
    engine = createEngine(config, { logger });
  } catch (error) {
    await logger.close();
    throw error;
  }
  // A deleted queue.db got the journal back (app/store/journal-restore.ts): one line says so, before the first scan.
  if (engine.store.restoredFromJournal > 0) {
    process.stderr.write(`${restoredLine(join(config.dataDir, DATABASE_FILE), engine.store.restoredFromJournal)}\n`);
  }
  const stopView = showProgress(engine, process.stdout);
  let stopping: Promise<void> | undefined;
  // The logs close last: what the engine says while stopping is written too.
  const stop = () => (stopping ??= engine.close().finally(() => logger.close()));
  const onSignal = (signal: NodeJS.Signals) => {
    process.stderr.write(`\n${signal}: stopping; uploads resume where they left off next time\n`);
    void stop().then(() => process.exit(signal === 'SIGINT' ? 130 : 143));
  };
  process.once('SIGINT', onSignal);
  process.once('SIGTERM', onSignal);
  // --once: a certificate, proxy or name problem will not heal by waiting: said at once, with its code.
  let blocked: ConnectionStatus | undefined;
  const offConnection = engine.onEvent((e) => {
    if (e.type === 'connection' && setupProblem(e.connection)) blocked = e.connection;
  });
  try {
    await options.beforeStart?.(engine);
    // --once takes what the folders hold now; otherwise the watcher reconciles and watches.
    engine.start({ watch: !options.once });
    // Files written to within their folder's quiet period are waited for (a device may still be writing), up to a limit.
    const settleLimitMs = (options.settleLimitSeconds ?? DEFAULT_SETTLE_LIMIT_MS / 1000) * 1000;
    let scanProblems: ScanProblem[] = [];
    let stillWriting: FoundFile[] = [];
    if (options.once) {
      try {
        ({ problems: scanProblems, stillWriting } = await scanFolders(engine, { settledOnly: true, settleLimitMs }));
      } catch (error) {
        // A full or read-only data folder: said as such below, like any other hold.
        if (!engine.heldBecause()) throw error;
      }
    }
    // A timed pause (the window's "Pause until tomorrow") ends by itself, maybe hours
    // from now: say until when rather than wait for it (what it scanned stays queued).
    const pausedUntil = options.once ? readPausedUntil(config.dataDir) : null;
    if (pausedUntil !== null) {
      stopView();
      process.stderr.write(
        `device-uploader run: uploads paused until ${new Date(pausedUntil).toLocaleString()}; the next run after that sends them\n`,
      );
      return 1;
    }
    if (!options.once) {
      await engine.whenWatching();
      await reportFolders(engine, config);
      await new Promise<never>(() => {}); // until a signal
    }
    await whenSettled(engine, { maxAttempts: ONCE_MAX_ATTEMPTS, stopWhen: () => blocked !== undefined });
    offConnection();
    stopView();
    if (blocked) {
      process.stderr.write(`device-uploader run: cannot reach BioT [${blocked.code}]: ${blocked.advice}\n`);
      return 1;
    }
    // Held (login refused, data folder full): waiting would never end, and a
    // scheduled task would pile up processes. One line, and non-zero.
    const held = engine.heldBecause();
    if (held) {
      process.stderr.write(`device-uploader run: uploads held: ${held}\n`);
      return 1;
    }
    const code = summarize(engine, config);
    // What the scan could not take is not done either: named by the folder's config label and a count.
    for (const p of scanProblems) process.stdout.write(`not scanned: ${describeProblem(p, folderLabelById(config.folders, p.folderId))}\n`);
    for (const line of stillWritingLines(stillWriting, settleLimitMs, process.stdout.isTTY === true, config)) process.stdout.write(`${line}\n`);
    return scanProblems.length > 0 || stillWriting.length > 0 ? 1 : code;
  } finally {
    stopView();
    await stop();
  }
}

/**
 * Files still being written when --once stopped waiting, per folder. On a
 * terminal a person is looking: their names; otherwise (a scheduled task's
 * log) the folder's config label and a count, never a file name.
 */
function stillWritingLines(files: readonly FoundFile[], limitMs: number, names: boolean, config: Config): string[] {
  const byFolder = Map.groupBy(files, (f) => f.folderId);
  const head = `still being written after ${limitMs / 1000} s, not sent (the next run takes it): folder`;
  return [...byFolder].map(([folderId, list]) => {
    const folder = folderLabelById(config.folders, folderId);
    return names
      ? `${head} ${folder}: ${list.map((f) => screenText(f.relPath)).join(', ')}`
      : `${head} ${folder}: ${list.length} file${list.length === 1 ? '' : 's'}`;
  });
}

function summarize(engine: Engine, config: Config): number {
  const counts = engine.store.countByState();
  const unfinished = engine.store.listFiles({ states: ['failed', 'needs-attention', 'missing', 'paused', 'cancelled'], limit: 1000 });
  process.stdout.write(`done ${counts.done}, duplicates ${counts.duplicate}, not done ${unfinished.total}\n`);
  for (const f of unfinished.files) {
    // File ids, not names: this line may end up in a scheduler's log (`status` shows names). The folder is the config's.
    process.stdout.write(
      `file ${f.id} (folder ${folderLabelById(config.folders, f.folderId)}) ${f.state}: ${f.lastError ?? f.state}${f.lastErrorCode ? ` [${f.lastErrorCode}]` : ''}\n`,
    );
  }
  return unfinished.total === 0 ? 0 : 1;
}

/** Watch mode: says at start which watched folders cannot be watched (the banner's news, for a terminal or service log). */
async function reportFolders(engine: Engine, config: Config): Promise<void> {
  const snap = await engine.snapshot({ limit: 0 });
  for (const f of snap.folders) {
    if (f.state !== 'ok')
      process.stderr.write(
        `folder ${folderLabelById(config.folders, f.id)}: ${f.state === 'missing' ? 'the watched folder does not exist' : 'the watched path is not a folder'}; its files are not uploaded until it is back\n`,
      );
  }
}
