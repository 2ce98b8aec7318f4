// The engine's log files, kept for months on a clinic PC: pino writing
// asynchronously through pino-roll, which starts a new numbered file
// (engine.1.log, engine.2.log...) at a size limit and deletes the oldest past
// a count, so the folder never grows past about maxBytes x files.
// A write error (a full or read-only disk) must never stop uploads: it is
// caught here, kept as health() for the engine's status, and the lines wait
// in memory (up to a limit, then are counted as dropped) until the disk takes
// them again. close() writes out every buffered line before it resolves.
import { mkdir } from 'node:fs/promises';
import { join } from 'node:path';
import roll, { type RollStream } from 'pino-roll';
import { pinoLogger, type LogHealth, type Logger } from './logger.ts';

export interface LogFileOptions {
  /** A new file is started once the current one reaches this size. Default 10 MiB. */
  maxBytes?: number;
  /** Files kept, the current one included. Default 5. */
  files?: number;
  /** Lines held in memory while the disk refuses them, in bytes; past it lines are dropped (and counted). Default 8 MiB. */
  maxBufferedBytes?: number;
  /** The files' base name: BASE.N.log. Default LOG_BASE (the engine's); the desktop app's main process uses its own. */
  base?: string;
  now?: () => number;
}

export interface FileLogger extends Logger {
  health(): LogHealth;
  onHealth(listener: (health: LogHealth) => void): () => void;
  /** Writes out what is buffered and closes the file; later lines are dropped. Bounded: a dead disk does not hold it. */
  close(): Promise<void>;
}

/** The engine's files' base name inside the log folder: engine.N.log. */
export const LOG_BASE = 'engine';
export const LOG_EXTENSION = '.log';

/** How long close() waits for a disk that accepts nothing (a dead network drive). */
const CLOSE_DEADLINE_MS = 5000;

/** Opens (creating it if needed) the log folder `dir`; never throws: a folder that cannot be written is reported as health. */
export async function openLogFile(dir: string, options: LogFileOptions = {}): Promise<FileLogger> {
  const now = options.now ?? Date.now;
  const files = options.files ?? 5;
  if (!Number.isInteger(files) || files < 1) throw new RangeError('files must be a whole number >= 1');
  let health: LogHealth = { state: 'ok', code: null, dropped: 0, since: now() };
  const listeners = new Set<(h: LogHealth) => void>();
  /** Listeners hear of a change of state or code; the dropped count alone changes quietly. */
  const setHealth = (next: LogHealth) => {
    const changed = next.state !== health.state || next.code !== health.code;
    health = next;
    if (!changed) return;
    for (const l of listeners) {
      try {
        l(next);
      } catch {
        // A listener's fault is its own; the logger goes on.
      }
    }
  };
  const fail = (error: unknown) => {
    const code = (error as NodeJS.ErrnoException | undefined)?.code ?? 'UNKNOWN';
    if (health.state !== 'failing' || health.code !== code) setHealth({ state: 'failing', code, dropped: health.dropped, since: now() });
  };
  const dropped = () => setHealth({ ...health, dropped: health.dropped + 1 });

  let stream: RollStream | undefined;
  try {
    await mkdir(dir, { recursive: true });
    stream = await roll({
      file: join(dir, options.base ?? LOG_BASE),
      extension: LOG_EXTENSION,
      size: `${options.maxBytes ?? 10 * 1024 * 1024}b`,
      // removeOtherLogFiles also deletes the files of earlier runs (else each
      // restart would keep its own); it then keeps `count` files, the new one
      // included when its creation is seen by the clean-up's directory listing
      // (it races with it, so now and then one file more until the next roll).
      limit: { count: files, removeOtherLogFiles: true },
      maxLength: options.maxBufferedBytes ?? 8 * 1024 * 1024,
      // Up to 1 MiB per write call (sonic-boom's default is 16 KiB): one write
      // lands per turn of the event loop, so while the engine is busy (a sync
      // loop over 100,000 rows) small writes fall behind and fill the buffer.
      maxWrite: 1024 * 1024,
    });
  } catch (error) {
    fail(error);
  }

  let closed = false;
  let closing: Promise<void> | undefined;
  // Until the file is open, or for good if it cannot be opened: lines are counted as lost.
  let log: Logger['log'] = dropped;
  let opened = false;
  if (stream) {
    const s = stream;
    const pinoLog = pinoLogger(s, now).log;
    const write: Logger['log'] = (level, event, facts) => {
      if (closed) return;
      try {
        pinoLog(level, event, facts);
      } catch (error) {
        fail(error);
      }
    };
    // Lines logged while the file opens wait in the stream's buffer.
    log = write;
    s.once('ready', () => (opened = true));
    s.on('error', (error: unknown) => {
      fail(error);
      // A file that never opened (a folder in its place, a read-only disk) stays closed: later
      // writes would only fail again with EBADF and hide the first, telling error.
      if (!opened) {
        stream = undefined;
        log = dropped;
      }
    });
    // A write that lands after a failure means the disk takes lines again.
    s.on('write', () => {
      if (health.state === 'failing') setHealth({ state: 'ok', code: null, dropped: health.dropped, since: now() });
    });
    s.on('drop', dropped);
  }

  return {
    log: (level, event, facts) => log(level, event, facts),
    health: () => health,
    onHealth(listener) {
      listeners.add(listener);
      return () => listeners.delete(listener);
    },
    close() {
      closed = true;
      return (closing ??= stream ? endStream(stream) : Promise.resolve());
    },
  };
}

/** Ends `s` once its buffer is written; gives up at an error or the deadline (the lines could not be written anyway). */
function endStream(s: RollStream): Promise<void> {
  return new Promise<void>((done) => {
    const timer = setTimeout(finish, CLOSE_DEADLINE_MS);
    timer.unref();
    function finish() {
      clearTimeout(timer);
      s.off('close', finish);
      s.off('error', finish);
      // After an error or the deadline the buffer cannot be written: free the file handle.
      if (!s.destroyed && s.fd !== -1) s.destroy();
      done();
    }
    s.once('close', finish);
    s.once('error', finish);
    try {
      s.end();
    } catch {
      finish();
    }
  });
}
