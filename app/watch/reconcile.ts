// Start-up: what happened while the app was not running is found by looking,
// not by waiting for events. Rows still waiting for a source that vanished or
// changed are marked missing (a changed file is a new version, found by the
// scan); every file not yet known goes to the settler; done rows whose
// post-upload action was interrupted get it now.
import { stat } from 'node:fs/promises';
import type { FolderConfig } from '../config/schema.ts';
import { relPathIn, scanFolder, type ScanProblem } from './folder-scan.ts';
import type { Logger } from '../common/logger.ts';
import type { Store } from '../store/store.ts';
import type { FileState } from '../store/states.ts';
import type { FileRow } from '../store/types.ts';
import type { Settler, WatchSource } from './settler.ts';

/** Rows that wait for their source and may be marked missing when it is gone. */
export const WAITING: readonly FileState[] = ['queued', 'failed', 'paused'];

export interface ReconcileCounts {
  seen: number;
  candidates: number;
  vanished: number;
  superseded: number;
}

/** Reconciles one folder's rows with its files; answers counts for the log. */
export async function reconcileFolder(folder: FolderConfig, store: Store, settler: Settler, log: Logger): Promise<ReconcileCounts> {
  const counts: ReconcileCounts = { seen: 0, candidates: 0, vanished: 0, superseded: 0 };
  // A share that is offline looks like a folder whose files all vanished: judge nothing then.
  const reachable = await stat(folder.path).then(
    (s) => s.isDirectory(),
    () => false,
  );
  if (!reachable) {
    log.log('warn', 'watch-folder-unavailable', { folderId: folder.id });
    return counts;
  }
  for (const row of store.rowsInFolder(folder.id as string, WAITING)) {
    const fate = await sourceFate(row);
    if (fate === 'same') continue;
    if (markGone(store, row.id, log, fate)) counts[fate === 'gone' ? 'vanished' : 'superseded']++;
  }
  Object.assign(counts, await handUnknownFiles(folder, store, settler, log));
  log.log('info', 'watch-reconciled', { folderId: folder.id, ...counts });
  return counts;
}

/**
 * Hands every file of the folder the queue does not hold yet (this version)
 * to the settler. Alone, it is what a folder that came back (a drive plugged
 * in again) needs: rows whose source is not there are left to their transfer,
 * which tells a vanished file from a folder still away.
 */
export async function handUnknownFiles(
  folder: FolderConfig,
  store: Store,
  settler: Settler,
  log: Logger,
): Promise<Pick<ReconcileCounts, 'seen' | 'candidates'>> {
  const counts = { seen: 0, candidates: 0 };
  // Unreadable subfolders and names that are not UTF-8 are reported, never passed over in silence.
  const problem = (p: ScanProblem) => log.log('warn', 'folder-scan-problem', { ...p });
  const source: WatchSource = { folderId: folder.id as string, quietMs: folder.quietSeconds * 1000, relPath: relPathIn(folder.path) };
  for (const found of await scanFolder(folder, problem)) {
    counts.seen++;
    const known = store.findLive(found.folderId, found.path, found.size, found.mtimeMs);
    if (known && known.sha256 !== null) continue;
    counts.candidates++;
    settler.touch(source, found.path);
  }
  return counts;
}

/**
 * Marks a waiting row missing if it still waits (checked and written in one
 * synchronous step, so the scheduler cannot claim it in between).
 */
export function markGone(store: Store, fileId: number, log: Logger, why: 'gone' | 'changed'): boolean {
  const row = store.fileById(fileId);
  if (!row || !WAITING.includes(row.state)) return false;
  store.markMissing(fileId);
  log.log('info', why === 'gone' ? 'watch-vanished' : 'watch-superseded', { fileId, folderId: row.folderId });
  return true;
}

async function sourceFate(row: FileRow): Promise<'same' | 'gone' | 'changed'> {
  try {
    const s = await stat(row.sourcePath);
    return s.size === row.size && Math.trunc(s.mtimeMs) === row.mtimeMs ? 'same' : 'changed';
  } catch (error) {
    // Only a definite "not there" counts; an unreachable share says nothing.
    return (error as NodeJS.ErrnoException).code === 'ENOENT' ? 'gone' : 'same';
  }
}
