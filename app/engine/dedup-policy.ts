// The engine's one object for dedup (the rules of dedup.ts over its store
// and its current folders): what intake asks after hashing a file, and what
// a file's run asks before and while it is sent (file-job.ts).
import type { FolderConfig } from '../config/schema.ts';
import type { AttachTarget } from '../store/queue.ts';
import type { Store } from '../store/store.ts';
import type { FileRow } from '../store/types.ts';
import { attachTargetOf } from './attach.ts';
import { hashUpFront, settleIfDuplicate, vetBeforeTransfer, type DuplicatePolicy, type TransferVerdict } from './dedup.ts';

/** What a file's run asks of dedup (file-job.ts); DedupPolicy answers it. */
export interface DedupPort {
  /** Asked right before a claimed row's transfer starts: see TransferVerdict. */
  vet(row: FileRow): TransferVerdict;
  /**
   * Whether an unhashed row must be hashed before its transfer: its folder
   * skips duplicates and a done row of its size exists (a twin sent while
   * this one waited for a retry). Without it a single upload, which cannot be
   * taken back once its PUT landed, would send the same bytes a second time.
   */
  hashBeforeSend(row: FileRow): boolean;
  /** The id of a done file with these bytes for the row's target, when dedup applies (asked once a transfer hashed what it sent). */
  duplicateOf(row: FileRow, sha256: string): number | undefined;
}

/** The engine's dedup, over its store and its current folders (a folder's `duplicates`, else the config's). */
export class DedupPolicy implements DedupPort {
  readonly #store: Store;
  readonly #folders: ReadonlyMap<string, FolderConfig>;
  #fallback: DuplicatePolicy;

  /** `folders` is the engine's live map: reconfigure changes it in place. */
  constructor(store: Store, folders: ReadonlyMap<string, FolderConfig>, fallback: DuplicatePolicy) {
    this.#store = store;
    this.#folders = folders;
    this.#fallback = fallback;
  }

  /** The config's top-level `duplicates`, for folders that do not set their own (on reconfigure). */
  set fallback(policy: DuplicatePolicy) {
    this.#fallback = policy;
  }

  policyOf(folderId: string): DuplicatePolicy {
    return this.#folders.get(folderId)?.duplicates ?? this.#fallback;
  }

  /** Where the row's folder rule attaches it: dedup's key beside the bytes. */
  targetOf(row: Pick<FileRow, 'folderId' | 'relPath'>): AttachTarget | null {
    return attachTargetOf(this.#folders.get(row.folderId), row.relPath);
  }

  /** Whether a file of `size` from `folderId` is hashed at intake (see hashUpFront). */
  hashUpFront(folderId: string, size: number): boolean {
    return hashUpFront(this.#store, this.policyOf(folderId), size);
  }

  /** Settles a just-queued row as a duplicate when it is one (see settleIfDuplicate). */
  settleIfDuplicate(row: FileRow): FileRow | undefined {
    return settleIfDuplicate(this.#store, row, this.policyOf(row.folderId), this.targetOf(row));
  }

  // Dedup again right before a transfer: twins queued together both passed intake.
  vet(row: FileRow): TransferVerdict {
    return vetBeforeTransfer(this.#store, row, this.policyOf(row.folderId), this.targetOf(row));
  }

  hashBeforeSend(row: FileRow): boolean {
    return this.policyOf(row.folderId) === 'skip' && this.#store.hasDoneOfSize(row.size);
  }

  duplicateOf(row: FileRow, sha256: string): number | undefined {
    return this.policyOf(row.folderId) === 'skip' ? this.#store.findDoneBySha256(sha256, row.size, this.targetOf(row))?.id : undefined;
  }
}
