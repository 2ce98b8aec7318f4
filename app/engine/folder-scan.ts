// The configured folders' current contents, filtered like the watcher will
// filter events: what `run --once` and start-up uploads. Globs are matched
// on the path relative to the folder with picomatch (the matcher chokidar
// itself used for years), so include/exclude mean the same everywhere.
import { readdir, stat } from 'node:fs/promises';
import { join, relative, sep } from 'node:path';
import picomatch from 'picomatch';
import type { FolderConfig } from '../config/schema.ts';
import { isTemporaryName } from '../watch/temporary.ts';

export interface FoundFile {
  folderId: string;
  path: string;
  relPath: string;
  size: number;
  mtimeMs: number;
}

type FilterKeys = 'include' | 'exclude' | 'path';
type FilterOptions = Partial<Pick<FolderConfig, 'ignoreTemporary' | 'archiveDir'>>;

/**
 * A predicate on a folder-relative path (posix separators) for the folder's
 * filters: include/exclude globs, temporary names (ignoreTemporary, default on),
 * and an archive folder inside the watched one (moved files must not come back).
 */
export function folderFilter(folder: Pick<FolderConfig, FilterKeys> & FilterOptions): (relPath: string) => boolean {
  const options = { dot: false };
  const include = picomatch(folder.include, options);
  const excludes = [...folder.exclude];
  const archive = folder.archiveDir && relative(folder.path, folder.archiveDir).split(sep).join('/');
  if (archive && !archive.startsWith('..') && !archive.startsWith('/')) excludes.push(`${archive}/**`);
  const exclude = excludes.length ? picomatch(excludes, { dot: true }) : () => false;
  const temporary = folder.ignoreTemporary !== false;
  return (relPath) => include(relPath) && !exclude(relPath) && !(temporary && isTemporaryName(relPath));
}

/** Every regular file in the folder that passes its filters. A missing folder yields nothing. */
export async function scanFolder(folder: FolderConfig): Promise<FoundFile[]> {
  const matches = folderFilter(folder);
  const found: FoundFile[] = [];
  const walk = async (dir: string): Promise<void> => {
    let entries;
    try {
      entries = await readdir(dir, { withFileTypes: true });
    } catch {
      return; // vanished or unreadable: the watcher reports folder health
    }
    for (const entry of entries) {
      const full = join(dir, entry.name);
      if (entry.isDirectory()) {
        if (folder.recursive && !entry.name.startsWith('.')) await walk(full);
        continue;
      }
      if (!entry.isFile()) continue;
      const relPath = relative(folder.path, full).split(sep).join('/');
      if (!matches(relPath)) continue;
      try {
        const s = await stat(full);
        found.push({ folderId: folder.id as string, path: full, relPath, size: s.size, mtimeMs: Math.trunc(s.mtimeMs) });
      } catch {
        // Gone between readdir and stat: nothing to upload.
      }
    }
  };
  await walk(folder.path);
  return found;
}
