// The running file hash fed by parallel part senders (ordered-hash.ts): any
// order of chunks gives the file's SHA-256, a resent chunk is not hashed twice,
// chunks sent ahead of the frontier are read again from the file instead of
// kept, and a second read that fails leaves the hash unknown instead of wrong.
import { createHash, randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { OrderedHasher } from '../../app/transfer/ordered-hash.ts';

const sha = (b: Buffer) => createHash('sha256').update(b).digest('hex');
const chunks = (b: Buffer, size: number) =>
  Array.from({ length: Math.ceil(b.length / size) }, (_, i) => ({ at: i * size, chunk: b.subarray(i * size, (i + 1) * size) }));

const dirs: string[] = [];
afterEach(() => {
  for (const dir of dirs.splice(0)) rmSync(dir, { recursive: true, force: true });
});

/** The bytes written to a temp file (the second read's source); answers its path. */
function onDisk(bytes: Buffer): string {
  const dir = mkdtempSync(join(tmpdir(), 'du-ordered-hash-'));
  dirs.push(dir);
  const path = join(dir, 'export.bin');
  writeFileSync(path, bytes);
  return path;
}

describe('OrderedHasher', () => {
  it('gives the file hash whatever order the chunks come in, resent chunks included', async () => {
    const file = randomBytes(10_000);
    const hasher = new OrderedHasher(onDisk(file), file.length);
    const parts = chunks(file, 1000).reverse();
    // A failed attempt's chunks come again (the frontier ones, and ones sent ahead of it).
    for (const c of [...parts, ...parts.slice(0, 4), parts.at(-1)!]) hasher.offer(c.at, c.chunk);
    expect(await hasher.finish()).toBe(sha(file));
  });

  it('hashes the chunks at the frontier as they come, and reads those sent ahead of it again from the file', async () => {
    const file = randomBytes(8000);
    const path = onDisk(file);
    const hasher = new OrderedHasher(path, file.length);
    // Two parts: the second sends all it has before the first sends a byte.
    const [first, second] = [chunks(file, 1000).slice(0, 4), chunks(file, 1000).slice(4)];
    for (const c of second) hasher.offer(c.at, c.chunk);
    expect(hasher.hashed).toBe(0);
    for (const c of first) hasher.offer(c.at, c.chunk);
    expect(await hasher.finish()).toBe(sha(file));
    expect(hasher.reread).toBe(4000);
  });

  it('copies nothing it is offered: a sender reads into its buffer again at once', async () => {
    const file = randomBytes(2000);
    const hasher = new OrderedHasher(onDisk(file), file.length);
    const reused = Buffer.from(file.subarray(1000));
    hasher.offer(1000, reused);
    reused.fill(0); // the sender's next read; the hash takes these bytes from the file instead
    hasher.offer(0, file.subarray(0, 1000));
    expect(await hasher.finish()).toBe(sha(file));
  });

  it('says nothing until every byte was offered', async () => {
    const file = randomBytes(3000);
    const hasher = new OrderedHasher(onDisk(file), file.length);
    hasher.offer(0, file.subarray(0, 1000));
    hasher.offer(2000, file.subarray(2000));
    expect(await hasher.finish()).toBeUndefined();
    expect(hasher.hashed).toBe(1000);
  });

  it('leaves the hash unknown when the second read fails (the file is gone)', async () => {
    const file = randomBytes(3000);
    const path = onDisk(file);
    const hasher = new OrderedHasher(path, file.length);
    rmSync(path);
    hasher.offer(1000, file.subarray(1000));
    hasher.offer(0, file.subarray(0, 1000));
    expect(await hasher.finish()).toBeUndefined();
  });
});
