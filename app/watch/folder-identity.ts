// Which folder a watched path names right now: its device and inode (stat's
// dev and ino), or missing. A volume unmounted and mounted again (a USB
// drive, an SD card reader, a share connected again) gives the same path a
// new identity, and a watcher's handles died with the old mount: the watcher
// compares identities to know when to start over (folder-watcher.ts).
import { stat } from 'node:fs/promises';

/** `dev:ino` of the folder, or MISSING (not there, not a folder, or not readable now). */
export type FolderIdentity = string;

export const MISSING: FolderIdentity = 'missing';

export async function folderIdentity(path: string): Promise<FolderIdentity> {
  try {
    // bigint: NTFS file indexes and some network file systems' inodes exceed 2^53.
    const s = await stat(path, { bigint: true });
    return s.isDirectory() ? `${s.dev}:${s.ino}` : MISSING;
  } catch {
    return MISSING;
  }
}
