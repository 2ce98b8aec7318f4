// A per-request record of what storage saw (disk store, or S3 through the
// proxy): which BioT file and part, and what was answered. Counters say "how
// many"; kill/resume tests need "which parts were answered before the kill,
// and were any of them sent again after it".
import type { ServerResponse } from 'node:http';
import { uuidPattern } from './context.ts';
import type { OperationName } from './faults.ts';
import type { SandboxState } from './state.ts';

export type StorageOperation = Extract<OperationName, `storage.${string}`>;

export interface StorageLogEntry {
  op: StorageOperation;
  /** The BioT file id; '' when the request named no known upload or key. */
  fileId: string;
  /** storage.putPart only. */
  partNumber?: number;
  /** The status the sandbox answered (for a stalled download, the 200 it began with); 0 when nothing was answered (dropped, or the client hung up first). */
  status: number;
  /** Epoch ms when the exchange ended (answer sent or connection gone), the moment the client could have an ETag. */
  at: number;
}

/** What a storage request names: an object key (`files/<id>`) and/or a multipart upload id. */
export interface StorageTarget {
  key?: string | undefined;
  uploadId?: string | undefined;
  partNumber?: number | undefined;
}

/** A long-running demo sandbox must not grow without bound; no test makes this many storage calls. */
const maxEntries = 100_000;

export class StorageLog {
  readonly #entries: StorageLogEntry[] = [];
  readonly #state: SandboxState;
  #open = 0;

  constructor(state: SandboxState) {
    this.#state = state;
  }

  /** The BioT file id behind a key or an upload id (keys are `files/<id>`; disk part links carry only the upload id). */
  fileIdOf(target: StorageTarget): string {
    const fromKey = target.key?.startsWith('files/') ? target.key.slice('files/'.length) : undefined;
    if (fromKey && uuidPattern.test(fromKey)) return fromKey;
    if (!target.uploadId) return '';
    for (const file of Object.values(this.#state.doc.files)) if (file.uploadId === target.uploadId) return file.id;
    return '';
  }

  /** Starts tracking one request; the entry is written when the response closes, whatever the outcome. */
  track(res: ServerResponse, op: StorageOperation, target: StorageTarget): void {
    const fileId = this.fileIdOf(target);
    const partNumber = op === 'storage.putPart' && Number.isInteger(target.partNumber) ? target.partNumber : undefined;
    this.#open++;
    res.once('close', () => {
      this.#open--;
      const entry: StorageLogEntry = { op, fileId, status: res.headersSent ? res.statusCode : 0, at: Date.now() };
      if (partNumber !== undefined) entry.partNumber = partNumber;
      this.#entries.push(Object.freeze(entry));
      if (this.#entries.length > maxEntries) this.#entries.splice(0, this.#entries.length - maxEntries);
    });
  }

  /** Requests tracked whose exchange has not ended yet (no entry written for them). */
  get open(): number {
    return this.#open;
  }

  /** A snapshot, oldest first. */
  entries(): ReadonlyArray<StorageLogEntry> {
    return [...this.#entries];
  }
}
