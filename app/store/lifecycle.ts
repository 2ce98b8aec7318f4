// The verbs that move a file through its life after the claim: the transfer's
// outcomes and the person's buttons. Each is one transaction with its audit row.
import { basename } from 'node:path';
import { writeAudit } from './audit.ts';
import type { StoreContext } from './db.ts';
import { StoreConflictError } from './errors.ts';
import { scrubErrorText } from './redact.ts';
import { toFileRow } from './rows.ts';
import type { FileState } from './states.ts';
import { canTransition } from './states.ts';
import { applyTransition, requireFile, type SettableColumn, type SqlValue, type TransitionSpec } from './transition.ts';
import type { AfterUpload, AttentionInput, FailureInput, FileRow } from './types.ts';

function one(ctx: StoreContext, fileId: number, spec: TransitionSpec): FileRow {
  return ctx.write(() => applyTransition(ctx, fileId, spec));
}

/**
 * Moves every row in `from` to spec.to, with one audit row each, in ONE
 * transaction of two set-wise statements (a person's "pause all" over 100,000
 * rows must not be 100,000 round trips holding the engine's thread). The
 * audit rows go first, while each row's old state can still be read. Only
 * constant `set` columns: a bulk verb has no per-row values.
 */
function many(
  ctx: StoreContext,
  from: readonly FileState[],
  spec: TransitionSpec & { set?: Partial<Record<SettableColumn, SqlValue>> },
  except: readonly number[] = [],
): number {
  const states = JSON.stringify(from.filter((state) => canTransition(state, spec.to)));
  const left = JSON.stringify(except);
  const set = spec.set ?? {};
  const cols = (Object.keys(set) as SettableColumn[]).sort();
  return ctx.write(() => {
    const now = ctx.now();
    ctx
      .stmt(
        `INSERT INTO audit (at, file_id, upload_id, event, from_state, to_state, biot_trace_id, detail)
         SELECT ?, f.id, (SELECT u.id FROM uploads u WHERE u.file_id = f.id AND u.state = 'open'), ?, f.state, ?, NULL, NULL
         FROM files f WHERE f.state IN (SELECT value FROM json_each(?)) AND f.id NOT IN (SELECT value FROM json_each(?)) ORDER BY f.id`,
      )
      .run(now, spec.event, spec.to, states, left);
    const moved = ctx
      .stmt(
        `UPDATE files SET state = ?, updated_at = ?${cols.map((c) => `, ${c} = ?`).join('')} WHERE state IN (SELECT value FROM json_each(?)) AND id NOT IN (SELECT value FROM json_each(?))`,
      )
      .run(spec.to, now, ...cols.map((c) => set[c] ?? null), states, left);
    return moved.changes;
  });
}

// The error text is for the UI; it must not carry the patient's file name.
function scrubbed(row: FileRow, error: string): string {
  return scrubErrorText(error, [row.sourcePath, row.relPath, basename(row.sourcePath)]);
}

/** Every part has its ETag: the complete call is about to go out. */
export function markCompleting(ctx: StoreContext, fileId: number, traceId?: string | null): FileRow {
  return one(ctx, fileId, { to: 'completing', verb: 'markCompleting', from: ['uploading'], event: 'completing', traceId });
}

/**
 * BioT holds the file: settle the row and close its open upload as completed,
 * together. `afterUpload` is the folder's post-upload action at this moment,
 * recorded with it: only a row done under 'move' or 'delete' is ever moved or
 * deleted (awaitingPostAction), whatever the folder is set to later.
 */
export function markDone(
  ctx: StoreContext,
  fileId: number,
  result: { biotFileId: string; traceId?: string | null; afterUpload?: AfterUpload },
): FileRow {
  return ctx.write(() => {
    const now = ctx.now();
    const open = ctx
      .stmt(`UPDATE uploads SET state = 'completed', closed_at = ? WHERE file_id = ? AND state = 'open' RETURNING id`)
      .get(now, fileId) as { id: number } | undefined;
    return applyTransition(ctx, fileId, {
      to: 'done',
      verb: 'markDone',
      // uploading -> done is the single-upload path, which has no complete step.
      from: ['uploading', 'completing'],
      event: 'completed',
      uploadId: open?.id ?? null,
      traceId: result.traceId,
      set: (row) => ({
        biot_file_id: result.biotFileId,
        completed_at: now,
        bytes_done: row.size,
        last_error: null,
        last_error_code: null,
        post_action_intent: result.afterUpload ?? 'leave',
      }),
      detail: (row) => ({ biotFileId: result.biotFileId, sha256: row.sha256, size: row.size, afterUpload: result.afterUpload ?? 'leave' }),
    });
  });
}

/** A retryable failure: attempts++, the scheduler claims it again at retryAt. */
export function markFailed(ctx: StoreContext, fileId: number, f: FailureInput): FileRow {
  return one(ctx, fileId, {
    to: 'failed',
    verb: 'markFailed',
    from: ['uploading', 'completing'],
    event: 'failed',
    traceId: f.traceId,
    set: (row) => ({
      attempts: row.attempts + 1,
      next_attempt_at: f.retryAt,
      last_error: scrubbed(row, f.error),
      last_error_code: f.code,
    }),
    // Only the code reaches the audit: free text is where names slip through.
    detail: (row) => ({ code: f.code, attempts: row.attempts + 1, retryAt: f.retryAt }),
  });
}

/**
 * The sign-in was refused for good (wrong password or key): the row did
 * nothing wrong, so it goes back to the queue as it was (attempts unchanged,
 * its upload and parts kept) while the scheduler holds. Audit 'held'.
 */
export function holdForSignIn(ctx: StoreContext, fileId: number, f: AttentionInput): FileRow {
  return one(ctx, fileId, {
    to: 'queued',
    verb: 'holdForSignIn',
    from: ['uploading', 'completing'],
    event: 'held',
    traceId: f.traceId,
    set: (row) => ({ next_attempt_at: ctx.now(), last_error: scrubbed(row, f.error), last_error_code: f.code }),
    detail: { code: f.code },
  });
}

/** A failure no retry will fix (locked account, refused file...): wait for a person. */
export function markNeedsAttention(ctx: StoreContext, fileId: number, f: AttentionInput): FileRow {
  return one(ctx, fileId, {
    to: 'needs-attention',
    verb: 'markNeedsAttention',
    from: ['uploading', 'completing'],
    event: 'needs-attention',
    traceId: f.traceId,
    set: (row) => ({ attempts: row.attempts + 1, last_error: scrubbed(row, f.error), last_error_code: f.code }),
    detail: (row) => ({ code: f.code, attempts: row.attempts + 1 }),
  });
}

const PAUSABLE: readonly FileState[] = ['queued', 'uploading', 'failed'];
const CANCELLABLE: readonly FileState[] = ['queued', 'uploading', 'failed', 'paused', 'needs-attention'];
const RETRYABLE: readonly FileState[] = ['failed', 'needs-attention', 'cancelled'];
const VANISHABLE: readonly FileState[] = ['queued', 'uploading', 'failed', 'paused', 'needs-attention'];

const cancelSpec: TransitionSpec = { to: 'cancelled', verb: 'cancel', from: CANCELLABLE, event: 'cancelled' };
const pauseSpec: TransitionSpec = { to: 'paused', verb: 'pause', from: PAUSABLE, event: 'paused' };
// Resumed rows are due now; their upload and parts are kept so the transfer continues.
const resumeSpec = (ctx: StoreContext): TransitionSpec => ({
  to: 'queued',
  verb: 'resume',
  from: ['paused'],
  event: 'resumed',
  set: { next_attempt_at: ctx.now() },
});
const retrySpec = (ctx: StoreContext): TransitionSpec => ({
  to: 'queued',
  verb: 'retry',
  from: RETRYABLE,
  event: 'retried',
  set: { attempts: 0, next_attempt_at: ctx.now(), last_error: null, last_error_code: null },
});

/** Pause a row (an uploading one: the engine aborts its transfer when it sees this). */
export function pause(ctx: StoreContext, fileId: number): FileRow {
  return one(ctx, fileId, pauseSpec);
}

/** Paused -> queued, due now. */
export function resume(ctx: StoreContext, fileId: number): FileRow {
  return one(ctx, fileId, resumeSpec(ctx));
}

/** A person cancels; uploads are left to the transfer layer (it cancels at BioT, then closeUpload). */
export function cancel(ctx: StoreContext, fileId: number): FileRow {
  return one(ctx, fileId, cancelSpec);
}

/** Failed / needs-attention / cancelled -> queued now, attempts reset. */
export function retry(ctx: StoreContext, fileId: number): FileRow {
  return one(ctx, fileId, retrySpec(ctx));
}

/** The source vanished before it was uploaded; final (a reappearing file is a new row). */
export function markMissing(ctx: StoreContext, fileId: number): FileRow {
  return one(ctx, fileId, { to: 'missing', verb: 'markMissing', from: VANISHABLE, event: 'missing' });
}

/** Pause every queued, uploading and failed row in one transaction; returns how many. */
export function pauseAll(ctx: StoreContext): number {
  return many(ctx, PAUSABLE, pauseSpec);
}

/**
 * Cancel every queued, uploading, failed, paused and needs-attention row in
 * one transaction; returns how many. All or none: a failure part-way (a full
 * disk) leaves every row as it was, never a half-cancelled queue.
 */
export function cancelAll(ctx: StoreContext): number {
  return many(ctx, CANCELLABLE, cancelSpec);
}

/** Resume every paused row but those in `keep` (a timed pause's end keeps what a person paused) in one transaction; returns how many. */
export function resumeAll(ctx: StoreContext, keep: readonly number[] = []): number {
  return many(ctx, ['paused'], resumeSpec(ctx), keep);
}

/** Retry every failed and needs-attention row (not cancelled ones) in one transaction. */
export function retryAllFailed(ctx: StoreContext): number {
  return many(ctx, ['failed', 'needs-attention'], retrySpec(ctx));
}

/** Record that the BioT file was attached to its entity (not a state change; audit 'attached'). */
export function recordAttached(ctx: StoreContext, fileId: number, a: { entityType: string; entityId: string; traceId?: string | null }): FileRow {
  return ctx.write(() => {
    const row = requireFile(ctx, fileId);
    // 'uploading': claimed again after its upload completed but the attach failed or was cut off.
    const completed = () => ctx.stmt(`SELECT 1 FROM uploads WHERE file_id = ? AND state = 'completed'`).get(fileId) !== undefined;
    if (row.state !== 'completing' && row.state !== 'done' && !(row.state === 'uploading' && completed())) {
      throw new StoreConflictError(`file ${fileId} is '${row.state}'; only a completed upload can be attached`);
    }
    const now = ctx.now();
    const raw = ctx
      .stmt(
        `UPDATE files SET attach_entity_type = ?, attach_entity_id = ?, attached_at = ?, updated_at = ?
         WHERE id = ? RETURNING *`,
      )
      .get(a.entityType, a.entityId, now, now, fileId);
    writeAudit(ctx, {
      fileId,
      event: 'attached',
      traceId: a.traceId ?? null,
      detail: { entityType: a.entityType, entityId: a.entityId, biotFileId: row.biotFileId },
    });
    return toFileRow(raw);
  });
}

/**
 * The source changed while it was being uploaded: back to the queue with its
 * new size and mtime and no hash (it is hashed again), due now. The open upload
 * was already closed as abandoned by the transfer.
 */
export function requeueChanged(ctx: StoreContext, fileId: number, source: { size: number; mtimeMs: number }): FileRow {
  return one(ctx, fileId, {
    to: 'queued',
    verb: 'requeueChanged',
    from: ['uploading', 'completing'],
    event: 'source-changed',
    uploadId: null,
    set: { size: source.size, mtime_ms: Math.trunc(source.mtimeMs), sha256: null, bytes_done: 0, next_attempt_at: ctx.now() },
    detail: { size: source.size },
  });
}
