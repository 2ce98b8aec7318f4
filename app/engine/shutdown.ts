// Closing the engine: transfers stopped (uploads stay resumable), the
// watcher, the pools and the database closed, the data folder let go. Bounded:
// after the deadline whatever is still in flight (a login that never answers,
// a dead share) is cut off and its rows are left for the next start, whose
// recoverAtStartup queues them again.
import type { Dispatcher } from 'undici';
import type { BiotClient } from '../biot/index.ts';
import type { SyncDisposable } from '../common/disposable.ts';
import type { Logger } from '../common/logger.ts';
import type { Store } from '../store/index.ts';
import type { DataFolderLock } from './data-lock.ts';
import { settlesWithin } from './deadline.ts';
import type { Scheduler } from './scheduler.ts';
import type { Watching } from './watching.ts';

/** How long close() waits for transfers and pools before leaving what is in flight for the next start. */
export const CLOSE_DEADLINE_MS = 10_000;

/** What shutDown closes, in its order. */
export interface ShutdownParts {
  health: SyncDisposable;
  /** The timetable's and timed pause's timers (the pause itself stays on disk for the next start). */
  limits: SyncDisposable;
  holds: SyncDisposable;
  scheduler: Scheduler;
  watching: Watching;
  folderMonitor: SyncDisposable;
  events: SyncDisposable;
  biot: BiotClient;
  storage: Dispatcher;
  log: Logger;
  store: Store;
  lock: DataFolderLock;
}

export async function shutDown(parts: ShutdownParts, deadlineMs: number): Promise<void> {
  // Real time, not the engine's clock (tests pin that clock), and monotonic: a PC
  // clock set back while closing must not stretch the deadline by the step.
  const end = performance.now() + deadlineMs;
  const left = () => end - performance.now();
  parts.health.dispose();
  parts.limits.dispose();
  parts.holds.dispose();
  const inFlight = await parts.scheduler.shutdown(left());
  // The last done rows' post-upload actions wait for their group sync: let them start before the watcher closes.
  await settlesWithin(parts.store.whenDurable(), left());
  // After the scheduler: no more 'done' can start a post-upload action.
  const watcherClosed = await settlesWithin(parts.watching.close(), left());
  parts.folderMonitor.dispose();
  parts.events.dispose();
  const biotClosed = await settlesWithin(parts.biot.close(), left());
  if (!biotClosed) await parts.biot.destroy();
  if (!(await settlesWithin(parts.storage.close(), left()))) await parts.storage.destroy();
  if (inFlight > 0 || !watcherClosed || !biotClosed) parts.log.log('warn', 'close-deadline', { inFlight, watcherClosed, biotClosed });
  parts.store.close();
  parts.lock.release();
}
