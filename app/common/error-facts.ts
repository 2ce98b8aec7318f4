// What a log line keeps of an error: enough to find the fault (its type, its
// errno or BioT code, the operation, where in our code it was raised) and
// nothing that may name a patient. Messages are left out, because Node puts
// the path in them ("ENOENT: no such file, open '/exports/DOE_JANE.edf'"),
// and stack frames keep only the source file's base name and line.
import type { LogFacts } from './logger.ts';

const MAX_FRAMES = 8;

/** Name-free facts about `error` for a log line: operation, error type, code, a short stack. */
export function errorFacts(error: unknown, operation: string): LogFacts {
  const e = error as { name?: unknown; code?: unknown; stack?: unknown } | null | undefined;
  const name = error instanceof Error ? error.name : typeof error;
  const code = typeof e?.code === 'string' || typeof e?.code === 'number' ? String(e.code) : undefined;
  return { operation, error: name, code, stack: typeof e?.stack === 'string' ? frames(e.stack) : undefined };
}

/** The "at ..." lines of a stack, each reduced to function and file:line (no folders). */
export function frames(stack: string): string {
  return stack
    .split('\n')
    .filter((line) => /^\s+at /.test(line))
    .slice(0, MAX_FRAMES)
    .map((line) =>
      line
        .trim()
        .slice(3)
        .replace(/(?:file:\/\/)?[^\s()]*[\\/]/g, ''),
    )
    .join(' < ');
}
