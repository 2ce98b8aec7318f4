// A damaged queue.db (truncated by a failing disk, a page overwritten) must
// stop the engine at start-up with one line that names the file and what to
// do, before anything is uploaded or changed: a half-readable queue could
// forget uploads and send them again.
import type { Db } from './db.ts';
import { CodedError } from '../common/coded-error.ts';

/** SQLite's codes for a file that is not (or no longer) a sound database. */
const DAMAGE_CODES = new Set(['SQLITE_CORRUPT', 'SQLITE_CORRUPT_INDEX', 'SQLITE_CORRUPT_SEQUENCE', 'SQLITE_CORRUPT_VTAB', 'SQLITE_NOTADB']);

export class QueueDamagedError extends CodedError<'QUEUE_DAMAGED'> {
  override name = 'QueueDamagedError';
  readonly file: string;
  constructor(file: string, detail: string) {
    super(
      'QUEUE_DAMAGED',
      `the queue database ${file} is damaged (${detail}); nothing was uploaded or changed. ` +
        'Stop Device Uploader and run `device-uploader repair --config <your config file>`: it rebuilds the queue from what can still be read ' +
        'and from its upload journal, and keeps the damaged file beside it',
    );
    this.file = file;
  }
}

/** True for the errors SQLite raises on a damaged file. */
export function isDamage(error: unknown): boolean {
  const code = (error as { code?: unknown }).code;
  return typeof code === 'string' && DAMAGE_CODES.has(code);
}

/**
 * Reads every page of the database once (PRAGMA quick_check: b-tree and page
 * structure, without the slower index cross-check) and throws
 * QueueDamagedError when it is not sound. About 1 s per 100 MB here.
 */
export function checkIntact(db: Db, file: string): void {
  let verdict: string;
  try {
    verdict = String(db.pragma('quick_check(1)', { simple: true }));
  } catch (error) {
    if (isDamage(error)) throw new QueueDamagedError(file, (error as { code: string }).code);
    throw error;
  }
  if (verdict !== 'ok') throw new QueueDamagedError(file, 'integrity check failed');
}
