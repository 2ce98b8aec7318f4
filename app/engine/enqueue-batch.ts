// Enqueues that arrive together are committed together, without an fsync of
// their own (store enqueueFound: a lost queued row is found again in its
// folder). At one FULL transaction per file a drop of 100,000 small files
// spent most of its time waiting on the disk.
// Files handed on within the same turn of the event loop (the settler hands
// many small files at once) share one transaction; a lone file (a sequential
// scan's) waits for nothing but the end of that turn — a timer window here
// cost a sequential `run --once` scan the window per file. A batch that fails as a whole is retried file by
// file, so one bad row never costs the others their place in the queue.
// A file queued by a person from outside every watched folder (folder
// 'manual') is in no folder a scan would find it in again: its batch is
// committed durably (fsynced).
import type { Store } from '../store/store.ts';
import { MANUAL_FOLDER } from './file-job.ts';
import type { EnqueueInput, FileRow } from '../store/types.ts';

/** More than this many waiting: commit now rather than at the end of the turn. */
const MAX_BATCH = 500;

interface Waiting {
  input: EnqueueInput;
  resolve: (row: FileRow) => void;
  reject: (error: unknown) => void;
}

export class EnqueueBatcher {
  readonly #store: Store;
  #waiting: Waiting[] = [];
  #scheduled = false;

  constructor(store: Store) {
    this.#store = store;
  }

  /** Queues `input` with whatever else arrives in this turn; answers its row (as store.enqueue would). */
  enqueue(input: EnqueueInput): Promise<FileRow> {
    return new Promise<FileRow>((resolve, reject) => {
      this.#waiting.push({ input, resolve, reject });
      if (this.#waiting.length >= MAX_BATCH) this.#flush();
      else if (!this.#scheduled) {
        this.#scheduled = true;
        setImmediate(() => this.#flush());
      }
    });
  }

  #flush(): void {
    this.#scheduled = false;
    const batch = this.#waiting;
    this.#waiting = [];
    if (batch.length === 0) return;
    let rows: FileRow[];
    try {
      const inputs = batch.map((w) => w.input);
      rows = inputs.some((i) => i.folderId === MANUAL_FOLDER) ? this.#store.enqueueMany(inputs) : this.#store.enqueueFound(inputs);
    } catch {
      // Rolled back as a whole: each on its own, so only the bad one fails.
      for (const w of batch) {
        try {
          w.resolve(this.#store.enqueue(w.input));
        } catch (error) {
          w.reject(error);
        }
      }
      return;
    }
    batch.forEach((w, i) => w.resolve(rows[i]!));
  }
}
