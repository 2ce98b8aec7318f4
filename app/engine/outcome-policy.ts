// How a transfer's outcome becomes a store write: done (with what happens to
// the source), a retry after a backoff, needs-attention, missing, changed. A
// person's command that already moved the row wins; a refused sign-in sends
// the row back rather than blaming it; a store that cannot take the write
// keeps the outcome until it can, so nothing BioT holds is ever sent twice.
import type { BiotClient } from '../biot/index.ts';
import type { FolderConfig } from '../config/schema.ts';
import type { Store } from '../store/store.ts';
import type { FileRow } from '../store/types.ts';
import { backoffDelay } from '../transfer/backoff.ts';
import type { TransferOutcome } from '../transfer/outcome.ts';
import { errorFacts } from '../common/error-facts.ts';
import type { Logger } from '../common/logger.ts';

export interface OutcomePolicyDeps {
  store: Store;
  biot: BiotClient;
  folders: ReadonlyMap<string, FolderConfig>;
  log: Logger;
  changed: (fileId: number) => void;
  /**
   * Called when signing in to BioT stopped: a lock-out (`locked`), or
   * credentials refused (wrong password or key, MFA). Nothing more is claimed
   * until the login is accepted again (sign-in-recovery.ts); the rows that met
   * the refusal go back to the queue.
   */
  signInStopped: (code: string, locked: boolean) => void;
  /** Every outcome, for the connection banner; told after the row was written. */
  onOutcome?: (outcome: TransferOutcome) => void;
  /** A write or read of the queue failed (a full or read-only disk, SQLITE_BUSY). */
  onStoreError?: (error: unknown) => void;
  /** Called once a row is marked done: BioT holds it and its attach rule succeeded (post-upload actions). */
  onDone?: (row: FileRow) => void;
  now?: () => number;
  /** The clock retry due times are set on (the scheduler's monotonic one; see monotonic-clock.ts). */
  dueNow?: () => number;
  /** The first wait before a fresh upload of a file whose uploads keep getting lost (TransferSettings.lostUploadRetryMs). */
  lostUploadRetryMs?: number;
}

/** Retry delays for whole files: clinic internet can be down for hours, so keep trying, slowly. */
const fileBackoff = { baseMs: 2_000, maxMs: 10 * 60_000 };

/** No retry is set further ahead than this; a stored due time beyond it is brought in at start (scheduler). */
export const LONGEST_RETRY_MS = fileBackoff.maxMs;

/** Uploads of one file lost in a row (storage answering NoSuchUpload) before a person is asked to look. */
export const LOST_UPLOADS_LIMIT = 3;

export class OutcomePolicy {
  readonly #deps: OutcomePolicyDeps;
  readonly #unwritten = new Map<number, TransferOutcome>();

  constructor(deps: OutcomePolicyDeps) {
    this.#deps = deps;
  }

  /** Writes an outcome to the row, unless a person's command already moved it. */
  settle(fileId: number, outcome: TransferOutcome): void {
    // The row first, then the listeners: a throwing listener must not cost the write.
    try {
      this.#write(fileId, outcome);
    } catch (error) {
      if (!isStoreFailure(error)) throw error; // a bug: the scheduler's catch makes the row retryable
      // The queue cannot be written (a full or read-only disk, busy): the outcome is
      // kept here, the row stays in flight (nothing claims it twice), and
      // writeHeld() writes it once the store takes writes again (the next
      // pump, or when the data folder recovers). Dropping it
      // would send a file BioT already holds a second time.
      this.#unwritten.set(fileId, outcome);
      this.#deps.log.log('error', 'settle-unwritten', { fileId, kind: outcome.kind, ...errorFacts(error, 'scheduler.settle') });
      this.#deps.onStoreError?.(error);
      return;
    }
    this.#deps.onOutcome?.(outcome);
  }

  /** How many outcomes wait for the store to take writes again. */
  get unwritten(): number {
    return this.#unwritten.size;
  }

  /** Writes the outcomes a failing store could not take; true when none is left. */
  writeHeld(): boolean {
    for (const [fileId, outcome] of [...this.#unwritten]) {
      try {
        this.#write(fileId, outcome);
      } catch {
        return false;
      }
      this.#unwritten.delete(fileId);
      this.#deps.changed(fileId);
      this.#deps.onOutcome?.(outcome);
    }
    return true;
  }

  #write(fileId: number, outcome: TransferOutcome): void {
    const { store, log } = this.#deps;
    const row = store.fileById(fileId);
    if (!row || (row.state !== 'uploading' && row.state !== 'completing')) return;
    if ((outcome.kind === 'retry' || outcome.kind === 'needs-attention') && this.#signInStopped(row, outcome)) return;
    switch (outcome.kind) {
      case 'done':
        this.#deps.onDone?.(
          store.markDone(fileId, {
            biotFileId: outcome.biotFileId,
            traceId: outcome.traceId ?? null,
            // What happens to the source is decided now, with the folder as it is set now.
            afterUpload: this.#deps.folders.get(row.folderId)?.afterUpload ?? 'leave',
          }),
        );
        log.log('info', 'file-done', { fileId, biotFileId: outcome.biotFileId });
        break;
      case 'retry':
        this.#retry(row, outcome);
        break;
      case 'needs-attention':
        store.markNeedsAttention(fileId, { error: outcome.message, code: outcome.code, traceId: outcome.traceId ?? null });
        break;
      case 'missing':
        store.markMissing(fileId);
        log.log('warn', 'file-missing', { fileId });
        break;
      case 'duplicate':
        // Its BioT upload was cancelled, not completed: the row points at the file that holds these bytes.
        store.recordHash(fileId, outcome.sha256);
        store.markDuplicate(fileId, outcome.of);
        log.log('info', 'duplicate', { fileId, duplicateOf: outcome.of });
        break;
      case 'source-changed':
        store.requeueChanged(fileId, { size: outcome.size, mtimeMs: outcome.mtimeMs });
        log.log('info', 'file-changed', { fileId });
        break;
      case 'stopped':
        // Pause and cancel already moved the row; shutdown leaves it for recoverAtStartup.
        break;
    }
  }

  /**
   * A retryable failure waits its backoff. When storage or BioT lost the
   * file's upload, the wait grows with the uploads lost in a row, and after
   * LOST_UPLOADS_LIMIT the file waits for a person instead: a bucket rule
   * that aborts every upload would otherwise get a new BioT upload (each a
   * cancelled BioT file) for ever.
   */
  #retry(row: FileRow, outcome: TransferOutcome & { kind: 'retry' }): void {
    const { store, log } = this.#deps;
    const lost = outcome.code === 'UPLOAD_LOST' ? store.lostInARow(row.id) : 0;
    if (lost >= LOST_UPLOADS_LIMIT) {
      store.markNeedsAttention(row.id, {
        error: `BioT's storage lost this file's upload ${lost} times in a row (a storage rule that removes unfinished uploads?); ask your BioT administrator, then press Retry`,
        code: 'UPLOAD_LOST_REPEATEDLY',
        traceId: outcome.traceId ?? null,
      });
      log.log('warn', 'uploads-lost', { fileId: row.id, lost });
      return;
    }
    const lostWait = lost > 0 ? backoffDelay(lost, { baseMs: this.#deps.lostUploadRetryMs ?? 30_000, maxMs: LONGEST_RETRY_MS }) : 0;
    store.markFailed(row.id, {
      error: outcome.message,
      code: outcome.code,
      retryAt: (this.#deps.dueNow ?? this.#deps.now ?? Date.now)() + Math.max(backoffDelay(row.attempts + 1, fileBackoff), lostWait),
      traceId: outcome.traceId ?? null,
    });
  }

  /**
   * Signing in was refused (wrong password or key: the token source stopped,
   * see TokenSource.lockedBy) or the account is locked (on the login or on any
   * call), and this row failed meanwhile: it did nothing wrong, so it goes back
   * to the queue and the scheduler holds until the login is accepted again,
   * rather than every claimed file landing in needs-attention.
   */
  #signInStopped(row: FileRow, outcome: TransferOutcome & { kind: 'retry' | 'needs-attention' }): boolean {
    const stop = this.#deps.biot.tokens.lockedBy;
    const locked = outcome.kind === 'needs-attention' && outcome.locked;
    if (!stop && !locked) return false;
    this.#deps.store.holdForSignIn(row.id, { error: outcome.message, code: outcome.code, traceId: outcome.traceId ?? null });
    this.#deps.signInStopped(stop?.code ?? outcome.code, stop?.locked ?? locked);
    return true;
  }
}

/** A failure of the SQLite store itself (full, read-only, busy, I/O), as opposed to a rule it enforced. */
function isStoreFailure(error: unknown): boolean {
  const code = (error as { code?: unknown } | null)?.code;
  return typeof code === 'string' && code.startsWith('SQLITE_') && !code.startsWith('SQLITE_CONSTRAINT');
}
