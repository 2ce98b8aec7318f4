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
  // The two loops await the engine between files, so a wake can come in the
  // middle of suspend's and a sleep in the middle of resume's: each checks at
  // every step whether the PC is still in the state it works for.
  #asleep = false;

  constructor(api: () => Pick<UploaderApi, 'snapshot' | 'pause' | 'resume'> | undefined, blocker: PowerSaveBlockerLike) {
    this.#api = api;
    this.#blocker = blocker;
  }

  async suspend(): Promise<number> {
    this.#asleep = true;
    const api = this.#api();
    if (!api) return 0;
    const snap = await api.snapshot({ states: ['uploading', 'queued', 'failed'], limit: SUSPEND_PAGE });
    let paused = 0;
    for (const row of snap.rows) {
      // Woken meanwhile: pause nothing more.
      if (!this.#asleep) break;
      // A row that moved on meanwhile (finished, completing) is left alone.
      const ok = await api.pause({ fileId: row.id }).then(
        () => true,
        () => false,
      );
      if (!ok) continue;
      paused++;
      if (this.#asleep) this.#pausedForSleep.push(row.id);
      // The wake came while this pause was on its way, and its resume has run: undo it here.
      else await api.resume({ fileId: row.id }).catch(() => 0);
    }
    return paused;
  }

  async resume(): Promise<number> {
    this.#asleep = false;
    const api = this.#api();
    const ids = this.#pausedForSleep;
    this.#pausedForSleep = [];
    if (!api) return 0;
    let n = 0;
    for (const [i, id] of ids.entries()) {
      // Asleep again before all were resumed: the rest wait for the next wake.
      if (this.#asleep) {
        this.#pausedForSleep.push(...ids.slice(i));
        break;
      }
      n += await api.resume({ fileId: id }).catch(() => 0);
    }
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
