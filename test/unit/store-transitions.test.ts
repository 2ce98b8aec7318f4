// Transitions on a real database file: one audit row each, in the same
// transaction; illegal moves throw and write nothing; the audit is append-only.
import Database from 'better-sqlite3';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import {
  allowedTransitions,
  canTransition,
  FILE_STATES,
  IllegalTransitionError,
  openStore,
  type FileRow,
  type Store,
} from '../../app/store/index.ts';

let dir: string;
let file: string;
let store: Store;
let clock = 1_000;
beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), 'du-store-tr-'));
  file = join(dir, 'queue.db');
  clock = 1_000;
  store = openStore(file, { now: () => clock });
});
afterEach(() => {
  store.close();
  rmSync(dir, { recursive: true, force: true });
});

let seq = 0;
function add(name = `Doe_John_${++seq}.edf`): FileRow {
  return store.enqueue({ folderId: 'holter', sourcePath: `/clinic/exports/${name}`, relPath: `exports/${name}`, size: 100, mtimeMs: 5 });
}
function claimOne(): FileRow {
  const [row] = store.claimNext(1, clock);
  if (!row) throw new Error('nothing claimed');
  return row;
}
function auditCount(): number {
  const db = new Database(file, { readonly: true });
  const n = (db.prepare('SELECT count(*) AS n FROM audit').get() as { n: number }).n;
  db.close();
  return n;
}
/** Runs fn and checks it wrote exactly one audit row, for this file, recording from -> to. */
function expectOneAudit(fileId: number, from: string | null, to: string | null, fn: () => unknown): void {
  const before = auditCount();
  fn();
  expect(auditCount()).toBe(before + 1);
  const last = store.auditFor(fileId).at(-1)!;
  expect([last.fromState, last.toState]).toEqual([from, to]);
}

describe('canTransition', () => {
  it('is a closed table: final states go nowhere, completing cannot be paused or cancelled', () => {
    for (const s of ['done', 'duplicate', 'missing'] as const) {
      for (const t of FILE_STATES) expect(canTransition(s, t)).toBe(false);
    }
    expect(canTransition('completing', 'paused')).toBe(false);
    expect(canTransition('completing', 'cancelled')).toBe(false);
    expect(canTransition('queued', 'uploading')).toBe(true);
    expect(canTransition('failed', 'uploading')).toBe(true);
    expect(canTransition('cancelled', 'uploading')).toBe(false);
    // no state may move to itself
    for (const s of FILE_STATES) expect(allowedTransitions()[s]).not.toContain(s);
  });
});

describe('transitions', () => {
  it('writes exactly one audit row per transition along the happy path', () => {
    const before = auditCount();
    const f = add();
    expect(auditCount()).toBe(before + 1);
    expectOneAudit(f.id, 'queued', 'uploading', () => claimOne());
    const up = store.startUpload(f.id, { biotFileId: 'b-1', kind: 'multipart', partSize: 50, partCount: 2, fileSize: 100, fileMtimeMs: 5 }, []);
    expectOneAudit(f.id, 'uploading', 'completing', () => store.markCompleting(f.id, 'trace-1'));
    expectOneAudit(f.id, 'completing', 'done', () => store.markDone(f.id, { biotFileId: 'b-1', traceId: 'trace-2' }));
    const done = store.fileById(f.id)!;
    expect(done).toMatchObject({ state: 'done', biotFileId: 'b-1', bytesDone: 100, completedAt: clock });
    expect(store.currentUpload(f.id)).toBeUndefined(); // closed with the same transaction
    expect(store.uploadsFor(f.id)[0]!.state).toBe('completed');
    const last = store.auditFor(f.id).at(-1)!;
    expect(last).toMatchObject({ event: 'completed', uploadId: up.id, biotTraceId: 'trace-2' });
  });

  it('covers every verb with one audit row each', () => {
    const a = add();
    expectOneAudit(a.id, 'queued', 'paused', () => store.pause(a.id));
    expectOneAudit(a.id, 'paused', 'queued', () => store.resume(a.id));
    expectOneAudit(a.id, 'queued', 'cancelled', () => store.cancel(a.id));
    expectOneAudit(a.id, 'cancelled', 'queued', () => store.retry(a.id));
    claimOne();
    expectOneAudit(a.id, 'uploading', 'failed', () =>
      store.markFailed(a.id, { error: 'timeout', code: 'ETIMEDOUT', retryAt: clock + 60_000, traceId: 't' }),
    );
    expectOneAudit(a.id, 'failed', 'queued', () => store.retry(a.id));
    claimOne();
    expectOneAudit(a.id, 'uploading', 'needs-attention', () => store.markNeedsAttention(a.id, { error: 'account locked', code: 'USER_LOCKED' }));
    expectOneAudit(a.id, 'needs-attention', 'missing', () => store.markMissing(a.id));
  });

  it('counts attempts on failure and resets them on retry', () => {
    const a = add();
    claimOne();
    store.markFailed(a.id, { error: 'x', code: 'E1', retryAt: 2_000 });
    clock = 2_000;
    claimOne();
    const f2 = store.markFailed(a.id, { error: 'y', code: 'E2', retryAt: 3_000 });
    expect(f2).toMatchObject({ attempts: 2, nextAttemptAt: 3_000, lastError: 'y', lastErrorCode: 'E2' });
    const r = store.retry(a.id);
    expect(r).toMatchObject({ state: 'queued', attempts: 0, nextAttemptAt: 2_000, lastError: null, lastErrorCode: null });
  });

  it('throws on an illegal transition and writes nothing', () => {
    const a = add();
    claimOne();
    store.markCompleting(a.id);
    store.markDone(a.id, { biotFileId: 'b' });
    const rowBefore = store.fileById(a.id);
    const n = auditCount();
    clock += 10;
    expect(() => store.pause(a.id)).toThrow(IllegalTransitionError);
    expect(() => store.retry(a.id)).toThrow("file 1: retry cannot move it from 'done' to 'queued'");
    expect(() => store.markFailed(a.id, { error: 'e', code: 'c', retryAt: 0 })).toThrow(IllegalTransitionError);
    expect(store.fileById(a.id)).toEqual(rowBefore);
    expect(auditCount()).toBe(n);
  });

  it('refuses a move the table allows but the verb does not (retry of an uploading row)', () => {
    const a = add();
    claimOne();
    const n = auditCount();
    // uploading -> queued exists for crash recovery only; a retry would start a second transfer.
    expect(() => store.retry(a.id)).toThrow(IllegalTransitionError);
    expect(() => store.resume(a.id)).toThrow(IllegalTransitionError);
    expect(store.fileById(a.id)!.state).toBe('uploading');
    expect(auditCount()).toBe(n);
  });

  it('rolls the state change back when its audit row cannot be written (same transaction)', () => {
    const a = add();
    const db = new Database(file);
    db.exec(`CREATE TRIGGER test_refuse_pause BEFORE INSERT ON audit WHEN NEW.event = 'paused'
             BEGIN SELECT RAISE(ABORT, 'audit refused'); END`);
    db.close();
    const n = auditCount();
    expect(() => store.pause(a.id)).toThrow(/audit refused/);
    expect(store.fileById(a.id)!.state).toBe('queued');
    expect(auditCount()).toBe(n);
  });

  it('keeps the audit append-only', () => {
    const a = add();
    const db = new Database(file);
    expect(() => db.prepare(`UPDATE audit SET event = 'done' WHERE file_id = ?`).run(a.id)).toThrow(/audit is append-only/);
    expect(() => db.prepare('DELETE FROM audit WHERE file_id = ?').run(a.id)).toThrow(/audit is append-only/);
    expect(() => db.prepare('DELETE FROM audit').run()).toThrow(/audit is append-only/);
    db.close();
    expect(store.auditFor(a.id)).toHaveLength(1);
  });

  it('bulk verbs write one audit row per row, in one transaction', () => {
    const ids = [add(), add(), add(), add()].map((r) => r.id);
    claimOne(); // ids[0] uploading
    store.markFailed(ids[0]!, { error: 'e', code: 'c', retryAt: 9_999 });
    store.cancel(ids[3]!);
    let n = auditCount();
    expect(store.pauseAll()).toBe(3); // failed + two queued; cancelled stays
    expect(auditCount()).toBe(n + 3);
    n = auditCount();
    expect(store.resumeAll()).toBe(3);
    expect(auditCount()).toBe(n + 3);
    expect(store.countByState()).toMatchObject({ queued: 3, cancelled: 1, paused: 0 });
    const [c] = store.claimNext(1, clock);
    store.markNeedsAttention(c!.id, { error: 'refused', code: 'ACCESS_DENIED' });
    expect(store.retryAllFailed()).toBe(1); // needs-attention counts; cancelled does not
    expect(store.countByState()).toMatchObject({ queued: 3, cancelled: 1, 'needs-attention': 0 });
  });

  it('keeps file names and paths out of the audit and out of last_error', () => {
    const a = add('Smith_Jane_1970-01-01.edf');
    claimOne();
    const f = store.markFailed(a.id, {
      error: `ENOENT: no such file or directory, open '/clinic/exports/Smith_Jane_1970-01-01.edf' (Smith_Jane_1970-01-01.edf)`,
      code: 'ENOENT',
      retryAt: 0,
    });
    expect(f.lastError).not.toMatch(/Smith|clinic/);
    expect(f.lastError).toMatch(/^ENOENT: no such file or directory, open/);
    const trail = JSON.stringify(store.auditFor(a.id));
    expect(trail).not.toMatch(/Smith|clinic|exports/);
  });
});
