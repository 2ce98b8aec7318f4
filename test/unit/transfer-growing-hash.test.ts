// The growing file's SHA-256 taken part by part while it grows (growing-hash.ts):
// it equals the whole file's hash when every part reads back as sent, and is
// withheld when a part changed after it was sent. Real files on disk.
import { createHash, randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { GrowingHash } from '../../app/transfer/growing-hash.ts';

const md5 = (b: Buffer) => createHash('md5').update(b).digest('hex');
const sha256 = (b: Buffer) => createHash('sha256').update(b).digest('hex');

/** Parts of `size` bytes over `bytes`, with the MD5 "recorded when sent". */
function partsOf(bytes: Buffer, size: number) {
  const parts = [];
  for (let offset = 0, n = 1; offset < bytes.length; offset += size, n++) {
    const body = bytes.subarray(offset, Math.min(bytes.length, offset + size));
    parts.push({ partNumber: n, offset, size: body.length, md5: md5(body) });
  }
  return parts;
}

describe('growing file: SHA-256 while it grows', () => {
  let dir: string;
  beforeEach(() => {
    dir = mkdtempSync(join(tmpdir(), 'du-ghash-'));
  });
  afterEach(() => rmSync(dir, { recursive: true, force: true }));

  it('hashes parts in order as they are sent and ends with the whole file hash', async () => {
    const path = join(dir, 'rec.dat');
    const bytes = randomBytes(3 * 65536 + 1234);
    writeFileSync(path, bytes);
    const parts = partsOf(bytes, 65536);
    const hash = new GrowingHash(path);
    // Part 2 sent before part 1: nothing can be hashed until part 1 is there.
    await hash.advance([{ ...parts[1]! }, { ...parts[0]!, md5: null }]);
    await hash.advance(parts.slice(0, 3));
    await hash.advance(parts);
    expect(hash.digest(parts)).toBe(sha256(bytes));
  });

  it('gives no hash when a part read back differs from what was sent', async () => {
    const path = join(dir, 'rec.dat');
    const sent = randomBytes(2 * 65536);
    const parts = partsOf(sent, 65536);
    const rewritten = Buffer.from(sent);
    rewritten[10] = rewritten[10]! ^ 0xff; // the device rewrote part 1 in place after it was sent
    writeFileSync(path, rewritten);
    const hash = new GrowingHash(path);
    await hash.advance(parts);
    expect(hash.digest(parts)).toBeUndefined();
  });

  it('gives no hash (and does not throw) when the file cannot be read', async () => {
    const hash = new GrowingHash(join(dir, 'gone.dat'));
    const parts = partsOf(randomBytes(1000), 65536);
    await hash.advance(parts);
    expect(hash.digest(parts)).toBeUndefined();
  });
});
