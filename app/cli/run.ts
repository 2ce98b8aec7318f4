// `device-uploader run --config FILE [--once]`: the engine, headless.
// --once uploads what the folders and the queue hold, then exits 0 when all
// are done, non-zero with a one-line summary per file that is not.
import { openEngineLog } from '../common/engine-log.ts';
import { folderLabelById } from '../config/folder-label.ts';
import { loadConfigFile } from '../config/load.ts';
import type { Config } from '../config/schema.ts';
import { createEngine } from '../engine/create-engine.ts';
import type { Engine } from '../engine/engine.ts';
import { describeProblem, type ScanProblem } from '../watch/folder-scan.ts';
import { parseFlags, UsageError } from './flags.ts';
import { showProgress } from './live-view.ts';
import { scanFolders, whenSettled } from './once-scan.ts';

/** Attempts a file gets within one `--once` run before it is reported as failed. */
const ONCE_MAX_ATTEMPTS = 5;

export async function runCommand(args: string[]): Promise<number> {
  const flags = parseFlags(args, { config: { type: 'string' }, once: { type: 'boolean' } });
  if (!flags.config) throw new UsageError('--config FILE is required');
  return runEngine(loadConfigFile(flags.config), { once: !!flags.once });
}

/** Runs an engine on a config until a signal (or, with once, until the queue settles). */
export async function runEngine(config: Config, options: { once: boolean; beforeStart?: (engine: Engine) => Promise<void> }): Promise<number> {
  const logger = await openEngineLog(config);
  let engine: Engine;
  try {
    engine = createEngine(config, { logger });
  } catch (error) {
    await logger.close();
    throw error;
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
  try {
    await options.beforeStart?.(engine);
    // --once takes what the folders hold now; otherwise the watcher reconciles and watches.
    engine.start({ watch: !options.once });
    // Files written to within their folder's quiet period are left for the next run: a device may still be writing.
    let scanProblems: ScanProblem[] = [];
    if (options.once) {
      try {
        scanProblems = (await scanFolders(engine, { settledOnly: true })).problems;
      } catch (error) {
        // A full or read-only data folder: said as such below, like any other hold.
        if (!engine.heldBecause()) throw error;
      }
    }
    if (!options.once) {
      await engine.whenWatching();
      await reportFolders(engine, config);
      await new Promise<never>(() => {}); // until a signal
    }
    await whenSettled(engine, { maxAttempts: ONCE_MAX_ATTEMPTS });
    stopView();
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
    return scanProblems.length > 0 ? 1 : code;
  } finally {
    stopView();
    await stop();
  }
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
