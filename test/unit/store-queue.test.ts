// The queue on a real database file: enqueue idempotency, dedup, uploads and
// parts, paged reads, and a 100,000-row queue.
import Database from 'better-sqlite3';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { tempStore } from '../support/temp-queue.ts';
import { StoreConflictError, type EnqueueInput } from '../../app/store/index.ts';
import { DONE_BY_CONTENT_SQL } from '../../app/store/queue.ts';

const q = tempStore('du-store-q-');

const SHA_A = 'a'.repeat(64);
const SHA_B = 'b'.repeat(64);
function input(over: Partial<EnqueueInput> = {}): EnqueueInput {
  return { folderId: 'holter', sourcePath: '/exports/p1.edf', relPath: 'p1.edf', size: 100, mtimeMs: 1_700_000_000_123.456, ...over };
}
function uploading(over: Partial<EnqueueInput> = {}) {
  const f = q.store.enqueue(input(over));
  const [c] = q.store.claimNext(1);
  expect(c!.id).toBe(f.id);
  return f;
}

describe('enqueue', () => {
  it('is idempotent for the same folder + path + size + mtime while the row lives', () => {
    const a = q.store.enqueue(input());
    expect(a).toMatchObject({ state: 'queued', mtimeMs: 1_700_000_000_123, attempts: 0, sha256: null });
    expect(q.store.enqueue(input()).id).toBe(a.id);
    expect(q.store.enqueue(input({ mtimeMs: 1_700_000_000_123.9 })).id).toBe(a.id); // same whole ms
    expect(q.store.auditFor(a.id).filter((e) => e.event === 'queued')).toHaveLength(1);
    // a rescan must not re-queue what is in flight, done or cancelled by a person
    q.store.claimNext(1);
    expect(q.store.enqueue(input()).id).toBe(a.id);
    q.store.markDone(a.id, { biotFileId: 'b1' });
    expect(q.store.enqueue(input())).toMatchObject({ id: a.id, state: 'done' });
    expect(q.store.countByState().queued).toBe(0);
  });

  it('queues a new row when the file changed or reappeared after going missing', () => {
    const a = q.store.enqueue(input());
    const b = q.store.enqueue(input({ mtimeMs: 1_700_000_009_000 }));
    const c = q.store.enqueue(input({ size: 101 }));
    const d = q.store.enqueue(input({ folderId: 'ecg' }));
    expect(new Set([a.id, b.id, c.id, d.id]).size).toBe(4);
    q.store.markMissing(a.id);
    const again = q.store.enqueue(input());
    expect(again.id).not.toBe(a.id);
    expect(again.state).toBe('queued');
  });

  it('adds the hash to a known row and refuses a different one', () => {
    const a = q.store.enqueue(input());
    const hashed = q.store.enqueue(input({ sha256: SHA_A.toUpperCase() }));
    expect(hashed).toMatchObject({ id: a.id, sha256: SHA_A });
    expect(q.store.auditFor(a.id).map((e) => e.event)).toEqual(['queued', 'hashed']);
    expect(() => q.store.recordHash(a.id, SHA_B)).toThrow(StoreConflictError);
    expect(() => q.store.enqueue(input({ sha256: 'not-hex', sourcePath: '/x' }))).toThrow(/64 hex digits/);
  });
});

describe('dedup', () => {
  it('looks a done file up by its content index, not by its size (fixed-size records would scan them all)', () => {
    const db = new Database(join(q.dir, 'queue.db'), { readonly: true });
    try {
      const plan = db.prepare(`EXPLAIN QUERY PLAN ${DONE_BY_CONTENT_SQL}`).all(SHA_A, 100, null, null) as { detail: string }[];
      expect(plan.map((p) => p.detail).join('; ')).toMatch(/USING INDEX files_content/);
    } finally {
      db.close();
    }
  });

  it('finds only done rows with the same bytes, and records the duplicate', () => {
    const first = uploading({ sha256: SHA_A });
    expect(q.store.findDoneBySha256(SHA_A, 100)).toBeUndefined(); // in flight is not done
    q.store.markDone(first.id, { biotFileId: 'biot-1' });
    expect(q.store.findDoneBySha256(SHA_A, 100)?.id).toBe(first.id);
    expect(q.store.findDoneBySha256(SHA_A, 99)).toBeUndefined();
    expect(q.store.findDoneBySha256(SHA_B, 100)).toBeUndefined();

    const copy = q.store.enqueue(input({ sourcePath: '/exports/copy.edf', sha256: SHA_A }));
    const dup = q.store.markDuplicate(copy.id, first.id);
    expect(dup).toMatchObject({ state: 'duplicate', duplicateOf: first.id });
    expect(q.store.auditFor(copy.id).at(-1)).toMatchObject({
      event: 'duplicate',
      detail: { duplicateOf: first.id, sha256: SHA_A, biotFileId: 'biot-1' },
    });

    const other = q.store.enqueue(input({ sourcePath: '/exports/other.edf', sha256: SHA_B }));
    expect(() => q.store.markDuplicate(other.id, first.id)).toThrow(StoreConflictError);
  });
});

describe('uploads and parts', () => {
  const MiB = 1024 * 1024;
  const newUpload = (biotFileId = 'biot-1') =>
    ({ biotFileId, kind: 'multipart', partSize: 5 * MiB, partCount: 3, fileSize: 15 * MiB, fileMtimeMs: 1 }) as const;
  const plan = [1, 2, 3].map((n) => ({ partNumber: n, offset: (n - 1) * 5 * MiB, size: 5 * MiB }));
  // The store answers parts as rows (what the transfer reads); these views keep the checks short.
  const withoutEtag = (uploadId: number) =>
    q.store
      .partsOf(uploadId)
      .filter((p) => !p.etag)
      .map((p) => p.partNumber);
  const unsaved = (uploadId: number) =>
    q.store
      .partsOf(uploadId)
      .filter((p) => p.etag && !p.etagSavedToBiot)
      .map((p) => ({ partNumber: p.partNumber, etag: p.etag }));

  it('tracks ETags as parts land, which are saved to BioT, and when all are in', () => {
    const f = uploading({ size: 15 * MiB });
    const u = q.store.startUpload(f.id, newUpload(), []);
    expect(q.store.currentUpload(f.id)?.id).toBe(u.id);
    q.store.planParts(u.id, plan);
    q.store.planParts(u.id, plan); // re-planning after a restart is a no-op
    expect(() => q.store.planParts(u.id, [{ partNumber: 2, offset: 1, size: 5 }])).toThrow(/another range/);
    expect(() => q.store.planParts(u.id, [{ partNumber: 4, offset: 0, size: 5 }])).toThrow(/outside 1..3/);

    q.store.recordPartEtag(u.id, 2, { etag: '"e2"', md5: 'AB' });
    expect(q.store.fileById(f.id)!.bytesDone).toBe(5 * MiB);
    expect(withoutEtag(u.id)).toEqual([1, 3]);
    expect(unsaved(u.id)).toEqual([{ partNumber: 2, etag: '"e2"' }]);
    expect(q.store.markEtagsSaved(u.id, [1, 2])).toBe(1); // part 1 has no ETag to save
    expect(unsaved(u.id)).toEqual([]);
    // a re-sent part overwrites and must be saved again
    q.store.recordPartEtag(u.id, 2, { etag: '"e2b"', md5: 'ab' });
    expect(unsaved(u.id)).toEqual([{ partNumber: 2, etag: '"e2b"' }]);
    expect(withoutEtag(u.id)).toEqual([1, 3]);
    q.store.recordPartEtag(u.id, 1, { etag: '"e1"', md5: 'a1' });
    q.store.recordPartEtag(u.id, 3, { etag: '"e3"', md5: 'a3' });
    expect(withoutEtag(u.id)).toEqual([]);
    expect(q.store.fileById(f.id)!.bytesDone).toBe(15 * MiB);
    expect(q.store.partsOf(u.id)[1]).toMatchObject({ partNumber: 2, offset: 5 * MiB, md5: 'ab', etagSavedToBiot: false });
    expect(() => q.store.recordPartEtag(u.id, 9, { etag: 'x', md5: 'y' })).toThrow(/not found/);
  });

  it('abandons the old upload when a new one starts, and refuses ETags for a closed one', () => {
    const f = uploading();
    const u1 = q.store.startUpload(f.id, newUpload('biot-1'), plan);
    const u2 = q.store.startUpload(f.id, newUpload('biot-2'), []);
    expect(q.store.uploadsFor(f.id).map((u) => u.state)).toEqual(['abandoned', 'open']);
    expect(q.store.currentUpload(f.id)?.id).toBe(u2.id);
    expect(() => q.store.recordPartEtag(u1.id, 1, { etag: 'e', md5: 'm' })).toThrow(/not open/);
    expect(q.store.closeUpload(u2.id, 'cancelled').state).toBe('cancelled');
    expect(q.store.closeUpload(u2.id, 'cancelled').state).toBe('cancelled'); // idempotent
    expect(() => q.store.closeUpload(u2.id, 'completed')).toThrow(/already 'cancelled'/);
    expect(q.store.auditFor(f.id).map((e) => e.event)).toEqual([
      'queued',
      'claimed',
      'upload-created',
      'upload-closed',
      'upload-created',
      'upload-closed',
    ]);
  });

  it('only gives a claimed file an upload', () => {
    const f = q.store.enqueue(input());
    expect(() => q.store.startUpload(f.id, newUpload(), plan)).toThrow(/only a claimed file/);
    expect(q.store.uploadsFor(f.id)).toEqual([]);
  });

  it('records the attach result on a completed file', () => {
    const f = uploading();
    expect(() => q.store.recordAttached(f.id, { entityType: 'patient', entityId: 'p-1' })).toThrow(StoreConflictError);
    q.store.markCompleting(f.id);
    q.store.recordAttached(f.id, { entityType: 'patient', entityId: 'p-1', traceId: 't-9' });
    const done = q.store.markDone(f.id, { biotFileId: 'b' });
    expect(done).toMatchObject({ attachEntityType: 'patient', attachEntityId: 'p-1' });
    expect(
      q.store
        .auditFor(f.id)
        .map((e) => e.event)
        .slice(-2),
    ).toEqual(['attached', 'completed']);
  });
});

describe('reads', () => {
  it('pages, filters by state and searches rel_path (LIKE wildcards literal)', () => {
    for (let i = 0; i < 25; i++) q.store.enqueue(input({ sourcePath: `/e/${i}`, relPath: i % 5 === 0 ? `holter_${i}%.edf` : `ecg_${i}.xml` }));
    q.store.pause(1);
    const all = q.store.listFiles({ limit: 10 });
    expect(all.total).toBe(25);
    expect(all.files.map((f) => f.id)).toEqual([25, 24, 23, 22, 21, 20, 19, 18, 17, 16]);
    expect(q.store.listFiles({ limit: 10, offset: 20 }).files.map((f) => f.id)).toEqual([5, 4, 3, 2, 1]);
    expect(q.store.listFiles({ states: ['paused'] }).files.map((f) => f.id)).toEqual([1]);
    expect(q.store.listFiles({ search: 'HOLTER' }).total).toBe(5);
    expect(q.store.listFiles({ search: '%' }).total).toBe(5);
    expect(q.store.listFiles({ search: 'h_l' }).total).toBe(0); // '_' is not a wildcard: 'hol' must not match
    const snap = q.store.snapshot({ states: ['queued'], limit: 3 });
    expect(snap.counts).toMatchObject({ queued: 24, paused: 1, done: 0 });
    expect(snap.total).toBe(25);
    expect(snap.page).toMatchObject({ total: 24 });
    expect(snap.page.files).toHaveLength(3);
  });
});

describe('a 100,000-row queue', () => {
  it('enqueues in one transaction and stays quick to read and claim', () => {
    const N = 100_000;
    const inputs = Array.from({ length: N }, (_, i) => input({ sourcePath: `/exports/${i}.edf`, relPath: `${i}.edf`, size: 1_000 + i }));
    let t = performance.now();
    q.store.enqueueMany(inputs);
    const enqueueMs = performance.now() - t;

    t = performance.now();
    const snap = q.store.snapshot({ limit: 100 });
    const snapshotMs = performance.now() - t;
    expect(snap.counts.queued).toBe(N);
    expect(snap.page.files).toHaveLength(100);

    t = performance.now();
    const claimed = q.store.claimNext(8);
    const claimMs = performance.now() - t;
    expect(claimed.map((f) => f.id)).toEqual([1, 2, 3, 4, 5, 6, 7, 8]);

    t = performance.now();
    const found = q.store.listFiles({ search: '99999.edf' });
    const searchMs = performance.now() - t;
    expect(found.total).toBe(1);

    t = performance.now();
    expect(q.store.enqueue(inputs[N - 1]!).id).toBe(N); // idempotency lookup on a full table
    const lookupMs = performance.now() - t;

    console.log(
      `100k rows: enqueueMany ${enqueueMs.toFixed(0)} ms, snapshot ${snapshotMs.toFixed(1)} ms, ` +
        `claimNext(8) ${claimMs.toFixed(1)} ms, search ${searchMs.toFixed(1)} ms, re-enqueue ${lookupMs.toFixed(2)} ms`,
    );
  });
});
