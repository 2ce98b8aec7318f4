// Opening the queue file: checked for damage, migrated, what an earlier
// process wrote synced, and restored from the upload journal when it is new
// or empty, before anything reads it.
import { checkIntact, isDamage, QueueDamagedError } from './damage.ts';
import { createContext, openDatabase } from './db.ts';
import { restoreIfEmpty } from './journal-restore.ts';
import { migrate, type Migration } from './migrate.ts';
import { MIGRATIONS } from './migrations/index.ts';
import { Store } from './store.ts';
import { journalFile, UploadJournal } from './upload-journal.ts';
import { syncIfPresent } from './wal-sync.ts';

export interface OpenStoreOptions {
  /** Replaces the shipped migrations (tests inject a failing list). */
  migrations?: readonly Migration[];
  /** Clock for timestamps and "due now" (tests pin it). */
  now?: () => number;
}

/**
 * Open (creating if needed), check and migrate the queue database; throws
 * StoreTooNewError for a newer schema and QueueDamagedError for a damaged file.
 */
export function openStore(file: string, options: OpenStoreOptions = {}): Store {
  let db;
  try {
    db = openDatabase(file);
  } catch (e) {
    if (isDamage(e)) throw new QueueDamagedError(file, (e as { code: string }).code);
    throw e;
  }
  try {
    checkIntact(db, file);
    const result = migrate(db, options.migrations ?? MIGRATIONS);
    for (const written of [`${file}-wal`, journalFile(file)]) syncIfPresent(written);
    const ctx = createContext(db, options.now);
    // Before anyone scans: a queue.db deleted beside its journal must not send every export again.
    const restored = restoreIfEmpty(ctx, journalFile(file));
    return new Store(ctx, result, new UploadJournal(journalFile(file)), `${file}-wal`, restored);
  } catch (e) {
    db.close();
    if (isDamage(e)) throw new QueueDamagedError(file, (e as { code: string }).code);
    throw e;
  }
}
