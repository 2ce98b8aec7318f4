// `run --once` started right after a device wrote its export (a scheduled
// task, a script run after the export): the file is still inside its quiet
// period. Such files are watched here until their size and mtime held still
// for the quiet period, then queued; a file still changing when the limit
// runs out is left for the next run and reported, so the run ends non-zero
// instead of claiming there was nothing to do.
import { stat } from 'node:fs/promises';
import type { FolderConfig } from '../config/schema.ts';
import type { Engine } from '../engine/engine.ts';
import type { FoundFile } from '../watch/folder-scan.ts';

/** A file the scan saw but could not take yet: still within its folder's quiet period, or stamped in the future. */
export interface Settling {
  folder: FolderConfig;
  found: FoundFile;
}

export interface SettleResult {
  queued: number;
  /** Files still changing when the limit ran out (not queued: the next run takes them). */
  stillWriting: FoundFile[];
}

/**
 * Queues each file once its size and mtime held still for its folder's quiet
 * period, measured on this PC's clock (a device's mtime may be ahead or
 * behind): from the mtime when it is in the past, else from when it was first
 * seen. Files that vanish meanwhile are dropped (nothing to send). Uploads go
 * on while it waits. Nothing is queued that is still changing, so no byte of
 * an unfinished export is sent; the limit bounds the wait.
 */
export async function takeWhenSettled(engine: Engine, files: readonly Settling[], limitMs: number): Promise<SettleResult> {
  const start = engine.now();
  const watched = files.map(({ folder, found }) => ({
    folder,
    found,
    changedAt: Math.min(start, found.mtimeMs),
  }));
  let queued = 0;
  const quietest = Math.min(...files.map((f) => f.folder.quietSeconds * 1000));
  const pollMs = Math.min(1_000, Math.max(100, quietest / 4));
  while (watched.length > 0) {
    const now = engine.now();
    for (const w of [...watched]) {
      const seen = await stat(w.found.path).catch(() => undefined);
      if (!seen?.isFile()) {
        watched.splice(watched.indexOf(w), 1);
        continue;
      }
      const mtimeMs = Math.trunc(seen.mtimeMs);
      if (seen.size !== w.found.size || mtimeMs !== w.found.mtimeMs) {
        w.found = { ...w.found, size: seen.size, mtimeMs };
        w.changedAt = now;
        continue;
      }
      if (now - w.changedAt < w.folder.quietSeconds * 1000) continue;
      watched.splice(watched.indexOf(w), 1);
      if (engine.store.findLive(w.found.folderId, w.found.path, w.found.size, w.found.mtimeMs)) continue;
      if (await engine.take(w.found)) {
        queued++;
        engine.pump();
      }
    }
    if (watched.length === 0 || engine.now() - start >= limitMs) break;
    await new Promise((resolve) => setTimeout(resolve, pollMs));
  }
  return { queued, stillWriting: watched.map((w) => w.found) };
}
