// A small file that goes as one PUT is read whole, once, into memory: the
// bytes sent are the bytes hashed (MD5 for the ETag check, SHA-256 for the
// record), with one open, one read and one fstat. Streamed like a large
// file's part, each small file cost an async generator, two reads, a stat of
// its path after the PUT and a write per chunk; at 1,000 files of 100 KiB
// that was a third of the process's CPU (issue 20's profile).
//
// The read is of one version: the file's size and mtime, taken from the
// open handle after the read, must be the ones the upload was made for. A
// write after the read cannot reach BioT (the buffer is sent, not the file);
// the watcher sees that change and queues the new version.
import { createHash } from 'node:crypto';
import { open } from 'node:fs/promises';
import { SourceReadError } from './source-read-error.ts';

/**
 * The largest file read whole. Files in flight at once are the storage
 * connections (8 by default), so at most 8 MiB of buffers; larger files
 * stream in 1 MiB chunks as parts do.
 */
export const WHOLE_READ_LIMIT = 1024 * 1024;

export interface WholeFile {
  bytes: Buffer;
  md5: string;
  sha256: string;
}

/**
 * The bytes of the file at `path` when it still has `expected` size and
 * mtime once read, or 'changed'. Open and read errors are SourceReadError.
 */
export async function readWhole(path: string, expected: { size: number; mtimeMs: number }): Promise<WholeFile | 'changed'> {
  const file = await open(path, 'r').catch((error: unknown) => {
    throw new SourceReadError(error);
  });
  try {
    const bytes = Buffer.allocUnsafe(expected.size);
    let got = 0;
    while (got < expected.size) {
      const { bytesRead } = await file.read(bytes, got, expected.size - got, got);
      if (bytesRead === 0) break; // shrank: the fstat below says so
      got += bytesRead;
    }
    const now = await file.stat();
    if (got !== expected.size || now.size !== expected.size || Math.trunc(now.mtimeMs) !== expected.mtimeMs) return 'changed';
    return { bytes, md5: createHash('md5').update(bytes).digest('hex'), sha256: createHash('sha256').update(bytes).digest('hex') };
  } catch (error) {
    throw new SourceReadError(error);
  } finally {
    await file.close().catch(() => undefined);
  }
}
