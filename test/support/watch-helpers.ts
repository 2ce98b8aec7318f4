// Small helpers for the folder-watcher tests: wait for a condition, count rows.
import { randomBytes } from 'node:crypto';
import { mkdirSync, writeFileSync } from 'node:fs';
import { dirname } from 'node:path';
import type { Engine } from '../../app/engine/engine.ts';
import type { FileState } from '../../app/store/states.ts';

// The wait helpers live in wait.ts; re-exported for the watcher tests that import them from here.
export { until } from './wait.ts';

/** How many rows are in `state`. */
export function countIn(engine: Engine, state: FileState): number {
  return engine.store.countByState()[state];
}

/** Every row, oldest first. */
export function allRows(engine: Engine) {
  return engine.store.listFiles({ limit: 100_000 }).files.sort((a, b) => a.id - b.id);
}

/** Writes `content` (or `size` random bytes) at `path`, creating folders. */
export function put(path: string, content: Buffer | string | number): void {
  mkdirSync(dirname(path), { recursive: true });
  writeFileSync(path, typeof content === 'number' ? randomBytes(content) : content);
}
