// Sleep and wake. On `suspend` the transfers in flight are paused (their
// sockets would die mid-part anyway); on `resume` exactly those files are
// resumed, and each starts again by asking BioT for fresh links (the old ones
// may have expired while the PC slept). Files a person paused stay paused.
// While anything uploads, `prevent-app-suspension` is held.
import type { UploaderApi } from '../app/api.ts';
import type { Disposable } from '../app/common/disposable.ts';

export interface PowerSaveBlockerLike {
  start(type: 'prevent-app-suspension'): number;
  stop(id: number): void;
}

/** How many rows one suspend pauses (a page of the queue; the scheduler only runs a few at a time anyway). */
const SUSPEND_PAGE = 1_000;

export class SleepGuard implements Disposable {
  readonly #api: () => Pick<UploaderApi, 'snapshot' | 'pause' | 'resume'> | undefined;
  readonly #blocker: PowerSaveBlockerLike;
  #pausedForSleep: number[] = [];
  #blockerId: number | undefined;

  constructor(api: () => Pick<UploaderApi, 'snapshot' | 'pause' | 'resume'> | undefined, blocker: PowerSaveBlockerLike) {
    this.#api = api;
    this.#blocker = blocker;
  }

  async suspend(): Promise<number> {
    const api = this.#api();
    if (!api) return 0;
    const snap = await api.snapshot({ states: ['uploading', 'queued', 'failed'], limit: SUSPEND_PAGE });
    const paused: number[] = [];
    for (const row of snap.rows) {
      // A row that moved on meanwhile (finished, completing) is left alone.
      if (
        await api.pause({ fileId: row.id }).then(
          () => true,
          () => false,
        )
      )
        paused.push(row.id);
    }
    this.#pausedForSleep.push(...paused);
    return paused.length;
  }

  async resume(): Promise<number> {
    const api = this.#api();
    const ids = this.#pausedForSleep;
    this.#pausedForSleep = [];
    if (!api) return 0;
    let n = 0;
    for (const id of ids) n += await api.resume({ fileId: id }).catch(() => 0);
    return n;
  }

  /** Called with the uploading count on every totals update: holds the blocker while it is above 0. */
  uploading(count: number): void {
    if (count > 0 && this.#blockerId === undefined) this.#blockerId = this.#blocker.start('prevent-app-suspension');
    else if (count === 0 && this.#blockerId !== undefined) {
      this.#blocker.stop(this.#blockerId);
      this.#blockerId = undefined;
    }
  }

  dispose(): void {
    this.uploading(0);
  }
}
