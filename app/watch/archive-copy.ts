// A move to an archive on another volume (EXDEV) is a copy, and a crash
// mid-copy must never leave a truncated file under the export's own name.
// So the copy goes to a temporary file in the archive's own partial folder,
// is flushed to disk (fsync), read back and checked against the SHA-256 that
// was uploaded, and only then gets its real name, without ever replacing a file
// that is there (a hard link fails on EEXIST; where links are not supported, a
// reserved name is renamed over). Leftovers of a crash are removed at start-up.
import { randomBytes } from 'node:crypto';
import { link, mkdir, open, readdir, rename, rm, stat } from 'node:fs/promises';
import { join } from 'node:path';
import { sha256File } from '../common/hash-file.ts';
import { candidateName, reserveArchivePath } from './archive-name.ts';

/** Hidden folder under the archive folder holding copies still being made (same volume as the archive). */
export const PARTIAL_DIR = '.device-uploader-partial';
const PARTIAL_SUFFIX = '.partial';
const CHUNK = 1024 * 1024;

/** Test seam: called after each chunk is written, so a test can kill the process mid-copy. */
export interface CopyHooks {
  onCopied?: (bytes: number) => void | Promise<void>;
}

/**
 * Copies `source` to a temporary file for `fileId` under the archive, flushes
 * it and checks its SHA-256 against `expected`; answers the temporary path.
 * The caller places it (placeWithoutReplacing) and removes it on failure.
 */
export async function copyVerified(source: string, archiveDir: string, fileId: number, expected: string, hooks: CopyHooks = {}): Promise<string> {
  const dir = join(archiveDir, PARTIAL_DIR);
  await mkdir(dir, { recursive: true });
  // The file id leads the name, so start-up cleanup can spare the copy of a move that is running.
  const partial = join(dir, `${fileId}-${randomBytes(4).toString('hex')}${PARTIAL_SUFFIX}`);
  const input = await open(source, 'r');
  try {
    const output = await open(partial, 'wx');
    try {
      const buffer = Buffer.allocUnsafe(CHUNK);
      let copied = 0;
      for (;;) {
        const { bytesRead } = await input.read(buffer, 0, CHUNK, copied);
        if (bytesRead === 0) break;
        await output.write(buffer, 0, bytesRead, copied);
        copied += bytesRead;
        await hooks.onCopied?.(copied);
      }
      // On disk before it gets a name: a power cut must not leave a named file full of holes.
      await output.sync();
    } finally {
      await output.close();
    }
  } catch (error) {
    await rm(partial, { force: true });
    throw error;
  } finally {
    await input.close();
  }
  // Read back from disk: the copy must hold exactly the bytes that were uploaded.
  if ((await sha256File(partial)) !== expected) {
    await rm(partial, { force: true });
    throw Object.assign(new Error('archive copy differs from the uploaded bytes'), { code: 'COPY_MISMATCH' });
  }
  return partial;
}

/**
 * Gives the verified copy the first free archive name for `relPath`; answers
 * that path. Never replaces a file. A name already holding exactly these bytes
 * (`expected` SHA-256, `size`) is this copy placed before a crash cut the move
 * short (the source was not deleted yet): it is reused, not copied again as "name (2)".
 */
export async function placeWithoutReplacing(
  partial: string,
  archiveDir: string,
  relPath: string,
  expected: { sha256: string; size: number },
  maxTries = 1000,
): Promise<string> {
  for (let n = 1; n <= maxTries; n++) {
    const candidate = join(archiveDir, ...candidateName(relPath, n).split('/'));
    if (await holdsBytes(candidate, expected)) {
      await rm(partial, { force: true });
      return candidate;
    }
    try {
      await link(partial, candidate); // atomic, and fails with EEXIST instead of replacing
      await rm(partial, { force: true });
      await syncDirectory(candidate);
      return candidate;
    } catch (error) {
      const code = (error as NodeJS.ErrnoException).code;
      if (code === 'EEXIST') continue;
      if (code === 'ENOENT') throw error; // the archive subfolder is gone: fail, keep the source
      // No hard links here (FAT, some shares): reserve a name, then rename the copy over our own placeholder.
      const reserved = await reserveArchivePath(archiveDir, relPath);
      try {
        await rename(partial, reserved);
      } catch (renameError) {
        await rm(reserved, { force: true });
        throw renameError;
      }
      await syncDirectory(reserved);
      return reserved;
    }
  }
  throw Object.assign(new Error('no free archive name'), { code: 'ARCHIVE_FULL' });
}

/**
 * Removes copies a crash left in `archiveDir`'s partial folder, except those
 * of moves running now (`running(fileId)`). Best effort: an unreachable
 * archive is cleaned the next time.
 */
export async function removeLeftoverCopies(archiveDir: string, running: (fileId: number) => boolean): Promise<number> {
  const dir = join(archiveDir, PARTIAL_DIR);
  const names = await readdir(dir).catch(() => [] as string[]);
  let removed = 0;
  for (const name of names) {
    if (!name.endsWith(PARTIAL_SUFFIX)) continue;
    if (running(Number(name.slice(0, name.indexOf('-'))))) continue;
    await rm(join(dir, name), { force: true }).then(
      () => removed++,
      () => undefined,
    );
  }
  return removed;
}

async function holdsBytes(path: string, expected: { sha256: string; size: number }): Promise<boolean> {
  const found = await stat(path).catch(() => undefined);
  if (!found?.isFile() || found.size !== expected.size) return false;
  return (await sha256File(path).catch(() => undefined)) === expected.sha256;
}

// The new name is durable only once its directory entry is (POSIX). Windows
// cannot open a directory for fsync; NTFS journals the entry itself.
async function syncDirectory(path: string): Promise<void> {
  const dir = join(path, '..');
  try {
    const handle = await open(dir, 'r');
    try {
      await handle.sync();
    } finally {
      await handle.close();
    }
  } catch {
    // best effort
  }
}
