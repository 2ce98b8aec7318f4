// How a found file becomes a queue row: hashed (SHA-256, only when a row of its size exists; otherwise while it is sent) and queued in one
// transaction, a duplicate recorded rather than sent, a newer version of a
// waiting file superseding it. Growing folders queue at once, unhashed: the
// growing transfer follows the file and the hash is taken once it is done.
import { createHash } from 'node:crypto';
import { readFile, stat } from 'node:fs/promises';
import type { FolderConfig } from '../config/schema.ts';
import type { Store } from '../store/store.ts';
import type { FileRow } from '../store/types.ts';
import { SMALL_FILE_BYTES, type StableFile } from '../watch/index.ts';
import { sha256File } from '../common/hash-file.ts';
import type { DedupPolicy } from './dedup-policy.ts';
import type { Logger } from '../common/logger.ts';
import { EnqueueBatcher } from './enqueue-batch.ts';

export interface IntakeDeps {
  store: Store;
  folders: ReadonlyMap<string, FolderConfig>;
  dedup: DedupPolicy;
  log: Logger;
  /** A row was added or changed (for the event stream). */
  touched: (fileId: number) => void;
  /** New work may be due (the scheduler's pump). */
  queued: () => void;
}

export class Intake {
  readonly #deps: IntakeDeps;
  /** Hashed files arriving together share one transaction (one fsync). */
  readonly #batch: EnqueueBatcher;
  /** Sizes of the files being taken right now: twins arriving together see each other before any is queued. */
  readonly #takingSizes = new Map<number, number>();

  constructor(deps: IntakeDeps) {
    this.#deps = deps;
    this.#batch = new EnqueueBatcher(deps.store);
  }

  /** The watcher's hand: a file that held still and opens. False means "try later". */
  async handStable(file: StableFile): Promise<boolean> {
    const { store } = this.#deps;
    if (this.#deps.folders.get(file.folderId)?.growing) return this.#handGrowing(file);
    const known = store.findLive(file.folderId, file.path, file.size, file.mtimeMs);
    // Known unhashed is fine when no hash is wanted before sending (dedup.ts hashUpFront).
    if (known && (known.sha256 !== null || !this.#deps.dedup.hashUpFront(file.folderId, file.size))) return true;
    // An older version of this path in a transfer: the transfer notices the
    // change and requeues its row as this version; take it after that.
    // (One query for both questions: at 100,000 files each query per file counts.)
    const versions = store.rowsForSource(file.folderId, file.path, ['uploading', 'completing', 'queued', 'failed', 'paused']);
    if (versions.some((v) => v.state === 'uploading' || v.state === 'completing')) return false;
    // An older version still waiting is superseded: this one is what the device wrote last.
    for (const old of versions) {
      if (old.size !== file.size || old.mtimeMs !== Math.trunc(file.mtimeMs)) store.markMissing(old.id);
    }
    const row = await this.take(file.folderId, file.path, file.relPath);
    this.#deps.queued();
    return row !== undefined;
  }

  // A growing folder's file: one row follows the file while it grows (its
  // transfer notes each growth), so later sightings of the path are the same export.
  async #handGrowing(file: StableFile): Promise<boolean> {
    const { store } = this.#deps;
    if (store.rowsForSource(file.folderId, file.path, ['queued', 'uploading', 'completing', 'failed', 'paused']).length > 0) return true;
    if (store.findLive(file.folderId, file.path, file.size, file.mtimeMs)) return true;
    const row = await this.take(file.folderId, file.path, file.relPath);
    this.#deps.queued();
    return row !== undefined;
  }

  /** Hashes and queues one file (dedup applied); undefined when it cannot be read or changed while hashing. */
  async take(folderId: string, path: string, relPath: string): Promise<FileRow | undefined> {
    const { store, log } = this.#deps;
    let takingSize: number | undefined;
    try {
      const before = await stat(path);
      if (this.#deps.folders.get(folderId)?.growing) {
        // Still being written: no hash yet (the scheduler records it once the upload completes).
        const row = store.enqueue({ folderId, sourcePath: path, relPath, size: before.size, mtimeMs: before.mtimeMs });
        this.#deps.touched(row.id);
        return row;
      }
      // A same-size file still being taken is a candidate too: identical exports dropped together
      // (queued in one batch) would otherwise all go unhashed and only meet at BioT.
      takingSize = before.size;
      const alongside = this.#takingSizes.get(before.size) ?? 0;
      this.#takingSizes.set(before.size, alongside + 1);
      const { dedup } = this.#deps;
      const wanted = dedup.hashUpFront(folderId, before.size) || (alongside > 0 && dedup.policyOf(folderId) === 'skip');
      // Small files in one read (no stream per file: at 100,000 files it counts); the rest streamed.
      const sha256 = !wanted ? undefined : before.size <= SMALL_FILE_BYTES ? sha256Of(await readFile(path)) : await sha256File(path);
      const after = await stat(path);
      // Written to while hashing: the hash is of no version; the watcher looks again.
      if (after.size !== before.size || after.mtimeMs !== before.mtimeMs) return undefined;
      let row = await this.#batch.enqueue({ folderId, sourcePath: path, relPath, size: before.size, mtimeMs: before.mtimeMs, sha256 });
      if (row.state === 'queued') {
        const duplicate = dedup.settleIfDuplicate(row);
        if (duplicate) {
          row = duplicate;
          log.log('info', 'duplicate', { fileId: row.id, duplicateOf: row.duplicateOf, sha256: row.sha256 });
        }
      }
      this.#deps.touched(row.id);
      return row;
    } catch (error) {
      const code = (error as NodeJS.ErrnoException).code ?? 'UNKNOWN';
      // The queue refusing the write (a full or read-only disk) is not this file's
      // fault and must not pass as "could not be read": the caller holds uploads.
      if (code.startsWith('SQLITE_')) throw error;
      log.log('warn', 'intake-failed', { folderId, code });
      return undefined;
    } finally {
      if (takingSize !== undefined) {
        const left = (this.#takingSizes.get(takingSize) ?? 1) - 1;
        if (left > 0) this.#takingSizes.set(takingSize, left);
        else this.#takingSizes.delete(takingSize);
      }
    }
  }
}

// A small file in one read: the stream's 1 MiB buffer per file was most of
// the garbage when 100,000 small files arrive at once.
function sha256Of(bytes: Buffer): string {
  return createHash('sha256').update(bytes).digest('hex');
}
