// The per-machine Windows data folder and the one-time move of a per-user one,
// on real temp folders: which install keeps its data where, the move with the
// config's dataDir rewritten, never twice, never over a machine folder IT set
// up, not while the old folder is in use, and taken up again after a crash.
import { existsSync, mkdirSync, mkdtempSync, readFileSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { lockDataFolder } from '../../app/engine/data-lock.ts';
import { desktopDataHome, isPerMachineInstall, machineDataHome, MIGRATED_MARK, migrateUserData } from '../../app/host/machine-home.ts';

let root: string;
let from: string;
let to: string;
beforeEach(() => {
  root = mkdtempSync(join(tmpdir(), 'du-home-'));
  from = join(root, 'AppData', 'Roaming', 'Device Uploader');
  to = join(root, 'ProgramData', 'Device Uploader');
});
afterEach(() => rmSync(root, { recursive: true, force: true }));

/** A per-user folder as the desktop app leaves it: config (dataDir inside), queue, secrets. */
function userFolder(): void {
  mkdirSync(join(from, 'data', 'logs'), { recursive: true });
  mkdirSync(join(from, 'desktop'), { recursive: true });
  writeFileSync(join(from, 'config.json'), JSON.stringify({ dataDir: join(from, 'data'), folders: [{ path: 'C:/Exports' }] }));
  writeFileSync(join(from, 'data', 'queue.db'), 'the queue');
  writeFileSync(join(from, 'desktop', 'secrets.bin'), 'sealed');
}

describe('which install keeps its data where', () => {
  const env = { ProgramFiles: 'C:\\Program Files', 'ProgramFiles(x86)': 'C:\\Program Files (x86)', ProgramData: 'C:\\ProgramData' };
  it('per machine (under Program Files): ProgramData; per user or a checkout: not', () => {
    expect(isPerMachineInstall('C:\\Program Files\\Device Uploader\\Device Uploader.exe', env)).toBe(true);
    expect(isPerMachineInstall('c:\\PROGRAM FILES (X86)\\Device Uploader\\Device Uploader.exe', env)).toBe(true);
    expect(isPerMachineInstall('C:\\Users\\ana\\AppData\\Local\\Programs\\device-uploader\\Device Uploader.exe', env)).toBe(false);
    expect(isPerMachineInstall('C:\\Program Files Extra\\x.exe', env)).toBe(false);
    expect(machineDataHome(env)).toBe('C:\\ProgramData\\Device Uploader');
  });

  it('the desktop app moves into the machine folder on a per-machine install only, and DEVICE_UPLOADER_HOME wins', () => {
    userFolder();
    const homes = { user: from, machine: to };
    const perUser = 'C:\\Users\\ana\\AppData\\Local\\Programs\\device-uploader\\Device Uploader.exe';
    expect(desktopDataHome(perUser, env, 'win32', homes)).toEqual({ home: from });
    expect(
      desktopDataHome('C:\\Program Files\\Device Uploader\\Device Uploader.exe', { ...env, DEVICE_UPLOADER_HOME: from }, 'win32', homes),
    ).toEqual({ home: from });
    expect(desktopDataHome('/opt/Device Uploader/device-uploader', env, 'linux', homes)).toEqual({ home: from });
    expect(existsSync(join(to, 'data'))).toBe(false);
    expect(desktopDataHome('C:\\Program Files\\Device Uploader\\Device Uploader.exe', env, 'win32', homes)).toEqual({ home: to, migration: 'moved' });
    expect(readFileSync(join(to, 'data', 'queue.db'), 'utf8')).toBe('the queue');
  });
});

describe('migrateUserData', () => {
  it('moves the per-user folder once, with the config pointing at the new data folder', () => {
    userFolder();
    expect(migrateUserData(from, to)).toBe('moved');
    expect(readFileSync(join(to, 'data', 'queue.db'), 'utf8')).toBe('the queue');
    expect(readFileSync(join(to, 'desktop', 'secrets.bin'), 'utf8')).toBe('sealed');
    expect(JSON.parse(readFileSync(join(to, 'config.json'), 'utf8'))).toMatchObject({ dataDir: join(to, 'data'), folders: [{ path: 'C:/Exports' }] });
    expect(JSON.parse(readFileSync(join(to, MIGRATED_MARK), 'utf8'))).toMatchObject({ from });
    // The old queue is out of the way, so nothing is sent twice from it.
    expect(existsSync(from)).toBe(false);
    expect(existsSync(`${from} (moved)`)).toBe(true);
    userFolder(); // a per-user app run again afterwards
    expect(migrateUserData(from, to)).toBe('done-before');
    expect(readFileSync(join(to, 'data', 'queue.db'), 'utf8')).toBe('the queue');
  });

  it('leaves things as they are: nothing to move, a machine folder IT set up, an old folder in use', () => {
    expect(migrateUserData(from, to)).toBe('nothing-to-move');
    userFolder();
    mkdirSync(to, { recursive: true });
    writeFileSync(join(to, 'config.json'), '{"it":"prepared"}');
    expect(migrateUserData(from, to)).toBe('machine-folder-in-use');
    expect(readFileSync(join(to, 'config.json'), 'utf8')).toBe('{"it":"prepared"}');
    rmSync(join(to, 'config.json'));
    const running = lockDataFolder(join(from, 'data'));
    try {
      expect(migrateUserData(from, to)).toBe('old-folder-busy');
      expect(existsSync(join(to, 'data'))).toBe(false);
    } finally {
      running.release();
    }
    expect(migrateUserData(from, to)).toBe('moved');
  });

  it('a crash during the copy starts it again; a crash while moving into place finishes it', () => {
    userFolder();
    mkdirSync(join(to, '.migrating-copy', 'data'), { recursive: true });
    writeFileSync(join(to, '.migrating-copy', 'data', 'queue.db'), 'half');
    expect(migrateUserData(from, to)).toBe('moved');
    expect(readFileSync(join(to, 'data', 'queue.db'), 'utf8')).toBe('the queue');
    expect(existsSync(join(to, '.migrating-copy'))).toBe(false);

    rmSync(to, { recursive: true });
    renameSync(`${from} (moved)`, from);
    // Copied whole, one entry moved into place, then the power went.
    mkdirSync(to, { recursive: true });
    renameSync(from, join(to, '.migrating'));
    renameSync(join(to, '.migrating', 'desktop'), join(to, 'desktop'));
    mkdirSync(from);
    expect(migrateUserData(from, to)).toBe('moved');
    expect(readFileSync(join(to, 'data', 'queue.db'), 'utf8')).toBe('the queue');
    expect(readFileSync(join(to, 'desktop', 'secrets.bin'), 'utf8')).toBe('sealed');
    expect(existsSync(join(to, '.migrating'))).toBe(false);
  });
});
