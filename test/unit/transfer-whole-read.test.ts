// A small single upload's bytes read whole (app/transfer/whole-read.ts): the
// hashes are of exactly the bytes returned, and a file that is not the
// version the upload was made for (another size or mtime, or shorter than
// it claimed) is 'changed', never a mix. Real files.
import { createHash } from 'node:crypto';
import { mkdtempSync, rmSync, statSync, utimesSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { SourceReadError } from '../../app/transfer/source-read-error.ts';
import { readWhole } from '../../app/transfer/whole-read.ts';

let dir: string;
beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), 'du-whole-read-'));
});
afterEach(() => rmSync(dir, { recursive: true, force: true }));

const version = (path: string) => {
  const s = statSync(path);
  return { size: s.size, mtimeMs: Math.trunc(s.mtimeMs) };
};

describe('readWhole', () => {
  it('answers the bytes with their MD5 and SHA-256', async () => {
    const path = join(dir, 'a.dat');
    const bytes = Buffer.from(Array.from({ length: 70_000 }, (_, i) => i % 251));
    writeFileSync(path, bytes);
    const read = await readWhole(path, version(path));
    if (read === 'changed') throw new Error('unexpected change');
    expect(read.bytes.equals(bytes)).toBe(true);
    expect(read.md5).toBe(createHash('md5').update(bytes).digest('hex'));
    expect(read.sha256).toBe(createHash('sha256').update(bytes).digest('hex'));
  });

  it("says 'changed' for another mtime, another size, or a file shorter than the version", async () => {
    const path = join(dir, 'b.dat');
    writeFileSync(path, Buffer.alloc(4096, 1));
    const was = version(path);
    utimesSync(path, new Date(), new Date(was.mtimeMs + 5_000));
    expect(await readWhole(path, was)).toBe('changed');
    writeFileSync(path, Buffer.alloc(5000, 2));
    expect(await readWhole(path, { ...version(path), size: 4096 })).toBe('changed');
    // The recorded size is larger than the file: the read comes up short.
    expect(await readWhole(path, { ...version(path), size: 6000 })).toBe('changed');
  });

  it('throws SourceReadError with the errno, never the path, for a file that is gone', async () => {
    const error = await readWhole(join(dir, 'patient-name.dat'), { size: 1, mtimeMs: 1 }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(SourceReadError);
    expect((error as SourceReadError).code).toBe('ENOENT');
    expect((error as Error).message).not.toContain('patient-name');
  });
});
