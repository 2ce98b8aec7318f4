// The desktop app's own log: why the shell did what it did (the engine gone
// and restarted, a second start, sleep and wake, the end of the session, a
// refused web request, updates). An installed GUI app has no console anyone
// reads, so its lines go to rotating files in the data folder's logs/, beside
// the engine's: <data folder>/logs/main.N.log, by the engine's rules
// (log-file.ts: 10 MiB x 5 files, each base name rotated on its own; ids and
// codes only, the same redaction). In development they are echoed to stdout.
import { openLogFile, type FileLogger } from '../app/common/log-file.ts';
import { jsonLogger, type LogFacts, type Logger, type LogLevel } from '../app/common/logger.ts';

export const MAIN_LOG_BASE = 'main';

/** Lines logged while the file opens wait in memory, this many at most. */
const EARLY_LINES = 1_000;

export interface MainLog extends Logger {
  /** Writes out what is buffered and closes the file (bounded: log-file.ts); later lines are dropped. */
  close(): Promise<void>;
}

/** Opens the main process's log in `dir`; usable at once (lines wait until the file is open). */
export function openMainLog(dir: string, options: { echo?: (line: string) => void } = {}): MainLog {
  const echo = options.echo && jsonLogger(options.echo);
  let file: FileLogger | undefined;
  let closed = false;
  const early: [LogLevel, string, LogFacts | undefined][] = [];
  const opening = openLogFile(dir, { base: MAIN_LOG_BASE }).then((opened) => {
    file = opened;
    for (const line of early.splice(0)) opened.log(...line);
    return opened;
  });
  return {
    log(level, event, facts) {
      if (closed) return;
      echo?.log(level, event, facts);
      if (file) file.log(level, event, facts);
      else if (early.length < EARLY_LINES) early.push([level, event, facts]);
    },
    close() {
      closed = true;
      return opening.then((opened) => opened.close());
    },
  };
}

export interface QuittingAppLike {
  on(event: 'will-quit', listener: (event: { preventDefault(): void }) => void): void;
  quit(): void;
}

/** The app's last lines reach the file: the first will-quit waits for the log to close, then quits again. */
export function closeLogBeforeQuit(app: QuittingAppLike, log: MainLog): void {
  let closing = false;
  app.on('will-quit', (event) => {
    if (closing) return;
    closing = true;
    event.preventDefault();
    void log.close().finally(() => app.quit());
  });
}
