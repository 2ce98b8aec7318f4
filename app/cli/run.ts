// `device-uploader run --config FILE [--once]`: the engine, headless.
// --once uploads what the folders and the queue hold, then exits 0 when all
// are done, non-zero with a one-line summary per file that is not.
import { createWriteStream, mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { loadConfigFile } from '../config/load.ts';
import type { Config } from '../config/schema.ts';
import { Engine } from '../engine.ts';
import { jsonLogger } from '../engine/logger.ts';
import { parseFlags, UsageError } from './flags.ts';
import { showProgress } from './live-view.ts';

/** Attempts a file gets within one `--once` run before it is reported as failed. */
const ONCE_MAX_ATTEMPTS = 5;

export async function runCommand(args: string[]): Promise<number> {
  const flags = parseFlags(args, { config: { type: 'string' }, once: { type: 'boolean' } });
  if (!flags.config) throw new UsageError('--config FILE is required');
  return runEngine(loadConfigFile(flags.config), { once: !!flags.once });
}

/** Opens the engine's log file (JSON lines, ids only) under the data dir. */
export function engineLogger(config: Config) {
  const dir = join(config.dataDir, 'logs');
  mkdirSync(dir, { recursive: true });
  const file = createWriteStream(join(dir, 'engine.log'), { flags: 'a' });
  return jsonLogger((line) => file.write(`${line}\n`));
}

/** Runs an engine on a config until a signal (or, with once, until the queue settles). */
export async function runEngine(config: Config, options: { once: boolean; beforeStart?: (engine: Engine) => Promise<void> }): Promise<number> {
  const engine = new Engine(config, { logger: engineLogger(config) });
  const stopView = showProgress(engine, process.stdout);
  let stopping: Promise<void> | undefined;
  const stop = () => (stopping ??= engine.close());
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
    if (options.once) await engine.scanFolders({ settledOnly: true });
    if (!options.once) {
      await new Promise<never>(() => {}); // until a signal
    }
    await engine.whenSettled({ maxAttempts: ONCE_MAX_ATTEMPTS });
    stopView();
    return summarize(engine);
  } finally {
    stopView();
    await stop();
  }
}

function summarize(engine: Engine): number {
  const counts = engine.store.countByState();
  const unfinished = engine.store.listFiles({ states: ['failed', 'needs-attention', 'missing', 'paused', 'cancelled'], limit: 1000 });
  process.stdout.write(`done ${counts.done}, duplicates ${counts.duplicate}, not done ${unfinished.total}\n`);
  for (const f of unfinished.files) {
    // Ids, not names: this line may end up in a scheduler's log. `status` shows names.
    process.stdout.write(`file ${f.id} (folder ${f.folderId}) ${f.state}: ${f.lastError ?? f.state}${f.lastErrorCode ? ` [${f.lastErrorCode}]` : ''}\n`);
  }
  return unfinished.total === 0 ? 0 : 1;
}
