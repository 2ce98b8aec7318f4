// The first thing an engine does: lock its data folder, open the queue
// (restoring it from the journal if queue.db was deleted) and take back the
// rows a crash or a kill left in flight.
import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import type { Logger } from '../common/logger.ts';
import { DATABASE_FILE, openStore, type Store } from '../store/index.ts';
import { lockDataFolder, type DataFolderLock } from './data-lock.ts';

export interface OpenedQueue {
  lock: DataFolderLock;
  store: Store;
  /** Uploads a stop interrupted, taken up again from the parts BioT has (said once per run). */
  resumed: number;
}

export function openQueue(dataDir: string, o: { log: Logger; now: () => number; dataLock?: DataFolderLock }): OpenedQueue {
  const { log, now } = o;
  mkdirSync(dataDir, { recursive: true });
  // Before anything reads or changes the queue: a second engine on this
  // folder must stop here (DataFolderInUse), not recover the first one's rows.
  const lock = o.dataLock ?? lockDataFolder(dataDir);
  let store: Store;
  try {
    store = openStore(join(dataDir, DATABASE_FILE), { now });
  } catch (error) {
    lock.release();
    throw error;
  }
  // A queue.db deleted beside its journal was given the finished uploads back before anything scans.
  if (store.restoredFromJournal > 0) log.log('warn', 'queue-restored-from-journal', { uploads: store.restoredFromJournal });
  const recovered = store.recoverAtStartup();
  if (recovered.uploading + recovered.completing > 0) log.log('info', 'recovered', { ...recovered });
  const resumed = recovered.uploading + recovered.completing;
  return { lock, store, resumed };
}
