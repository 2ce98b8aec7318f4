// "Can this file be opened for reading right now?" A device that still holds
// its export open with a deny-share mode makes Windows refuse with a sharing
// violation (libuv maps it to EBUSY; EPERM/EACCES also happen while an
// antivirus scans). That is "try later", never an error. Linux has no
// mandatory locks, so the check is injectable and tests script it.
import { open } from 'node:fs/promises';

export type OpenResult = 'ok' | 'locked' | 'missing' | 'error';
export type OpenCheck = (path: string) => Promise<OpenResult>;

const LOCKED_CODES = new Set(['EBUSY', 'EPERM', 'EACCES', 'ETXTBSY', 'EAGAIN']);

/** Sorts an open() error code into what the watcher does with it. */
export function classifyOpenError(code: string | undefined): Exclude<OpenResult, 'ok'> {
  if (code === 'ENOENT' || code === 'ENOTDIR') return 'missing';
  if (code !== undefined && LOCKED_CODES.has(code)) return 'locked';
  return 'error';
}

/** The real check: open read-only and close at once. */
export const openForReading: OpenCheck = async (path) => {
  try {
    const handle = await open(path, 'r');
    await handle.close();
    return 'ok';
  } catch (error) {
    return classifyOpenError((error as NodeJS.ErrnoException).code);
  }
};

/** Delay before looking at a locked (or unreadable) file again: 1 s doubling to a minute. */
export function lockRetryDelay(attempt: number): number {
  return Math.min(60_000, 1_000 * 2 ** Math.max(0, attempt - 1));
}
