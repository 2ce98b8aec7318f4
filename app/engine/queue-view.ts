// What UIs see of the queue: database rows joined with the live progress of
// active transfers (bytes in flight, speed, ETA), and the totals at the top.
import type { EngineEventBody, QueueRow, Totals } from '../api.ts';
import type { Store } from '../store/store.ts';
import type { FileRow } from '../store/types.ts';
import { etaSeconds } from './speed-meter.ts';

/** Live progress of an active transfer, when there is one. */
export type LiveProgress = (fileId: number) => { speed: number; bytesDone: number } | undefined;

/** One file as a UI shows it. */
export function queueRow(f: FileRow, live: LiveProgress): QueueRow {
  const progress = live(f.id);
  const bytesDone = progress ? Math.min(f.size, Math.max(f.bytesDone, progress.bytesDone)) : f.bytesDone;
  const speed = progress?.speed ?? 0;
  return {
    id: f.id,
    folderId: f.folderId,
    relPath: f.relPath,
    size: f.size,
    state: f.state,
    bytesDone,
    speed,
    etaSeconds: progress ? etaSeconds(f.size - bytesDone, speed) : null,
    error: f.lastError,
    errorCode: f.lastErrorCode,
    attempts: f.attempts,
    biotFileId: f.biotFileId,
    duplicateOf: f.duplicateOf,
    updatedAt: f.updatedAt,
    completedAt: f.completedAt,
  };
}

/** The header's totals: counts per state, done today, overall speed, what is left. */
export function queueTotals(store: Store, activeIds: readonly number[], live: LiveProgress, now: number): Totals {
  const speed = activeIds.reduce((sum, id) => sum + (live(id)?.speed ?? 0), 0);
  const startOfDay = new Date(now);
  startOfDay.setHours(0, 0, 0, 0);
  const bytesRemaining = store.bytesRemaining();
  return {
    counts: store.countByState(),
    doneToday: store.doneSince(startOfDay.getTime()),
    speed,
    bytesRemaining,
    etaSeconds: etaSeconds(bytesRemaining, speed),
  };
}

/** The throttled progress event for the files that changed since the last one. */
export function progressEvent(store: Store, ids: readonly number[], totals: Totals, live: LiveProgress, now: number): EngineEventBody {
  const rows = ids
    .map((id) => store.fileById(id))
    .filter((f): f is FileRow => !!f)
    .map((f) => {
      const r = queueRow(f, live);
      return { id: r.id, state: r.state, bytesDone: r.bytesDone, speed: r.speed, etaSeconds: r.etaSeconds };
    });
  return { type: 'progress', at: now, totals, rows };
}

/** The queue view over the store and the transfers in flight (the scheduler's activeIds and progressOf). */
export class QueueView {
  readonly #store: Store;
  readonly #active: { activeIds(): number[]; progressOf: LiveProgress };
  readonly #now: () => number;

  constructor(store: Store, active: { activeIds(): number[]; progressOf: LiveProgress }, now: () => number) {
    this.#store = store;
    this.#active = active;
    this.#now = now;
  }

  totals(): Totals {
    return queueTotals(this.#store, this.#active.activeIds(), this.#live, this.#now());
  }

  row(f: FileRow): QueueRow {
    return queueRow(f, this.#live);
  }

  progressEvents(ids: number[]): EngineEventBody[] {
    return [progressEvent(this.#store, ids, this.totals(), this.#live, this.#now())];
  }

  readonly #live: LiveProgress = (fileId) => this.#active.progressOf(fileId);
}
