// chokidar lists a folder that appears (a drop renamed in) with readdirp,
// which lstats up to its stream's highWaterMark (256) entries at once, and
// it lists every subfolder of the drop at the same time: 100 folders of
// 1,000 files put ~25,000 lstats in flight, each with its promise, its stat
// result and its libuv request (issue 20: most of the memory a 100,000-file
// drop peaked at, and glibc kept the malloc'ed part for good). chokidar has
// no option for it, but it makes every listing through one method of the
// watcher, whose options are handed to readdirp: a smaller batch there bounds
// the lstats per listing. What is listed, and when events fire, is unchanged.
import type { FSWatcher } from 'chokidar';

/** Entries each listing lstats at once (readdirp's default is 256). */
export const SCAN_BATCH = 16;

type ScanStreamMaker = (root: string, options: Record<string, unknown>) => unknown;

/**
 * Makes `watcher`'s listings lstat SCAN_BATCH entries at a time. Answers
 * false, changing nothing, if this chokidar has no such method (the watch
 * works as before, with chokidar's own batch).
 */
export function listInSmallBatches(watcher: FSWatcher): boolean {
  const target = watcher as unknown as { createScanStream?: ScanStreamMaker };
  const make = target.createScanStream;
  if (typeof make !== 'function') return false;
  target.createScanStream = (root, options) => make.call(watcher, root, { highWaterMark: SCAN_BATCH, ...options });
  return true;
}
