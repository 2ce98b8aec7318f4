// Public surface of app/watch: the engine imports from here.
export { FolderWatcher, type FolderWatcherDeps } from './folder-watcher.ts';
export { SMALL_FILE_BYTES, type StableFile, type Hand } from './settler.ts';
export type { OpenCheck, OpenResult } from './open-check.ts';
export type { Clock } from './clock.ts';
