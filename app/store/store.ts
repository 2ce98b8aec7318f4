// The store's front door: Store (opened by open-store.ts) gathers the query
// modules behind one object the engine holds. Methods are thin on purpose;
// the rules live in the modules they call.
import { auditFor } from './audit.ts';
import * as hist from './history.ts';
import * as growing from './growing.ts';
import * as life from './lifecycle.ts';
import * as losses from './losses.ts';
import type { CloseReason } from './losses.ts';
import * as parts from './parts.ts';
import * as queue from './queue.ts';
import * as reads from './reads.ts';
import * as sent from './sent-content.ts';
import * as sources from './sources.ts';
import type { FileState } from './states.ts';
import type {
  AfterUpload,
  AttentionInput,
  AuditRow,
  EnqueueInput,
  FailureInput,
  FilePage,
  FileRow,
  ListQuery,
  NewUpload,
  PartRow,
  PlannedPart,
  PostAction,
  ReadBackResult,
  RecoveryCounts,
  Snapshot,
  UploadRow,
  UploadState,
} from './types.ts';
import type { StoreContext } from './db.ts';
import type { MigrationResult } from './migrate.ts';
import type { UploadJournal } from './upload-journal.ts';
import * as uploads from './uploads.ts';
import { WalSync } from './wal-sync.ts';

/** The durable upload queue: the only writer of the database. */
export class Store {
  readonly #ctx: StoreContext;
  readonly #journal: UploadJournal;
  readonly #sync: WalSync;
  /** What opening did to the schema (from, to, applied versions). */
  readonly migration: MigrationResult;
  /** Finished uploads opening restored from the upload journal into a new or empty queue (journal-restore.ts). */
  readonly restoredFromJournal: number;

  constructor(ctx: StoreContext, migration: MigrationResult, journal: UploadJournal, walFile: string, restoredFromJournal = 0) {
    this.#ctx = ctx;
    this.migration = migration;
    this.#journal = journal;
    this.#sync = new WalSync(() => [walFile, ...(journal.written ? [journal.written] : [])]);
    this.restoredFromJournal = restoredFromJournal;
  }

  /** Close the connection; the WAL is checkpointed (and synced) by SQLite on the last close, the journal synced. */
  close(): void {
    this.#sync.close();
    this.#ctx.db.close();
    this.#journal.close();
  }

  /** Every commit so far and the journal on disk (a group sync, wal-sync.ts): bytes wait for it after startUpload, the complete after markCompleting, a move or delete after markDone. */
  whenDurable(): Promise<void> {
    return this.#sync.whenDurable();
  }

  /** Runs `steps` (store calls) in one transaction: one commit where each would commit its own (each a savepoint inside). */
  inOneCommit<T>(steps: () => T): T {
    return this.#ctx.write(steps);
  }

  /** Group syncs done so far. */
  get durableSyncs(): number {
    return this.#sync.syncs;
  }

  // queue
  enqueue(input: EnqueueInput): FileRow {
    return queue.enqueue(this.#ctx, input);
  }
  enqueueMany(inputs: readonly EnqueueInput[]): FileRow[] {
    return queue.enqueueMany(this.#ctx, inputs);
  }
  /** enqueueMany for files a folder still holds: committed without its own fsync (see queue.enqueueFound). */
  enqueueFound(inputs: readonly EnqueueInput[]): FileRow[] {
    return queue.enqueueFound(this.#ctx, inputs);
  }
  findLive(folderId: string, sourcePath: string, size: number, mtimeMs: number): FileRow | undefined {
    return queue.findLive(this.#ctx, folderId, sourcePath, size, mtimeMs);
  }
  recordHash(fileId: number, sha256: string): FileRow {
    return queue.recordHash(this.#ctx, fileId, sha256);
  }
  /** The hash of the bytes a transfer sent, replacing one taken before them (sent-content.ts). */
  recordSentHash(fileId: number, sha256: string): FileRow {
    return sent.recordSentHash(this.#ctx, fileId, sha256);
  }
  hasSizeCandidate(size: number): boolean {
    return queue.hasSizeCandidate(this.#ctx, size);
  }
  hasDoneOfSize(size: number): boolean {
    return queue.hasDoneOfSize(this.#ctx, size);
  }
  findDoneBySha256(sha256: string, size: number, target?: queue.AttachTarget | null): FileRow | undefined {
    return queue.findDoneBySha256(this.#ctx, sha256, size, target);
  }
  markDuplicate(fileId: number, ofFileId: number): FileRow {
    return queue.markDuplicate(this.#ctx, fileId, ofFileId);
  }
  claimNext(limit: number, now?: number, exclude?: ReadonlySet<number>, only?: { smallerThan: number }): FileRow[] {
    return queue.claimNext(this.#ctx, limit, now, exclude, only);
  }
  recoverAtStartup(): RecoveryCounts {
    return queue.recoverAtStartup(this.#ctx);
  }
  /** Failed rows due further ahead than `longestMs` become due `now` (see queue.clampDueTimes). */
  clampDueTimes(now: number, longestMs: number): number {
    return queue.clampDueTimes(this.#ctx, now, longestMs);
  }

  // uploads
  currentUpload(fileId: number): UploadRow | undefined {
    return uploads.currentUpload(this.#ctx, fileId);
  }
  uploadsFor(fileId: number): UploadRow[] {
    return uploads.uploadsFor(this.#ctx, fileId);
  }
  /** On disk once whenDurable() resolves: the BioT file id must outlive a power cut before any byte is sent to it. */
  startUpload(fileId: number, u: NewUpload, planned: readonly PlannedPart[]): UploadRow {
    return this.#ctx.write(() => uploads.startUpload(this.#ctx, fileId, u, planned));
  }
  noteGrowth(fileId: number, size: number, mtimeMs: number): void {
    growing.noteGrowth(this.#ctx, fileId, size, mtimeMs);
  }
  finalizeUpload(uploadId: number, final: { partCount: number; fileSize: number; fileMtimeMs: number }): UploadRow {
    return growing.finalizeUpload(this.#ctx, uploadId, final);
  }
  closeUpload(uploadId: number, state: Exclude<UploadState, 'open'>, reason?: CloseReason): UploadRow {
    return uploads.closeUpload(this.#ctx, uploadId, state, reason);
  }
  /** The file's uploads lost in a row (see losses.ts). */
  lostInARow(fileId: number): number {
    return losses.lostInARow(this.#ctx, fileId);
  }
  recordVerification(uploadId: number, result: ReadBackResult): void {
    uploads.recordVerification(this.#ctx, uploadId, result);
  }
  partsOf(uploadId: number): PartRow[] {
    return uploads.partsOf(this.#ctx, uploadId);
  }

  // parts
  planParts(uploadId: number, planned: readonly PlannedPart[]): void {
    parts.planParts(this.#ctx, uploadId, planned);
  }
  recordPartEtag(uploadId: number, partNumber: number, landed: { etag: string; md5: string }): void {
    parts.recordPartEtag(this.#ctx, uploadId, partNumber, landed);
  }
  markEtagsSaved(uploadId: number, partNumbers: readonly number[]): number {
    return parts.markEtagsSaved(this.#ctx, uploadId, partNumbers);
  }

  // transitions
  /** On disk once whenDurable() resolves: BioT is told to complete next; a restart must know it may have. */
  markCompleting(fileId: number, traceId?: string | null): FileRow {
    return this.#ctx.write(() => life.markCompleting(this.#ctx, fileId, traceId));
  }
  /** Marks the row done, then records the upload in the journal `repair` falls back on (upload-journal.ts); on disk once whenDurable() resolves. */
  markDone(fileId: number, result: { biotFileId: string; traceId?: string | null; afterUpload?: AfterUpload }): FileRow {
    const row = this.#ctx.write(() => life.markDone(this.#ctx, fileId, result));
    this.#journal.appendDone(row, result.biotFileId, this.#ctx.now());
    return row;
  }
  holdForSignIn(fileId: number, f: AttentionInput): FileRow {
    return life.holdForSignIn(this.#ctx, fileId, f);
  }
  markFailed(fileId: number, f: FailureInput): FileRow {
    return life.markFailed(this.#ctx, fileId, f);
  }
  markNeedsAttention(fileId: number, f: AttentionInput): FileRow {
    return life.markNeedsAttention(this.#ctx, fileId, f);
  }
  pause(fileId: number): FileRow {
    return life.pause(this.#ctx, fileId);
  }
  resume(fileId: number): FileRow {
    return life.resume(this.#ctx, fileId);
  }
  cancel(fileId: number): FileRow {
    return this.#ctx.durable(() => life.cancel(this.#ctx, fileId));
  }
  retry(fileId: number): FileRow {
    return life.retry(this.#ctx, fileId);
  }
  markMissing(fileId: number): FileRow {
    return life.markMissing(this.#ctx, fileId);
  }
  requeueChanged(fileId: number, source: { size: number; mtimeMs: number }): FileRow {
    return life.requeueChanged(this.#ctx, fileId, source);
  }
  pauseAll(): number {
    return life.pauseAll(this.#ctx);
  }
  cancelAll(): number {
    return this.#ctx.durable(() => life.cancelAll(this.#ctx));
  }
  resumeAll(keep?: readonly number[]): number {
    return life.resumeAll(this.#ctx, keep);
  }
  pausedIds(): number[] {
    return reads.pausedIds(this.#ctx);
  }
  retryAllFailed(): number {
    return life.retryAllFailed(this.#ctx);
  }
  recordAttached(fileId: number, a: { entityType: string; entityId: string; traceId?: string | null }): FileRow {
    // Durable: an attach (or a generic entity made for it) is not made twice.
    return this.#ctx.durable(() => life.recordAttached(this.#ctx, fileId, a));
  }

  // sources (the folder watcher)
  rowsForSource(folderId: string, sourcePath: string, states: readonly FileState[]): FileRow[] {
    return sources.rowsForSource(this.#ctx, folderId, sourcePath, states);
  }
  rowsInFolder(folderId: string, states: readonly FileState[]): FileRow[] {
    return sources.rowsInFolder(this.#ctx, folderId, states);
  }
  awaitingPostAction(folderId: string): FileRow[] {
    return sources.awaitingPostAction(this.#ctx, folderId);
  }
  recordPostAction(fileId: number, result: { action: PostAction; code?: string | null }): FileRow {
    return this.#ctx.durable(() => sources.recordPostAction(this.#ctx, fileId, result));
  }
  /** A done row's source was rewritten in place (same size and mtime): keep it, queue its new bytes (sent-content.ts). */
  keepRewrittenSource(fileId: number, sha256: string): FileRow {
    return sent.keepRewrittenSource(this.#ctx, fileId, sha256);
  }

  // reads
  snapshot(q?: ListQuery): Snapshot {
    return reads.snapshot(this.#ctx, q);
  }
  listFiles(q?: ListQuery): FilePage {
    return reads.listFiles(this.#ctx, q);
  }
  countByState(): Record<FileState, number> {
    return reads.countByState(this.#ctx);
  }
  doneSince(since: number): number {
    return reads.doneSince(this.#ctx, since);
  }
  bytesRemaining(): number {
    return reads.bytesRemaining(this.#ctx);
  }
  fileById(fileId: number): FileRow | undefined {
    return reads.fileById(this.#ctx, fileId);
  }
  fileIdOfBiotFile(biotFileId: string): number | undefined {
    return reads.fileIdOfBiotFile(this.#ctx, biotFileId);
  }
  history(q?: hist.HistoryQuery): { entries: hist.HistoryEntry[]; total: number } {
    return hist.history(this.#ctx, q);
  }
  auditFor(fileId: number): AuditRow[] {
    return auditFor(this.#ctx, fileId);
  }
}
