// Structured log lines: an event name and name-free facts (ids, codes,
// traceIds, counts, hashes), one JSON object per line, written by pino.
// The engine passes ids, never paths; as a guard, facts under keys that
// carry secrets or patient data (REDACTED_KEYS) are censored by key. Values
// are not guessed at: a value is judged by the key it is filed under.
import { pino, type DestinationStream } from 'pino';
import type { LogStatus } from '../api.ts';

export type LogFacts = Record<string, string | number | boolean | null | undefined>;
/** 'debug': routine steps a file's other lines already tell; below the level written (info), so free. */
export type LogLevel = 'debug' | 'info' | 'warn' | 'error';

/** Whether log lines reach their file (app/api.ts's LogStatus: the engine reports it as is). */
export type LogHealth = LogStatus;

export interface Logger {
  log(level: LogLevel, event: string, facts?: LogFacts): void;
  /** Present on loggers that can fail (a file): what the engine reports in its status. */
  health?(): LogHealth;
  /** Told whenever health() changes; answers the unsubscribe function. */
  onHealth?(listener: (health: LogHealth) => void): () => void;
}

/**
 * Keys whose values never reach a log, whatever they hold: secrets (tokens,
 * passwords, keys, signed URLs) and patient data (file names and paths from
 * device folders). Matched exactly, at the top level and one level down.
 */
export const REDACTED_KEYS = [
  'token',
  'accessToken',
  'refreshToken',
  'password',
  'secret',
  'secretKey',
  'authorization',
  'cookie',
  'url',
  'signedUrl',
  'uploadUrl',
  'username',
  'path',
  'relPath',
  'sourcePath',
  'archivePath',
  'archiveDir',
  'dest',
  'name',
  'fileName',
  'filename',
] as const;

export const CENSORED = '[redacted]';

/** pino over `destination` with this project's line shape: {"level","at","event",...facts}. */
export function pinoLogger(destination: DestinationStream, now: () => number = Date.now): Logger {
  const out = pino(
    {
      level: 'info',
      // No pid or host name: a line says what happened, not where.
      base: undefined,
      timestamp: () => `,"at":"${new Date(now()).toISOString()}"`,
      formatters: { level: (label) => ({ level: label }) },
      redact: { paths: REDACTED_KEYS.flatMap((k) => [k, `*.${k}`]), censor: CENSORED },
    },
    destination,
  );
  return {
    log(level, event, facts = {}) {
      // `event` last: a fact named "event" (a spread transfer event) cannot replace it.
      out[level]({ ...facts, event });
    },
  };
}

/** A logger that hands each line (without its newline) to `write`: debugging and tests. */
export function jsonLogger(write: (line: string) => void, now: () => number = Date.now): Logger {
  return pinoLogger({ write: (line: string) => write(line.replace(/\n$/, '')) }, now);
}

/** A logger that drops everything (tests, and callers that show progress instead). */
export const silentLogger: Logger = { log() {} };
