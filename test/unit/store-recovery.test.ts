// Crash recovery on a real database file: a process claims a file, records
// some part ETags and is SIGKILLed without closing; a fresh Store finds the
// row, its upload and the recorded ETags, and puts the row back in the queue.
import { spawnSync } from 'node:child_process';
import { existsSync, statSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { openStore } from '../../app/store/index.ts';
import { tempQueue } from '../support/temp-queue.ts';

const q = tempQueue('du-store-crash-');

const MiB = 1024 * 1024;

// Runs in a separate Node process, which kills itself mid-transfer: no close(),
// no checkpoint, no exit handlers. Only what SQLite committed survives.
const CRASHER = `
import { openStore } from ${JSON.stringify(new URL('../../app/store/index.ts', import.meta.url).href)};
const s = openStore(process.argv[1]);
const f = s.enqueue({ folderId: 'holter', sourcePath: '/exports/a.edf', relPath: 'a.edf', size: ${20 * MiB}, mtimeMs: 7 });
const other = s.enqueue({ folderId: 'holter', sourcePath: '/exports/b.edf', relPath: 'b.edf', size: 10, mtimeMs: 7 });
s.claimNext(2);
s.markCompleting(other.id);
const u = s.startUpload(f.id, { biotFileId: 'biot-a', kind: 'multipart', partSize: ${5 * MiB}, partCount: 4, fileSize: ${20 * MiB}, fileMtimeMs: 7 },
  [0, 1, 2, 3].map((i) => ({ partNumber: i + 1, offset: i * ${5 * MiB}, size: ${5 * MiB} })));
s.recordPartEtag(u.id, 1, { etag: '"e1"', md5: 'aa' });
s.recordPartEtag(u.id, 3, { etag: '"e3"', md5: 'cc' });
s.markEtagsSaved(u.id, [1]);
process.kill(process.pid, 'SIGKILL');
`;

describe('crash recovery', () => {
  it('resumes a SIGKILLed transfer with its upload and recorded ETags intact', () => {
    const r = spawnSync(process.execPath, ['--input-type=module', '-e', CRASHER, q.file], { encoding: 'utf8' });
    expect(r.stderr).not.toMatch(/Error/);
    expect(r.signal).toBe('SIGKILL');
    // The commits are still only in the WAL: the kill skipped the checkpoint.
    expect(existsSync(`${q.file}-wal`) && statSync(`${q.file}-wal`).size).toBeGreaterThan(0);

    const s = openStore(q.file);
    expect(s.countByState()).toMatchObject({ uploading: 1, completing: 1 });
    expect(s.recoverAtStartup()).toEqual({ uploading: 1, completing: 1 });
    expect(s.countByState()).toMatchObject({ queued: 2, uploading: 0, completing: 0 });

    const f = s.fileById(1)!;
    expect(f).toMatchObject({ state: 'queued', bytesDone: 10 * MiB });
    const u = s.currentUpload(f.id)!;
    expect(u).toMatchObject({ biotFileId: 'biot-a', state: 'open', partCount: 4 });
    const parts = s.partsOf(u.id);
    expect(parts.filter((p) => !p.etag).map((p) => p.partNumber)).toEqual([2, 4]);
    expect(parts.filter((p) => p.etag && !p.etagSavedToBiot).map((p) => [p.partNumber, p.etag])).toEqual([[3, '"e3"']]);
    expect(s.auditFor(f.id).at(-1)).toMatchObject({ event: 'recovered', fromState: 'uploading', toState: 'queued', uploadId: u.id });

    // The same row comes back first in line and the transfer carries on.
    const [again] = s.claimNext(1);
    expect(again!.id).toBe(f.id);
    s.recordPartEtag(u.id, 2, { etag: '"e2"', md5: 'bb' });
    s.recordPartEtag(u.id, 4, { etag: '"e4"', md5: 'dd' });
    expect(s.partsOf(u.id).every((p) => p.etag)).toBe(true);
    expect(s.fileById(f.id)!.bytesDone).toBe(20 * MiB);
    s.close();
  });

  it('recovers nothing on a clean database', () => {
    const s = openStore(q.file);
    s.enqueue({ folderId: 'f', sourcePath: '/x', relPath: 'x', size: 1, mtimeMs: 1 });
    expect(s.recoverAtStartup()).toEqual({ uploading: 0, completing: 0 });
    expect(s.fileById(1)!.state).toBe('queued');
    s.close();
  });
});
