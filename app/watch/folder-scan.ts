// The configured folders' current contents, filtered like the watcher will
// filter events: what `run --once` and start-up uploads. Globs are matched
// on the path relative to the folder with picomatch (the matcher chokidar
// itself used for years), so include/exclude mean the same everywhere.
import { readdir, stat } from 'node:fs/promises';
import { join, relative, sep } from 'node:path';
import picomatch from 'picomatch';
import type { FolderConfig } from '../config/schema.ts';
import { isTemporaryName } from './temporary.ts';

export interface FoundFile {
  folderId: string;
  path: string;
  relPath: string;
  size: number;
  mtimeMs: number;
}

type FilterKeys = 'include' | 'exclude' | 'path';
type FilterOptions = Partial<Pick<FolderConfig, 'ignoreTemporary' | 'archiveDir'>>;

/** A path's place in the folder `root`, with posix separators: what filters match and rows record. */
export function relPathIn(root: string): (path: string) => string {
  return (path) => relative(root, path).split(sep).join('/');
}

/**
 * A predicate on a folder-relative path (posix separators) for the folder's
 * filters: include/exclude globs, temporary names (ignoreTemporary, default on),
 * and an archive folder inside the watched one (moved files must not come back).
 */
export function folderFilter(folder: Pick<FolderConfig, FilterKeys> & FilterOptions): (relPath: string) => boolean {
  const options = { dot: false };
  const include = picomatch(folder.include, options);
  const excludes = [...folder.exclude];
  const archive = folder.archiveDir && relPathIn(folder.path)(folder.archiveDir);
  if (archive && !archive.startsWith('..') && !archive.startsWith('/')) excludes.push(`${archive}/**`);
  const exclude = excludes.length ? picomatch(excludes, { dot: true }) : () => false;
  const temporary = folder.ignoreTemporary !== false;
  return (relPath) => include(relPath) && !exclude(relPath) && !(temporary && isTemporaryName(relPath));
}

/**
 * What a scan could not do, by folder id and count only (never a name): the
 * folder missing or a file, a folder or subfolders it may not read, and
 * entries whose names are not valid UTF-8 (Node can only hand those on
 * mangled, so they cannot be opened by name; a person must rename them).
 */
export interface ScanProblem {
  folderId: string;
  kind: 'missing' | 'not-a-folder' | 'unreadable' | 'unreadable-subfolders' | 'names-not-utf8';
  count: number;
  /** The errno that stopped the scan, when there was one. */
  code?: string | undefined;
}

/** One line for a person (counts, no file names); `folder` is how the person knows the folder (the CLI passes its config label). */
export function describeProblem(p: ScanProblem, folder = p.folderId): string {
  switch (p.kind) {
    case 'missing':
      return `folder ${folder}: the watched folder does not exist (or its drive or share is not connected)`;
    case 'not-a-folder':
      return `folder ${folder}: the watched path is a file, not a folder`;
    case 'unreadable':
      return `folder ${folder}: the watched folder cannot be read (${p.code ?? 'error'})`;
    case 'unreadable-subfolders':
      return `folder ${folder}: ${p.count} subfolder(s) cannot be read (${p.code ?? 'error'}); their files are not uploaded`;
    case 'names-not-utf8':
      return `folder ${folder}: ${p.count} file or folder name(s) are not valid UTF-8 and cannot be uploaded; rename them`;
  }
}

/** Every regular file in the folder that passes its filters. A missing folder yields nothing. */
export async function scanFolder(folder: FolderConfig, onProblem?: (problem: ScanProblem) => void): Promise<FoundFile[]> {
  const { files, problems } = await scanFolderReport(folder);
  if (onProblem) for (const p of problems) onProblem(p);
  return files;
}

/** The folder's files, and what the scan could not do (nothing is passed over in silence). */
export async function scanFolderReport(folder: FolderConfig): Promise<{ files: FoundFile[]; problems: ScanProblem[] }> {
  const folderId = folder.id as string;
  const top = await stat(folder.path).then(
    (s) => (s.isDirectory() ? undefined : ('not-a-folder' as const)),
    (e: NodeJS.ErrnoException) => (e.code === 'ENOENT' || e.code === 'ENOTDIR' ? ('missing' as const) : e),
  );
  if (top === 'missing' || top === 'not-a-folder') return { files: [], problems: [{ folderId, kind: top, count: 1 }] };
  const matches = folderFilter(folder);
  const rel = relPathIn(folder.path);
  const found: FoundFile[] = [];
  let badNames = 0;
  let unreadable = 0;
  let unreadableCode: string | undefined;
  const walk = async (dir: string): Promise<boolean> => {
    let entries;
    try {
      // Buffer names: a name that is not valid UTF-8 would come back mangled
      // as a string, its stat would fail, and it would be taken as gone.
      entries = await readdir(dir, { withFileTypes: true, encoding: 'buffer' });
    } catch (error) {
      const code = (error as NodeJS.ErrnoException).code;
      if (code === 'ENOENT') return true; // vanished meanwhile: nothing to upload
      unreadable++;
      unreadableCode ??= code;
      return false;
    }
    for (const entry of entries) {
      const raw = entry.name as unknown as Buffer;
      const name = raw.toString('utf8');
      if (!Buffer.from(name, 'utf8').equals(raw)) {
        badNames++;
        continue;
      }
      const full = join(dir, name);
      if (entry.isDirectory()) {
        if (folder.recursive && !name.startsWith('.')) await walk(full);
        continue;
      }
      if (!entry.isFile()) continue;
      const relPath = rel(full);
      if (!matches(relPath)) continue;
      try {
        const s = await stat(full);
        found.push({ folderId, path: full, relPath, size: s.size, mtimeMs: Math.trunc(s.mtimeMs) });
      } catch {
        // Gone between readdir and stat: nothing to upload.
      }
    }
    return true;
  };
  const readable = top === undefined && (await walk(folder.path));
  const problems: ScanProblem[] = [];
  if (!readable) problems.push({ folderId, kind: 'unreadable', count: 1, code: unreadableCode ?? (top as NodeJS.ErrnoException | undefined)?.code });
  else if (unreadable > 0) problems.push({ folderId, kind: 'unreadable-subfolders', count: unreadable, code: unreadableCode });
  if (badNames > 0) problems.push({ folderId, kind: 'names-not-utf8', count: badNames });
  return { files: found, problems };
}
