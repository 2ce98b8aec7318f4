// What an EDF writer finishing its header (or a FAT32 card hiding the
// change) does to an export: 32 header bytes rewritten in place, size and
// mtime as they were. Used by the same-mtime-rewrite test and soak scenario.
import { createHash, randomBytes } from 'node:crypto';
import { closeSync, openSync, readFileSync, statSync, utimesSync, writeSync } from 'node:fs';

/** Rewrites the first 32 bytes and puts the mtime back; throws when size or mtime could not be kept; answers the new SHA-256. */
export function rewriteHeaderKeepingMtime(path: string): string {
  const before = statSync(path);
  const fd = openSync(path, 'r+');
  try {
    writeSync(fd, randomBytes(32), 0, 32, 0);
  } finally {
    closeSync(fd);
  }
  utimesSync(path, before.atime, before.mtime);
  const after = statSync(path);
  if (after.size !== before.size || Math.trunc(after.mtimeMs) !== Math.trunc(before.mtimeMs)) {
    throw new Error(`size and mtime could not be put back: ${after.size} ${after.mtimeMs} against ${before.size} ${before.mtimeMs}`);
  }
  return createHash('sha256').update(readFileSync(path)).digest('hex');
}
