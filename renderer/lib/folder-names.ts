// Which watched folder a file came from, in words staff know. The engine names
// folders by id; an id a person chose in Settings ("Name in the queue", e.g.
// "holter") is shown as is, but one the engine derived from the path
// ("f-7fce135449c4") means nothing to anyone: the folder's own name from the
// config is shown instead, its full path on hover. Config, never device data.
import type { FolderStatus } from '../../app/api.ts';

/** The shape of an id the engine derives from a folder's path (app/config/load.ts folderIdFor). */
const DERIVED_ID = /^f-[0-9a-f]{12}$/;

export interface FolderNames {
  /** Takes the folders of the latest snapshot or `folders` event. */
  set(folders: readonly Pick<FolderStatus, 'id' | 'path'>[]): void;
  /** The short name for a row's folder column. */
  label(id: string): string;
  /** The folder's full path for a hover text; '' when the folder is no longer configured. */
  path(id: string): string;
  /** A file's whole path (its folder's path, then its path inside it), for a hover text. */
  fullPath(id: string, relPath: string): string;
}

export function createFolderNames(): FolderNames {
  let byId = new Map<string, string>();
  return {
    set(folders) {
      byId = new Map(folders.map((f) => [f.id, f.path]));
    },
    label(id) {
      const path = byId.get(id);
      if (!DERIVED_ID.test(id)) return id;
      return path === undefined ? 'a removed folder' : lastSegment(path);
    },
    path: (id) => byId.get(id) ?? '',
    fullPath(id, relPath) {
      const folder = byId.get(id);
      if (!folder) return relPath;
      // relPath always uses "/"; a Windows folder reads better with its own separator throughout.
      const sep = folder.includes('\\') && !folder.includes('/') ? '\\' : '/';
      return `${folder.replace(/[\\/]+$/, '')}${sep}${relPath.split('/').join(sep)}`;
    },
  };
}

/** "D:\\Holter\\Export\\" -> "Export"; a drive or share root stays whole. */
function lastSegment(path: string): string {
  const parts = path.split(/[\\/]+/).filter(Boolean);
  return parts.length > 1 ? parts.at(-1)! : path;
}

/** One registry for the window: the app feeds it, rows and History read it. */
export const folderNames = createFolderNames();
