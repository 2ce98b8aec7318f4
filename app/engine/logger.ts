// Structured log lines: an event name and name-free facts (ids, codes,
// traceIds, counts, hashes). The type only admits scalars, and the engine
// passes ids, never paths; values that look like paths are masked as a last guard.

export type LogFacts = Record<string, string | number | boolean | null | undefined>;
export type LogLevel = 'info' | 'warn' | 'error';

export interface Logger {
  log(level: LogLevel, event: string, facts?: LogFacts): void;
}

/** A logger that writes one JSON object per line to `write`. */
export function jsonLogger(write: (line: string) => void, now: () => number = Date.now): Logger {
  return {
    log(level, event, facts = {}) {
      const clean: LogFacts = {};
      for (const [key, value] of Object.entries(facts)) {
        if (value === undefined) continue;
        clean[key] = typeof value === 'string' && looksLikePath(value) ? '[path]' : value;
      }
      write(JSON.stringify({ at: new Date(now()).toISOString(), level, event, ...clean }));
    },
  };
}

/** A logger that drops everything (tests, and callers that show progress instead). */
export const silentLogger: Logger = { log() {} };

function looksLikePath(value: string): boolean {
  return /[\\/]/.test(value) && !/^https?:/.test(value) && !/^[A-Za-z0-9_.:-]+$/.test(value);
}
