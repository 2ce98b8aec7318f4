// The hashing thread (app/transfer/hash-worker.ts, hash-thread.ts): a real
// worker thread reading a real file answers each part's MD5 and the whole
// file's SHA-256, the same as hashing the bytes here; only the parts asked
// for when resuming; a file that vanished rejects with its errno; and a
// process whose thread is idle exits by itself while one whose answer is
// awaited does not exit early.
import { execFileSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { hashWorker } from '../../app/transfer/hash-worker.ts';

let dir: string;
beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), 'du-hash-thread-'));
});
afterEach(() => rmSync(dir, { recursive: true, force: true }));

const md5 = (b: Buffer) => createHash('md5').update(b).digest('hex');
const PART = 3 * 1024 * 1024 + 17; // not a multiple of the thread's 1 MiB reads

function file(size: number): { path: string; bytes: Buffer } {
  const bytes = Buffer.alloc(size);
  for (let i = 0; i < size; i += 4096) bytes.writeUInt32LE(i, i);
  const path = join(dir, 'export.bin');
  writeFileSync(path, bytes);
  return { path, bytes };
}

const plan = (size: number) =>
  Array.from({ length: Math.ceil(size / PART) }, (_, i) => ({ partNumber: i + 1, offset: i * PART, size: Math.min(PART, size - i * PART) }));

describe('the hashing thread', () => {
  it("answers every part's MD5 and the file's SHA-256 of a whole upload", async () => {
    const { path, bytes } = file(3 * PART + 1000);
    expect(hashWorker.available()).toBe(true);
    const parts = plan(bytes.length);
    const job = hashWorker.start(path, bytes.length, parts, true);
    for (const p of parts) expect(await job.partMd5(p.partNumber)).toBe(md5(bytes.subarray(p.offset, p.offset + p.size)));
    expect(await job.sha256()).toBe(createHash('sha256').update(bytes).digest('hex'));
  });

  it('hashes only the parts a resumed upload still sends, and no SHA-256 for it', async () => {
    const { path, bytes } = file(4 * PART);
    const parts = plan(bytes.length).slice(2);
    const job = hashWorker.start(path, bytes.length, parts, false);
    for (const p of parts) expect(await job.partMd5(p.partNumber)).toBe(md5(bytes.subarray(p.offset, p.offset + p.size)));
    expect(await job.sha256()).toBeUndefined();
    await expect(job.partMd5(1)).rejects.toThrow(/not in the hash job/);
  });

  it('rejects the parts of a file that is gone with its errno', async () => {
    const job = hashWorker.start(join(dir, 'gone.bin'), PART, plan(PART), true);
    await expect(job.partMd5(1)).rejects.toMatchObject({ code: 'ENOENT' });
    expect(await job.sha256()).toBeUndefined();
  });

  it('never keeps a process alive while idle, and keeps it alive while an answer is awaited', () => {
    const { path, bytes } = file(2 * PART);
    const module = resolve(import.meta.dirname, '../../app/transfer/hash-worker.ts');
    // Nothing but the awaited answer holds this process: it must print the SHA-256, then exit on its own.
    const script = `import { hashWorker } from ${JSON.stringify(module)};
      hashWorker.available();
      const job = hashWorker.start(${JSON.stringify(path)}, ${bytes.length}, [], true);
      console.log(await job.sha256());`;
    const out = execFileSync(process.execPath, ['--input-type=module', '-e', script], { encoding: 'utf8', timeout: 20_000 });
    expect(out.trim()).toBe(createHash('sha256').update(bytes).digest('hex'));
  });
});
