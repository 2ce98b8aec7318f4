// How a person knows a watched folder in what the CLI prints: the name an IT
// person gave it in the config ("holter"), else its path as the config names
// it. Never the id the engine derives from the path ("f-7fce135449c4"), which
// is for the database and the logs. Config only, never device data.
import { folderIdFor } from './load.ts';
import type { FolderConfig } from './schema.ts';

export function folderLabel(folder: Pick<FolderConfig, 'id' | 'path'>): string {
  return folder.id && folder.id !== folderIdFor(folder.path) ? folder.id : folder.path;
}

/** The label of the folder with this id; the id itself for a folder no longer in the config. */
export function folderLabelById(folders: readonly Pick<FolderConfig, 'id' | 'path'>[], id: string): string {
  const folder = folders.find((f) => f.id === id);
  return folder ? folderLabel(folder) : id;
}
