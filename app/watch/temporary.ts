// Names device software, Office, Windows and macOS give to files that are not
// (yet) exports: partial downloads, lock and owner files, thumbnails caches,
// editor swap files. Matched on the file's own name, case-insensitively
// (Windows writes Thumbs.db and thumbs.db alike).
import picomatch from 'picomatch';

/** The default ignore list of `ignoreTemporary: true` (a folder's exclude adds to it). */
export const TEMPORARY_PATTERNS: readonly string[] = [
  '.*', // dotfiles: .DS_Store, ._AppleDouble, .~lock.x# (LibreOffice), .nfs* (NFS silly rename)
  '~$*', // Office owner files
  '~*.tmp',
  '*.tmp',
  '*.temp',
  '*.part',
  '*.partial',
  '*.crdownload',
  '*.download',
  '*.filepart', // WinSCP
  '*.swp',
  '*.swx',
  '*~',
  '*.lock',
  '*.lck',
  'Thumbs.db',
  'ehthumbs.db',
  'desktop.ini',
  '.DS_Store',
];

const isTemporaryBase = picomatch(TEMPORARY_PATTERNS as string[], { dot: true, nocase: true });

/** True when the last segment of a folder-relative path (posix separators) is a temporary or hidden name. */
export function isTemporaryName(relPath: string): boolean {
  const base = relPath.slice(relPath.lastIndexOf('/') + 1);
  return base !== '' && isTemporaryBase(base);
}

/** True when any directory segment of a folder-relative path is hidden (scanFolder never walks into those). */
export function inHiddenDirectory(relPath: string): boolean {
  const segments = relPath.split('/');
  return segments.slice(0, -1).some((s) => s.startsWith('.'));
}
