// Watches whether each watched folder is there (a USB drive unplugged, a
// network share dropped): a stat per folder every few seconds, and an event
// only when a folder's state changes. This is what lets a window show the
// "folder missing" banner from events alone, without polling the engine.
import { stat } from 'node:fs/promises';
import type { FolderStatus } from '../api.ts';
import type { Disposable } from '../common/disposable.ts';
import type { FolderConfig } from '../config/schema.ts';

export const FOLDER_CHECK_MS = 3_000;

export class FolderMonitor implements Disposable {
  readonly #read: () => Promise<FolderStatus[]>;
  readonly #changed: (folders: FolderStatus[]) => void;
  readonly #everyMs: number;
  #last = '';
  #timer: NodeJS.Timeout | undefined;
  #checking = false;

  constructor(read: () => Promise<FolderStatus[]>, changed: (folders: FolderStatus[]) => void, everyMs = FOLDER_CHECK_MS) {
    this.#read = read;
    this.#changed = changed;
    this.#everyMs = everyMs;
  }

  start(): void {
    if (this.#timer) return;
    void this.check();
    this.#timer = setInterval(() => void this.check(), this.#everyMs);
    // A tray app runs for weeks; this timer must never keep a finished process alive.
    this.#timer.unref();
  }

  /** Reads every folder's state; tells `changed` when any differs from the last check (not on the first). */
  async check(): Promise<void> {
    if (this.#checking) return;
    this.#checking = true;
    try {
      const folders = await this.#read();
      const key = JSON.stringify(folders.map((f) => [f.id, f.state]));
      if (this.#last && key !== this.#last) this.#changed(folders);
      this.#last = key;
    } catch {
      // A stat that throws is reported as 'missing' by the reader; nothing else to do here.
    } finally {
      this.#checking = false;
    }
  }

  dispose(): void {
    clearInterval(this.#timer);
    this.#timer = undefined;
  }
}

/** Each folder's state now: there, missing, or not a folder. */
export async function folderStatus(folders: Iterable<FolderConfig>): Promise<FolderStatus[]> {
  return Promise.all(
    [...folders].map(async (f) => {
      const kind = await stat(f.path).then(
        (s) => (s.isDirectory() ? ('ok' as const) : ('not-a-folder' as const)),
        () => 'missing' as const,
      );
      return { id: f.id as string, path: f.path, state: kind };
    }),
  );
}
