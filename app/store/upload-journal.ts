// A second, independent record of what BioT holds: one JSON line per upload
// that reached `done`, appended and flushed beside queue.db. If queue.db is
// ever damaged (a failing disk, a power cut on a bad controller), `repair`
// rebuilds the queue and takes the uploads it could not read back from here,
// so the exports on disk are recognised as already uploaded instead of being
// sent a second time. Lines hold ids, sizes and hashes only, never a name.
import { closeSync, existsSync, fdatasyncSync, openSync, readFileSync, writeSync } from 'node:fs';
import type { FileRow } from './types.ts';

export const JOURNAL_SUFFIX = '.uploads.jsonl';

export interface JournalEntry {
  /** The queue id the upload had (ids are not reused, so a salvaged row with it wins). */
  fileId: number;
  folderId: string;
  sha256: string | null;
  size: number;
  mtimeMs: number;
  biotFileId: string;
  attachEntityType: string | null;
  attachEntityId: string | null;
  at: number;
}

/** The journal of a queue database file. */
export function journalFile(databaseFile: string): string {
  return `${databaseFile}${JOURNAL_SUFFIX}`;
}

export class UploadJournal {
  #fd: number | undefined;
  readonly #file: string;

  constructor(file: string) {
    this.#file = file;
  }

  /** The journal's path once an entry was written (before, there is nothing to sync). */
  get written(): string | undefined {
    return this.#fd === undefined ? undefined : this.#file;
  }

  /**
   * Appends one entry. On disk once the store's next group sync returned
   * (wal-sync.ts), as the `done` it follows: what a done allows (a move or
   * delete) waits for that sync.
   */
  append(entry: JournalEntry): void {
    this.#fd ??= openSync(this.#file, 'a', 0o600);
    writeSync(this.#fd, `${JSON.stringify(entry)}\n`);
  }

  /** Appends the entry of a row just marked done. */
  appendDone(row: FileRow, biotFileId: string, at: number): void {
    const { id: fileId, folderId, sha256, size, mtimeMs, attachEntityType, attachEntityId } = row;
    this.append({ fileId, folderId, sha256, size, mtimeMs, biotFileId, attachEntityType, attachEntityId, at });
  }

  close(): void {
    if (this.#fd !== undefined) {
      fdatasyncSync(this.#fd);
      closeSync(this.#fd);
    }
    this.#fd = undefined;
  }
}

/** Every whole entry of a journal; a line cut short by a crash, or garbled, is skipped. */
export function readJournal(file: string): JournalEntry[] {
  if (!existsSync(file)) return [];
  const entries: JournalEntry[] = [];
  for (const line of readFileSync(file, 'utf8').split('\n')) {
    if (!line) continue;
    try {
      const entry = JSON.parse(line) as JournalEntry;
      if (Number.isInteger(entry.fileId) && typeof entry.biotFileId === 'string' && Number.isInteger(entry.size)) entries.push(entry);
    } catch {
      // A torn last line: the upload it was about is done in queue.db or will be redone and journalled again.
    }
  }
  return entries;
}
