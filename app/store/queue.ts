// Getting files into the queue and out to the scheduler: enqueue (idempotent),
// hashing and dedup, the atomic claim, and crash recovery at start-up.
import { writeAudit } from './audit.ts';
import type { StoreContext } from './db.ts';
import { StoreConflictError } from './errors.ts';
import { STANDS_FOR_SOURCE } from './identity.ts';
import { toFileRow } from './rows.ts';
import { applyTransition, requireFile } from './transition.ts';
import type { EnqueueInput, FileRow, RecoveryCounts } from './types.ts';

const SHA256_HEX = /^[0-9a-f]{64}$/;

function normalizeSha(sha: string | null | undefined): string | null {
  if (sha === undefined || sha === null) return null;
  const lower = sha.toLowerCase();
  if (!SHA256_HEX.test(lower)) throw new TypeError('sha256 must be 64 hex digits');
  return lower;
}

// Must run inside ctx.write.
function enqueueOne(ctx: StoreContext, input: EnqueueInput): FileRow {
  const mtimeMs = Math.trunc(input.mtimeMs);
  const sha256 = normalizeSha(input.sha256);
  // Any live row for the same folder + path + size + mtime is this file: a
  // rescan at start-up must not re-queue what is in flight, re-send what is
  // done, or undo a person's cancel. Only 'missing' rows (and done rows whose
  // source was rewritten since, identity.ts) are history.
  const existing = ctx
    .stmt(
      `SELECT * FROM files WHERE folder_id = ? AND source_path = ? AND size = ? AND mtime_ms = ?
         AND ${STANDS_FOR_SOURCE}`,
    )
    .get(input.folderId, input.sourcePath, input.size, mtimeMs);
  if (existing !== undefined) {
    const row = toFileRow(existing);
    return sha256 !== null && row.sha256 === null ? setHash(ctx, row, sha256) : row;
  }
  const now = ctx.now();
  const raw = ctx
    .stmt(
      `INSERT INTO files (folder_id, source_path, rel_path, size, mtime_ms, sha256, state,
                          next_attempt_at, created_at, updated_at)
       VALUES (?, ?, ?, ?, ?, ?, 'queued', ?, ?, ?) RETURNING *`,
    )
    .get(input.folderId, input.sourcePath, input.relPath, input.size, mtimeMs, sha256, now, now, now);
  const row = toFileRow(raw);
  writeAudit(ctx, {
    fileId: row.id,
    event: 'queued',
    toState: 'queued',
    detail: { folderId: row.folderId, size: row.size, sha256: row.sha256 },
  });
  return row;
}

function setHash(ctx: StoreContext, row: FileRow, sha256: string): FileRow {
  const raw = ctx.stmt('UPDATE files SET sha256 = ?, updated_at = ? WHERE id = ? RETURNING *').get(sha256, ctx.now(), row.id);
  writeAudit(ctx, { fileId: row.id, event: 'hashed', detail: { sha256 } });
  return toFileRow(raw);
}

/** Queue one stable file (one durable transaction, audit 'queued'); returns the existing live row if already known. */
export function enqueue(ctx: StoreContext, input: EnqueueInput): FileRow {
  return ctx.durable(() => enqueueOne(ctx, input));
}

/** Queue many files in ONE durable transaction (a person's `enqueue` of many paths). */
export function enqueueMany(ctx: StoreContext, inputs: readonly EnqueueInput[]): FileRow[] {
  return ctx.durable(() => inputs.map((i) => enqueueOne(ctx, i)));
}

/**
 * Queue files the watcher found, in one transaction committed WITHOUT its own
 * fsync (the connection's synchronous = NORMAL). Safe because a queued row
 * can be found again: if a power cut loses this commit, the files are still
 * in their folder (nothing is moved or deleted before 'done') and the
 * start-up scan queues them again. In WAL mode the next FULL commit fsyncs
 * the log up to and including these rows. At 100,000 files dropped at once
 * the per-batch fsync was most of the intake's time.
 */
export function enqueueFound(ctx: StoreContext, inputs: readonly EnqueueInput[]): FileRow[] {
  return ctx.write(() => inputs.map((i) => enqueueOne(ctx, i)));
}

/** Record the SHA-256 of a row enqueued before hashing finished (audit 'hashed'). */
export function recordHash(ctx: StoreContext, fileId: number, sha256: string): FileRow {
  const sha = normalizeSha(sha256) as string;
  return ctx.write(() => {
    const row = requireFile(ctx, fileId);
    if (row.sha256 === sha) return row;
    if (row.sha256 !== null) throw new StoreConflictError(`file ${fileId} already has a different sha256`);
    return setHash(ctx, row, sha);
  });
}

/** The BioT entity a row is attached to (or, for a queued row, will be): dedup is per content and target. */
export interface AttachTarget {
  entityType: string;
  entityId: string;
}

/**
 * The earliest done row with these bytes and this attach target, if any (dedup
 * before uploading). The same bytes for two patients are two uploads; `null`
 * matches only rows that attach nowhere.
 */
export function findDoneBySha256(ctx: StoreContext, sha256: string, size: number, target: AttachTarget | null = null): FileRow | undefined {
  const ids = ctx
    .stmt(DONE_BY_CONTENT_SQL)
    .pluck()
    .all(normalizeSha(sha256), size, target?.entityType ?? null, target?.entityId ?? null) as number[];
  if (ids.length === 0) return undefined;
  // The earliest: nearly always the only one (a second done row of the same bytes and target is a person's re-upload).
  return toFileRow(ctx.stmt('SELECT * FROM files WHERE id = ?').get(ids.reduce((a, b) => Math.min(a, b))));
}

/**
 * findDoneBySha256's query, asked on every file of a size seen before.
 * INDEXED BY: left to itself the planner takes files_size (size, state), which
 * scans every done file of that size (all of them, when a device writes
 * fixed-size records): 0.2 ms a lookup at 1,000 rows, and growing with the
 * queue. Ids only, unordered: `SELECT * ... ORDER BY id LIMIT 1` on the same
 * index took 30 µs for a miss against 5 (issue 20).
 */
export const DONE_BY_CONTENT_SQL = `SELECT id FROM files INDEXED BY files_content WHERE sha256 = ? AND size = ? AND state = 'done'
  AND attach_entity_type IS ? AND attach_entity_id IS ?`;

/**
 * Whether a row with this size might hold the same bytes as a file about to
 * be queued: one already done (a duplicate) or one still on its way (a twin).
 * Only then is the new file hashed before it is sent; a file of a size never
 * seen is hashed in the read that sends it.
 */
export function hasSizeCandidate(ctx: StoreContext, size: number): boolean {
  return (
    ctx
      .stmt(
        `SELECT 1 FROM files WHERE size = ?
         AND state IN ('done', 'queued', 'uploading', 'completing', 'failed', 'paused', 'needs-attention') LIMIT 1`,
      )
      .get(size) !== undefined
  );
}

/** Whether a done row has this size (a file queued unhashed may since have got a twin that is done). */
export function hasDoneOfSize(ctx: StoreContext, size: number): boolean {
  return ctx.stmt(`SELECT 1 FROM files WHERE size = ? AND state = 'done' LIMIT 1`).get(size) !== undefined;
}

/** Settle a queued row (or one just claimed, before its upload began) as a duplicate of a done row with the same bytes. */
export function markDuplicate(ctx: StoreContext, fileId: number, ofFileId: number): FileRow {
  return ctx.write(() => {
    const of = requireFile(ctx, ofFileId);
    const row = requireFile(ctx, fileId);
    if (of.state !== 'done') throw new StoreConflictError(`file ${ofFileId} is not done; cannot be an original`);
    if (of.id === row.id || of.size !== row.size || (row.sha256 !== null && row.sha256 !== of.sha256)) {
      throw new StoreConflictError(`file ${fileId} does not have the same bytes as file ${ofFileId}`);
    }
    // A claimed row may only be settled as a duplicate before its transfer created an upload.
    if (row.state === 'uploading' && ctx.stmt(`SELECT 1 FROM uploads WHERE file_id = ? AND state = 'open'`).get(fileId)) {
      throw new StoreConflictError(`file ${fileId} has an upload in flight; it cannot become a duplicate`);
    }
    return applyTransition(ctx, fileId, {
      to: 'duplicate',
      verb: 'markDuplicate',
      from: ['queued', 'uploading'],
      event: 'duplicate',
      set: { duplicate_of: of.id, completed_at: ctx.now() },
      detail: { duplicateOf: of.id, sha256: of.sha256, biotFileId: of.biotFileId },
    });
  });
}

/**
 * Atomically move up to `limit` due rows to 'uploading' and return them, oldest
 * due first: queued rows, and failed rows whose next_attempt_at <= now.
 * Rows in `exclude` are skipped: the scheduler passes the ids whose previous
 * run has not ended yet (a cancel still telling BioT), so one file never has two runs.
 */
export function claimNext(
  ctx: StoreContext,
  limit: number,
  now: number = ctx.now(),
  exclude: ReadonlySet<number> = new Set(),
  /** Only the rows at the head of the line smaller than this (the scheduler's create-ahead); none when the next one is larger. */
  only?: { smallerThan: number },
): FileRow[] {
  if (limit <= 0) return [];
  // Enough rows to fill `limit` even if every excluded id is among them.
  const scan = limit + exclude.size;
  return ctx.write(() => {
    // Two index-ordered scans merged here, rather than one IN (...) query
    // that would sort every queued row on each claim of a 100k-row queue.
    type Due = { id: number; next_attempt_at: number; size: number };
    const queued = ctx
      .stmt(`SELECT id, next_attempt_at, size FROM files WHERE state = 'queued' ORDER BY next_attempt_at, id LIMIT ?`)
      .all(scan) as Due[];
    const failed = ctx
      .stmt(
        `SELECT id, next_attempt_at, size FROM files WHERE state = 'failed' AND next_attempt_at <= ?
         ORDER BY next_attempt_at, id LIMIT ?`,
      )
      .all(now, scan) as Due[];
    const inLine = [...queued, ...failed].filter((d) => !exclude.has(d.id)).sort((a, b) => a.next_attempt_at - b.next_attempt_at || a.id - b.id);
    const larger = only ? inLine.findIndex((d) => d.size >= only.smallerThan) : -1;
    const due = (larger >= 0 ? inLine.slice(0, larger) : inLine).slice(0, limit);
    return due.map((d) =>
      applyTransition(ctx, d.id, {
        to: 'uploading',
        verb: 'claimNext',
        from: ['queued', 'failed'],
        event: 'claimed',
        detail: (row) => ({ attempt: row.attempts + 1 }),
      }),
    );
  });
}

/**
 * Makes failed rows due further ahead than `longestMs` due `now`: no retry
 * waits longer than the longest backoff, so such a due time was written while
 * the PC clock was ahead, and the clock was set back since. How much of the
 * wait was left cannot be known; one early try costs little, where keeping
 * the due time would hold the file for as long as the clock moved (hours).
 * Answers the count.
 */
export function clampDueTimes(ctx: StoreContext, now: number, longestMs: number): number {
  return ctx.stmt(`UPDATE files SET next_attempt_at = ? WHERE state = 'failed' AND next_attempt_at > ?`).run(now, now + longestMs).changes;
}

/**
 * After a crash: rows left 'uploading' or 'completing' go back to 'queued'
 * keeping their upload and parts (and their place in line), so the transfer
 * resumes instead of starting over. Call once, before the scheduler starts.
 */
export function recoverAtStartup(ctx: StoreContext): RecoveryCounts {
  return ctx.write(() => {
    const rows = ctx.stmt(`SELECT id, state FROM files WHERE state IN ('uploading', 'completing') ORDER BY id`).all() as {
      id: number;
      state: 'uploading' | 'completing';
    }[];
    const counts: RecoveryCounts = { uploading: 0, completing: 0 };
    for (const r of rows) {
      applyTransition(ctx, r.id, { to: 'queued', verb: 'recoverAtStartup', from: [r.state], event: 'recovered' });
      counts[r.state] += 1;
    }
    return counts;
  });
}

/** The live row for exactly this file version (same folder, path, size and mtime), if any. */
export function findLive(ctx: StoreContext, folderId: string, sourcePath: string, size: number, mtimeMs: number): FileRow | undefined {
  const raw = ctx
    .stmt(
      `SELECT * FROM files WHERE folder_id = ? AND source_path = ? AND size = ? AND mtime_ms = ?
         AND ${STANDS_FOR_SOURCE}`,
    )
    .get(folderId, sourcePath, size, Math.trunc(mtimeMs));
  return raw === undefined ? undefined : toFileRow(raw);
}
