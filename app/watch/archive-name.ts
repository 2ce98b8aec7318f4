// Where a moved export lands: its path relative to the watched folder, under
// the archive folder, never over an existing file. The name is reserved with
// an exclusive create ('wx'), so two moves (or a person copying a file in)
// cannot race for it; the move then replaces our own empty placeholder.
import { mkdir, open } from 'node:fs/promises';
import { dirname, join } from 'node:path';

/** The n-th candidate name: "scan.dat", then "scan (2).dat", "scan (3).dat"... (suffix before the extension). */
export function candidateName(relPath: string, n: number): string {
  if (n <= 1) return relPath;
  const slash = relPath.lastIndexOf('/');
  const base = relPath.slice(slash + 1);
  const dot = base.lastIndexOf('.');
  const [stem, ext] = dot > 0 ? [base.slice(0, dot), base.slice(dot)] : [base, ''];
  return `${relPath.slice(0, slash + 1)}${stem} (${n})${ext}`;
}

/** Creates an empty placeholder at the first free candidate under `archiveDir`; answers its path. */
export async function reserveArchivePath(archiveDir: string, relPath: string, maxTries = 1000): Promise<string> {
  const first = join(archiveDir, ...relPath.split('/'));
  await mkdir(dirname(first), { recursive: true });
  for (let n = 1; n <= maxTries; n++) {
    const candidate = join(archiveDir, ...candidateName(relPath, n).split('/'));
    try {
      const handle = await open(candidate, 'wx');
      await handle.close();
      return candidate;
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== 'EEXIST') throw error;
    }
  }
  throw Object.assign(new Error('no free archive name'), { code: 'ARCHIVE_FULL' });
}
