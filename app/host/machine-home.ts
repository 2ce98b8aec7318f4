// Where the desktop app keeps its data on Windows. Installed per machine (the
// NSIS installer's default: Program Files, for every user), it is
// %ProgramData%\Device Uploader, so the queue, the config and the log survive
// a change of user and one queue serves the PC. Installed per user, or run
// from a checkout, it is that user's %APPDATA%\Device Uploader, as before.
// A per-user folder from before a per-machine install is moved over once.
import { cpSync, existsSync, mkdirSync, readdirSync, readFileSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { isAbsolute, join, relative, resolve, win32 } from 'node:path';
import { writeConfigFile } from '../config/save.ts';
import { lockDataFolder } from '../engine/data-lock.ts';
import { defaultHome } from './data-home.ts';

/** Written into the machine folder once the move is complete: it is never done twice. */
export const MIGRATED_MARK = 'migrated-from.json';
const COPYING = '.migrating-copy';
const COPIED = '.migrating';

/**
 * The desktop app's data folder: DEVICE_UPLOADER_HOME when set; on Windows,
 * installed per machine, %ProgramData%\Device Uploader (a per-user folder from
 * before moved into it first, once); else the per-user place (data-home.ts).
 */
export function desktopDataHome(
  exePath: string,
  env: NodeJS.ProcessEnv,
  platform: NodeJS.Platform,
  homes: { user: string; machine: string } = { user: defaultHome(), machine: machineDataHome(env) },
): { home: string; migration?: Migration } {
  if (env.DEVICE_UPLOADER_HOME || platform !== 'win32' || !isPerMachineInstall(exePath, env)) return { home: homes.user };
  return { home: homes.machine, migration: migrateUserData(homes.user, homes.machine) };
}

/** Whether the app's executable lies under Program Files (a per-machine install). */
export function isPerMachineInstall(exePath: string, env: NodeJS.ProcessEnv): boolean {
  const roots = [env.ProgramFiles, env['ProgramFiles(x86)'], env.ProgramW6432].filter((r): r is string => !!r);
  return roots.some((root) => {
    const rel = win32.relative(root.toLowerCase(), exePath.toLowerCase());
    return rel !== '' && !rel.startsWith('..') && !win32.isAbsolute(rel);
  });
}

/** The machine-wide data folder on Windows. */
export function machineDataHome(env: NodeJS.ProcessEnv): string {
  return win32.join(env.ProgramData ?? 'C:\\ProgramData', 'Device Uploader');
}

export type Migration = 'moved' | 'nothing-to-move' | 'done-before' | 'machine-folder-in-use' | 'old-folder-busy';

/**
 * Moves a per-user data folder into the machine folder, once. Copies first
 * (into a hidden folder, renamed when complete), moves the copy's entries into
 * place, then marks the machine folder; a crash at any step is taken up again
 * at the next start. The data folder inside is locked meanwhile, so an old
 * per-user copy of the app still running keeps its folder (tried again next
 * time). The config's dataDir is rewritten when it pointed into the old
 * folder. The old folder is then renamed aside, so nothing uploads from its
 * queue twice ("Device Uploader (moved)"); the new one has all it held.
 */
export function migrateUserData(from: string, to: string): Migration {
  if (existsSync(join(to, MIGRATED_MARK))) return 'done-before';
  if (!existsSync(join(to, COPIED))) {
    if (!existsSync(from) || readdirSync(from).length === 0) return 'nothing-to-move';
    // A machine folder someone already set up (IT's config, a queue) is not overwritten.
    if (['config.json', 'data'].some((name) => existsSync(join(to, name)))) return 'machine-folder-in-use';
    const oldData = dataDirInside(from);
    let lock;
    try {
      lock = oldData && existsSync(oldData) ? lockDataFolder(oldData) : undefined;
    } catch {
      return 'old-folder-busy';
    }
    try {
      mkdirSync(to, { recursive: true });
      rmSync(join(to, COPYING), { recursive: true, force: true });
      // The lock file itself stays behind: it is the old folder's, and held.
      cpSync(from, join(to, COPYING), { recursive: true, filter: (src) => !src.endsWith('instance.lock') });
      renameSync(join(to, COPYING), join(to, COPIED));
    } finally {
      lock?.release();
    }
  }
  for (const name of readdirSync(join(to, COPIED))) {
    if (!existsSync(join(to, name))) renameSync(join(to, COPIED, name), join(to, name));
  }
  rewriteDataDir(join(to, 'config.json'), from, to);
  writeFileSync(join(to, MIGRATED_MARK), `${JSON.stringify({ from, at: new Date().toISOString() }, null, 2)}\n`);
  rmSync(join(to, COPIED), { recursive: true, force: true });
  try {
    renameSync(from, `${from} (moved)`);
  } catch {
    // In use by a window still open: the mark above keeps it from being moved twice.
  }
  return 'moved';
}

/** The old config's data folder when it lies inside `home` (the demo's, or a config kept there); else undefined. */
function dataDirInside(home: string): string | undefined {
  const dataDir = readDataDir(join(home, 'config.json')) ?? join(home, 'data');
  const full = resolve(home, dataDir);
  return isInside(home, full) ? full : undefined;
}

function readDataDir(configFile: string): string | undefined {
  try {
    const raw = JSON.parse(readFileSync(configFile, 'utf8').replace(/^\uFEFF/, '')) as { dataDir?: unknown };
    return typeof raw.dataDir === 'string' ? raw.dataDir : undefined;
  } catch {
    return undefined;
  }
}

function isInside(folder: string, path: string): boolean {
  const rel = relative(folder, path);
  return !rel.startsWith('..') && !isAbsolute(rel);
}

/** A config whose dataDir lay inside the old folder now points at the same place in the new one. */
function rewriteDataDir(configFile: string, from: string, to: string): void {
  const dataDir = readDataDir(configFile);
  if (dataDir === undefined || !isAbsolute(dataDir) || !isInside(from, dataDir)) return;
  const raw = JSON.parse(readFileSync(configFile, 'utf8').replace(/^\uFEFF/, '')) as Record<string, unknown>;
  writeConfigFile(configFile, { ...raw, dataDir: join(to, relative(from, dataDir)) });
}
