// Where OS file events do not arrive: network shares. SMB/NFS servers do not
// tell a client's inotify about writes made by other machines, and Windows
// change notifications over SMB are dropped under load. There, `poll: 'auto'`
// chooses stat polling. Parsers are pure; the probes run once per folder.
import { execFile } from 'node:child_process';
import { readFile, realpath } from 'node:fs/promises';
import { promisify } from 'node:util';

const NETWORK_FS = new Set([
  'nfs',
  'nfs4',
  'cifs',
  'smb',
  'smb2',
  'smb3',
  'smbfs',
  'afpfs',
  'webdav',
  'davfs',
  'fuse.sshfs',
  'sshfs',
  'ncpfs',
  'afs',
  '9p', // WSL's view of Windows drives: Windows-side writes raise no inotify events
]);

export interface Mount {
  mountPoint: string;
  fsType: string;
}

/** True for a network file system type name as Linux or macOS report it. */
export function isNetworkFsType(fsType: string): boolean {
  return NETWORK_FS.has(fsType.toLowerCase());
}

/** True for a Windows UNC path (\\server\share\..., or //server/share/...). */
export function isUncPath(path: string): boolean {
  return /^(\\\\|\/\/)[^\\/?.]/.test(path);
}

/** Linux /proc/mounts lines ("dev mountpoint type opts 0 0"; spaces escaped as \040). */
export function parseProcMounts(text: string): Mount[] {
  return text
    .split('\n')
    .map((line) => line.split(' '))
    .filter((f) => f.length >= 3)
    .map((f) => ({ mountPoint: unescapeOctal(f[1]!), fsType: f[2]! }));
}

/** macOS `mount` output ("//u@srv/share on /Volumes/share (smbfs, nodev, ...)"). */
export function parseMacMount(text: string): Mount[] {
  const mounts: Mount[] = [];
  for (const line of text.split('\n')) {
    const m = / on (.+) \(([^,)]+)/.exec(line);
    if (m) mounts.push({ mountPoint: m[1]!, fsType: m[2]!.trim() });
  }
  return mounts;
}

/** Windows `net use` output: the drive letters mapped to network shares ("OK  Z:  \\srv\share ..."). */
export function parseNetUse(text: string): Set<string> {
  const drives = new Set<string>();
  for (const m of text.matchAll(/\s([A-Za-z]):\s+\\\\/g)) drives.add(m[1]!.toUpperCase());
  return drives;
}

/** The file system type of the longest mount point containing `path`. */
export function fsTypeOf(path: string, mounts: readonly Mount[]): string | undefined {
  let best: Mount | undefined;
  for (const m of mounts) {
    const root = m.mountPoint.endsWith('/') ? m.mountPoint : `${m.mountPoint}/`;
    const inside = path === m.mountPoint || path.startsWith(root) || m.mountPoint === '/';
    if (inside && (!best || m.mountPoint.length > best.mountPoint.length)) best = m;
  }
  return best?.fsType;
}

/** Whether a folder is on a network share, probing the OS cheaply; unknown counts as local (events). */
export async function isOnNetworkShare(path: string, platform: NodeJS.Platform = process.platform): Promise<boolean> {
  try {
    if (platform === 'win32') {
      if (isUncPath(path)) return true;
      const drive = /^([A-Za-z]):/.exec(path)?.[1];
      if (!drive) return false;
      const { stdout } = await promisify(execFile)('net', ['use'], { timeout: 3_000, windowsHide: true });
      return parseNetUse(stdout).has(drive.toUpperCase());
    }
    // Through symlinks: a link in the home folder may point onto a share.
    const real = await realpath(path).catch(() => path);
    if (platform === 'linux') return isNetworkFsType(fsTypeOf(real, parseProcMounts(await readFile('/proc/mounts', 'utf8'))) ?? '');
    if (platform === 'darwin') {
      const { stdout } = await promisify(execFile)('/sbin/mount', [], { timeout: 3_000 });
      return isNetworkFsType(fsTypeOf(real, parseMacMount(stdout)) ?? '');
    }
  } catch {
    // A probe that fails says nothing; native events are the default.
  }
  return false;
}

function unescapeOctal(s: string): string {
  return s.replace(/\\([0-7]{3})/g, (_, o: string) => String.fromCharCode(parseInt(o, 8)));
}
