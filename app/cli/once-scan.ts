// `run --once`'s half of the engine: queue what the folders hold now (files
// still being written are waited for, up to a limit: once-settle.ts), then
// wait until nothing is left that the engine would still send by itself.
import type { Engine } from '../engine/engine.ts';
import { scanFolderReport, type FoundFile, type ScanProblem } from '../watch/folder-scan.ts';
import { SMALL_FILE_BYTES } from '../watch/index.ts';
import { takeWhenSettled, type Settling } from './once-settle.ts';

/** An mtime this far ahead of our clock is "in the future" (not mere rounding between file systems). */
const FUTURE_SLACK_MS = 2_000;
/** How long `run --once` waits, by default, for files still being written. */
export const DEFAULT_SETTLE_LIMIT_MS = 10 * 60_000;
/** Files a scan takes at once: small ones (hashed, if at all, in one short read), and larger ones. */
const SCAN_SMALL_IN_FLIGHT = 32;
const SCAN_LARGE_IN_FLIGHT = 2;

export interface ScanResult {
  /** Files queued by this scan. */
  queued: number;
  /** What it could not do (folders missing or unreadable, names not UTF-8). */
  problems: ScanProblem[];
  /** With `settledOnly`: files still being written when the settle limit ran out (not queued). */
  stillWriting: FoundFile[];
}

/**
 * Queues every file now in the engine's folders. With `settledOnly`, files
 * changed within their folder's quiet period (or stamped in the future) are
 * watched until they held still for it, for at most `settleLimitMs`, and
 * queued then; those still changing after it are answered in `stillWriting`.
 */
export async function scanFolders(engine: Engine, options: { settledOnly?: boolean; settleLimitMs?: number } = {}): Promise<ScanResult> {
  let queued = 0;
  const problems: ScanProblem[] = [];
  const settling: Settling[] = [];
  let ahead = 0;
  // Files are taken several at a time, as the watcher's settler hands them:
  // small ones (one short read each) 32 at a time, so the intake commits them
  // in batches; larger ones (a streamed hash when a same-size row exists) two.
  // Uploads start as soon as there is something to send (pump() is a no-op
  // when full), not after the whole folder is queued.
  const taking = new Set<Promise<void>>();
  let failure: { error: unknown } | undefined;
  const take = (found: FoundFile) => {
    const run: Promise<void> = engine
      .take(found)
      .then(
        (row) => {
          if (!row) return;
          queued++;
          engine.pump();
        },
        (error: unknown) => void (failure ??= { error }),
      )
      .finally(() => taking.delete(run));
    taking.add(run);
  };
  for (const folder of engine.folders()) {
    const report = await scanFolderReport(folder);
    problems.push(...report.problems);
    for (const found of report.files) {
      if (failure) break;
      if (engine.store.findLive(found.folderId, found.path, found.size, found.mtimeMs)) continue;
      const age = engine.now() - found.mtimeMs;
      // An mtime in the future (a device clock ahead, FAT local-time stamps)
      // says nothing about quiet: watched for quietSeconds below instead.
      if (options.settledOnly && age < -FUTURE_SLACK_MS) ahead++;
      if (options.settledOnly && (age < -FUTURE_SLACK_MS || age < folder.quietSeconds * 1000)) {
        settling.push({ folder, found });
        continue;
      }
      const room = found.size <= SMALL_FILE_BYTES ? SCAN_SMALL_IN_FLIGHT : SCAN_LARGE_IN_FLIGHT;
      while (taking.size >= room) await Promise.race(taking);
      take(found);
    }
  }
  await Promise.all(taking);
  if (failure) throw failure.error;
  if (ahead > 0) engine.log.log('warn', 'mtime-in-future', { files: ahead });
  let stillWriting: FoundFile[] = [];
  if (settling.length > 0) {
    engine.log.log('info', 'once-waits-for-settling', { files: settling.length });
    const settled = await takeWhenSettled(engine, settling, options.settleLimitMs ?? DEFAULT_SETTLE_LIMIT_MS);
    queued += settled.queued;
    stillWriting = settled.stillWriting;
    if (stillWriting.length > 0) engine.log.log('warn', 'once-still-writing', { files: stillWriting.length });
  }
  for (const p of problems) engine.log.log('warn', 'folder-scan-problem', { ...p });
  engine.pump();
  return { queued, problems, stillWriting };
}

/** Resolves when nothing is left that the engine would still send by itself, uploads are held (heldBecause), or `stopWhen` says so. */
export async function whenSettled(engine: Engine, options: { maxAttempts: number; pollMs?: number; stopWhen?: () => boolean }): Promise<void> {
  for (;;) {
    if (engine.heldBecause() || options.stopWhen?.()) return;
    const counts = engine.store.countByState();
    const active = counts.queued + counts.uploading + counts.completing;
    // The failed rows are read only once nothing is active (a page of them is not free every 200 ms).
    if (active === 0 && !engine.busy) {
      const retrying =
        counts.failed > 0 && engine.store.listFiles({ states: ['failed'], limit: 1000 }).files.some((f) => f.attempts < options.maxAttempts);
      if (!retrying) return;
    }
    await new Promise((r) => setTimeout(r, options.pollMs ?? 200));
  }
}
