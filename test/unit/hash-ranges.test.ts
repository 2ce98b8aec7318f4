// sha256CheckingRanges: one read of a real file gives its SHA-256 and whether
// each sent range still has the MD5 storage acknowledged (what a move or
// delete of a source, and the hash of a resumed upload, rest on).
import { createHash, randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { sha256CheckingRanges, type SentRange } from '../../app/common/hash-file.ts';

const md5 = (b: Buffer) => createHash('md5').update(b).digest('hex');
const sha256 = (b: Buffer) => createHash('sha256').update(b).digest('hex');

let dir: string;
beforeEach(() => (dir = mkdtempSync(join(tmpdir(), 'du-ranges-'))));
afterEach(() => rmSync(dir, { recursive: true, force: true }));

/** Ranges of `size` bytes (the last shorter) with the MD5s of `bytes`. */
function rangesOf(bytes: Buffer, size: number): SentRange[] {
  const ranges: SentRange[] = [];
  for (let offset = 0; offset < bytes.length || ranges.length === 0; offset += size) {
    const part = bytes.subarray(offset, offset + size);
    ranges.push({ offset, size: part.length, md5: md5(part) });
  }
  return ranges;
}

describe('sha256CheckingRanges', () => {
  // Ranges that do not fall on the 1 MiB read boundaries, and one that does.
  it.each([700_001, 1024 * 1024])('matches an unchanged file read in ranges of %i bytes', async (size) => {
    const bytes = randomBytes(3 * 1024 * 1024 + 17);
    const file = join(dir, 'f');
    writeFileSync(file, bytes);
    expect(await sha256CheckingRanges(file, rangesOf(bytes, size).reverse())).toEqual({ sha256: sha256(bytes), rangesMatch: true });
  });

  it('finds 32 rewritten header bytes, and bytes past or short of the ranges', async () => {
    const bytes = randomBytes(2 * 1024 * 1024);
    const ranges = rangesOf(bytes, 1024 * 1024);
    const file = join(dir, 'f');
    const rewritten = Buffer.from(bytes);
    randomBytes(32).copy(rewritten, 0);
    writeFileSync(file, rewritten);
    expect(await sha256CheckingRanges(file, ranges)).toEqual({ sha256: sha256(rewritten), rangesMatch: false });
    writeFileSync(file, Buffer.concat([bytes, Buffer.from('x')]));
    expect((await sha256CheckingRanges(file, ranges)).rangesMatch).toBe(false);
    writeFileSync(file, bytes.subarray(0, bytes.length - 1));
    expect((await sha256CheckingRanges(file, ranges)).rangesMatch).toBe(false);
  });

  it('an empty file against its one empty range; a gap between ranges never matches', async () => {
    const file = join(dir, 'f');
    writeFileSync(file, Buffer.alloc(0));
    expect((await sha256CheckingRanges(file, rangesOf(Buffer.alloc(0), 8))).rangesMatch).toBe(true);
    const bytes = randomBytes(100);
    writeFileSync(file, bytes);
    const [a, , c] = rangesOf(bytes, 40);
    expect((await sha256CheckingRanges(file, [a!, c!])).rangesMatch).toBe(false);
  });
});
