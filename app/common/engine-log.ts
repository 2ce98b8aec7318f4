// The engine's log as every host opens it (the CLI, `serve`, the desktop
// app's engine process): the rotating files of log-file.ts in
// `<dataDir>/logs`, and one line on stderr when the disk refuses them or
// takes them again, so the person at the PC hears of it.
import { join } from 'node:path';
import { openLogFile, type FileLogger } from './log-file.ts';
import type { LogHealth } from './logger.ts';

/** What a log write error means for the person at the PC. */
const LOG_TROUBLE: Record<string, string> = {
  ENOSPC: "the data folder's disk is full",
  EDQUOT: "the data folder's disk quota is used up",
  EROFS: 'the data folder is on a read-only disk',
  EACCES: 'this user may not write the data folder',
  EPERM: 'this user may not write the data folder',
};

/**
 * Opens the engine's logs (JSON lines, ids only) in `<dataDir>/logs`, rotated
 * at 10 MiB over 5 files. A disk that refuses them is said once on stderr and
 * in the engine's status; the engine runs on.
 */
export async function openEngineLog(config: { dataDir: string }, stderr: NodeJS.WritableStream = process.stderr): Promise<FileLogger> {
  const logger = await openLogFile(join(config.dataDir, 'logs'));
  const say = (h: LogHealth) =>
    stderr.write(
      h.state === 'failing'
        ? `Logs cannot be written (${h.code}: ${LOG_TROUBLE[h.code ?? ''] ?? 'the log folder cannot be written'}); uploads go on.\n`
        : `Logs are written again${h.dropped ? ` (${h.dropped} lines were lost)` : ''}.\n`,
    );
  if (logger.health().state === 'failing') say(logger.health());
  logger.onHealth(say);
  return logger;
}
